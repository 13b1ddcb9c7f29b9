package ocibuild

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

type entry struct {
	Name     string
	Type     byte
	Mode     int64
	UID, GID int
	Data     string
}

func TestBuildRoundTrip(t *testing.T) {
	files := []File{
		{Path: "/usr/bin/app", Mode: 0o755, Data: []byte("#!app"), UID: 65532, GID: 65532},
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte("nonroot:x:65532:65532::/:/app\n")},
		{Path: "/tmp", Mode: fs.ModeDir | 0o1777},
	}
	cfg := Config{Entrypoint: []string{"/usr/bin/app"}, Cmd: []string{"-v"}, User: "65532:65532",
		Env: []string{"A=b"}, WorkingDir: "/", Labels: map[string]string{"k": "v"}, Architecture: "arm64"}
	img, err := Build(files, cfg)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	path := filepath.Join(t.TempDir(), "img.tar")
	const ref = "registry.example/team/app:1"
	if err := WriteTarball(path, ref, img); err != nil {
		t.Fatalf("WriteTarball: %v", err)
	}

	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	back, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatalf("reading the tarball back: %v", err)
	}
	cf, err := back.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "arm64" {
		t.Errorf("platform = %s/%s, want linux/arm64", cf.OS, cf.Architecture)
	}
	gotCfg := Config{Entrypoint: cf.Config.Entrypoint, Cmd: cf.Config.Cmd, User: cf.Config.User,
		Env: cf.Config.Env, WorkingDir: cf.Config.WorkingDir, Labels: cf.Config.Labels, Architecture: cf.Architecture}
	if diff := cmp.Diff(cfg, gotCfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}

	layers, err := back.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers = %d, %v; want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var got []entry
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading layer: %v", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{hdr.Name, hdr.Typeflag, hdr.Mode, hdr.Uid, hdr.Gid, string(data)})
	}
	want := []entry{
		{"etc/", tar.TypeDir, 0o755, 0, 0, ""},
		{"etc/passwd", tar.TypeReg, 0o644, 0, 0, "nonroot:x:65532:65532::/:/app\n"},
		{"tmp/", tar.TypeDir, 0o777, 0, 0, ""},
		{"usr/", tar.TypeDir, 0o755, 0, 0, ""},
		{"usr/bin/", tar.TypeDir, 0o755, 0, 0, ""},
		{"usr/bin/app", tar.TypeReg, 0o755, 65532, 65532, "#!app"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("layer entries (-want +got):\n%s", diff)
	}
}

func TestBuildReproducible(t *testing.T) {
	files := []File{{Path: "/b", Mode: 0o644, Data: []byte("b")}, {Path: "/a/x", Mode: 0o600, Data: []byte("x")}}
	digest := func(files []File) string {
		t.Helper()
		img, err := Build(files, Config{Entrypoint: []string{"/b"}})
		if err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	first := digest(files)
	if again := digest([]File{files[1], files[0]}); again != first {
		t.Errorf("digest changed with file order: %s != %s", again, first)
	}
	if other := digest([]File{{Path: "/b", Mode: 0o644, Data: []byte("c")}}); other == first {
		t.Errorf("digest did not change with content")
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name  string
		files []File
	}{
		{"relative path", []File{{Path: "app", Mode: 0o755}}},
		{"unclean path", []File{{Path: "/a/../app", Mode: 0o755}}},
		{"root", []File{{Path: "/", Mode: fs.ModeDir | 0o755}}},
		{"duplicate", []File{{Path: "/app", Mode: 0o755}, {Path: "/app", Mode: 0o644}}},
		{"file as parent", []File{{Path: "/app", Mode: 0o755}, {Path: "/app/x", Mode: 0o644}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Build(tt.files, Config{}); err == nil {
				t.Errorf("Build(%v) succeeded, want an error", tt.files)
			}
		})
	}
}

func TestFileFromHost(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bin")
	if err := writeFile(p, "data", 0o750); err != nil {
		t.Fatal(err)
	}
	f, err := FileFromHost("/bin/x", p)
	if err != nil {
		t.Fatalf("FileFromHost: %v", err)
	}
	want := File{Path: "/bin/x", Mode: 0o750, Data: []byte("data")}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := FileFromHost("/x", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("FileFromHost of a missing file succeeded")
	}
}

func TestBuildLinksStickyAndOCI(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	files := []File{
		{Path: "/bin/tool", Mode: 0o755, Data: []byte("x")},
		{Path: "/bin/ls", Mode: fs.ModeSymlink, Link: "tool"},
		{Path: "/run/app", Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		{Path: "/target", Mode: fs.ModeSymlink | 0o755, Link: "/run/app/target"},
	}
	img, err := Build(files, Config{OCI: true, Created: created})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	mt, err := img.MediaType()
	if err != nil || mt != types.OCIManifestSchema1 {
		t.Errorf("manifest media type = %q, %v; want %q", mt, err, types.OCIManifestSchema1)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.MediaType != types.OCIConfigJSON || len(m.Layers) != 1 || m.Layers[0].MediaType != types.OCILayer {
		t.Errorf("config/layer media types = %q/%v; want OCI ones", m.Config.MediaType, m.Layers)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if !cf.Created.Time.Equal(created) || len(cf.History) != 1 || !cf.History[0].Created.Time.Equal(created) {
		t.Errorf("created = %v, history = %v; want %v in both", cf.Created, cf.History, created)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	type link struct {
		Name, Link string
		Type       byte
		Mode       int64
	}
	var got []link
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, link{hdr.Name, hdr.Linkname, hdr.Typeflag, hdr.Mode})
	}
	want := []link{
		{"bin/", "", tar.TypeDir, 0o755},
		{"bin/ls", "tool", tar.TypeSymlink, 0o777},
		{"bin/tool", "", tar.TypeReg, 0o755},
		{"run/", "", tar.TypeDir, 0o755},
		{"run/app/", "", tar.TypeDir, 0o1777},
		{"target", "/run/app/target", tar.TypeSymlink, 0o777},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("layer entries (-want +got):\n%s", diff)
	}
	if _, err := Build([]File{{Path: "/l", Mode: fs.ModeSymlink}}, Config{}); err == nil {
		t.Error("Build of a symbolic link without a target succeeded")
	}
}

func TestBuildCompressionLevel(t *testing.T) {
	data := []byte(strings.Repeat("compressible text, compressible text; ", 4000))
	size := func(level int) int64 {
		t.Helper()
		img, err := Build([]File{{Path: "/f", Mode: 0o644, Data: data}}, Config{CompressionLevel: level})
		if err != nil {
			t.Fatal(err)
		}
		m, err := img.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		return m.Layers[0].Size
	}
	if fast, best := size(gzip.BestSpeed), size(gzip.BestCompression); best >= fast {
		t.Errorf("BestCompression layer %d bytes, BestSpeed %d: the level was not applied", best, fast)
	}
}
