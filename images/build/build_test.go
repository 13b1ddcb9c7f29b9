package main

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// testVersion is unique per run so loading into Docker never clobbers a real tag.
var testVersion = fmt.Sprintf("test-%d", os.Getpid())

var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

// built runs the real build once per test binary (two architectures, a few minutes cold).
func built(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the toolbox for two architectures: skipped with -short")
	}
	buildOnce.Do(func() {
		builtDir, buildErr = os.MkdirTemp("", "ddebug-image-test-")
		if buildErr == nil {
			buildErr = buildInto(builtDir)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the image: %v", buildErr)
	}
	return builtDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

func buildInto(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	return run(ctx, []string{"-version", testVersion, "-revision", "0123abc", "-out", dir})
}

func indexDigest(t *testing.T, dir string) v1.Hash {
	t.Helper()
	p, err := layout.FromPath(filepath.Join(dir, "oci"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 {
		t.Fatalf("index.json holds %d descriptors, want 1", len(m.Manifests))
	}
	return m.Manifests[0].Digest
}

func TestBuildTwiceSameDigest(t *testing.T) {
	first := built(t)
	second := t.TempDir()
	if err := buildInto(second); err != nil {
		t.Fatalf("second build: %v", err)
	}
	a, b := indexDigest(t, first), indexDigest(t, second)
	if a != b {
		t.Errorf("two builds of the same sources: index %s, then %s", a, b)
	}
	for _, name := range []string{"toolbox.oci.tar", "toolbox-linux-amd64.tar", "toolbox-linux-arm64.tar"} {
		x, err := os.ReadFile(filepath.Join(first, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(second, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(x) != string(y) {
			t.Errorf("%s differs between two builds", name)
		}
	}
	t.Logf("index %s", a)
}

// hostImage returns the image for this machine's architecture from the built layout.
func hostImage(t *testing.T, dir string) v1.Image {
	t.Helper()
	p, err := layout.FromPath(filepath.Join(dir, "oci"))
	if err != nil {
		t.Fatal(err)
	}
	top, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := top.ImageIndex(indexDigest(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range m.Manifests {
		if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == runtime.GOARCH {
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			return img
		}
	}
	t.Skipf("no linux/%s image in the index: cannot run its binary here", runtime.GOARCH)
	return nil
}

// unpack extracts the image's only layer into a new directory.
func unpack(t *testing.T, img v1.Image) string {
	t.Helper()
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %d, %v; want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	root := t.TempDir()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return root
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, filepath.FromSlash(hdr.Name))
		if !strings.HasPrefix(p, root+string(os.PathSeparator)) {
			t.Fatalf("layer entry %q escapes the root", hdr.Name)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			err = os.Symlink(hdr.Linkname, p)
		case tar.TypeReg:
			var data []byte
			if data, err = io.ReadAll(tr); err == nil {
				err = os.WriteFile(p, data, fs.FileMode(hdr.Mode)&fs.ModePerm)
			}
		default:
			t.Fatalf("unexpected layer entry %q of type %c", hdr.Name, hdr.Typeflag)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestEveryAppletLinkRuns(t *testing.T) {
	root := unpack(t, hostImage(t, built(t)))
	names := tools.Names()
	if len(names) < 10 {
		t.Fatalf("only %d applet names registered", len(names))
	}
	for _, n := range names {
		link := filepath.Join(root, "bin", n)
		if dest, err := os.Readlink(link); err != nil || dest != "ddebug-toolbox" {
			t.Errorf("/bin/%s: link to %q, %v; want a link to ddebug-toolbox", n, dest, err)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, link, "--help").CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("/bin/%s --help: %v\n%s", n, err, out)
		}
	}
	if dest, err := os.Readlink(filepath.Join(root, "target")); err != nil || dest != toolboximage.TargetLinkDest {
		t.Errorf("/target links to %q, %v; want %s", dest, err, toolboximage.TargetLinkDest)
	}
	st, err := os.Stat(filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"))
	if err != nil || st.Size() < 1000 {
		t.Errorf("CA bundle: %v", err)
	}
}

func TestRootFS(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the toolbox: skipped with -short")
	}
	ctx := context.Background()
	moduleDir, err := toolboximage.ModuleRoot(ctx, ".")
	if err != nil {
		t.Fatal(err)
	}
	bins := t.TempDir()
	if _, err := toolboximage.CompileToolboxes(ctx, moduleDir, bins, []string{runtime.GOARCH}); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "rootfs")
	if err := run(ctx, []string{"-rootfs", root, "-arch", runtime.GOARCH, "-toolbox-dir", bins}); err != nil {
		t.Fatalf("-rootfs: %v", err)
	}
	out, err := exec.Command(filepath.Join(root, "bin", "ls"), "/").CombinedOutput()
	if err != nil {
		t.Fatalf("rootfs /bin/ls: %v\n%s", err, out)
	}
	st, err := os.Stat(filepath.Join(root, "run", "ddebug"))
	if err != nil || st.Mode()&fs.ModeSticky == 0 || st.Mode().Perm() != 0o777 {
		t.Errorf("rootfs /run/ddebug: %v, %v; want a sticky 0777 directory", st.Mode(), err)
	}
	if err := run(ctx, []string{"-rootfs", root, "-toolbox-dir", bins}); err == nil {
		t.Error("-rootfs with two architectures succeeded")
	}
}

func TestNormalizeVersion(t *testing.T) {
	for in, want := range map[string]string{"0.1.0": "v0.1.0", "v0.1.0": "v0.1.0", "1.0.0-rc.1": "v1.0.0-rc.1",
		"dev": "dev", "": "", "5a8b320": "5a8b320", "5a8b320-dirty": "5a8b320-dirty"} {
		if got := normalizeVersion(in); got != want {
			t.Errorf("normalizeVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSourceDateEpoch(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	got, err := sourceDateEpoch()
	if err != nil || got.Unix() != 1700000000 {
		t.Errorf("sourceDateEpoch() = %v, %v", got, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if _, err := sourceDateEpoch(); err == nil {
		t.Error("SOURCE_DATE_EPOCH=yesterday accepted")
	}
}
