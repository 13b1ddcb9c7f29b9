package toolboximage

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func fakeOptions() Options {
	return Options{
		Version:  "v1.2.3",
		Revision: "abc",
		Toolbox:  map[string][]byte{"arm64": []byte("arm64 binary"), "amd64": []byte("amd64 binary")},
		Names:    []string{"sh", "ls"},
		CABundle: []byte("PEM"),
	}
}

func TestIndexPlatformsAndConfig(t *testing.T) {
	idx, images, err := Index(fakeOptions())
	if err != nil {
		t.Fatalf("Index: %v", err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIImageIndex {
		t.Errorf("index media type = %q, want %q", m.MediaType, types.OCIImageIndex)
	}
	var got []string
	for _, d := range m.Manifests {
		got = append(got, d.Platform.OS+"/"+d.Platform.Architecture)
		if d.MediaType != types.OCIManifestSchema1 {
			t.Errorf("%s manifest media type = %q", d.Platform.Architecture, d.MediaType)
		}
		dig, err := images[d.Platform.Architecture].Digest()
		if err != nil || dig != d.Digest {
			t.Errorf("%s: index names %s, image is %s (%v)", d.Platform.Architecture, d.Digest, dig, err)
		}
	}
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, got); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
	cf, err := images["arm64"].ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Architecture != "arm64" || cf.OS != "linux" {
		t.Errorf("arm64 image config says %s/%s", cf.OS, cf.Architecture)
	}
	if diff := cmp.Diff([]string{BinaryPath}, cf.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint (-want +got):\n%s", diff)
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.version":  "v1.2.3",
		"org.opencontainers.image.revision": "abc",
		"org.opencontainers.image.licenses": "Apache-2.0",
		"org.opencontainers.image.source":   Source,
		"org.opencontainers.image.created":  "1970-01-01T00:00:00Z",
	} {
		if got := cf.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}
}

func TestIndexReproducible(t *testing.T) {
	digest := func(o Options) v1.Hash {
		t.Helper()
		idx, _, err := Index(o)
		if err != nil {
			t.Fatal(err)
		}
		d, err := idx.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first := digest(fakeOptions())
	if again := digest(fakeOptions()); again != first {
		t.Errorf("same options, different digests: %s, %s", first, again)
	}
	o := fakeOptions()
	o.Names = []string{"ls", "sh"}
	if d := digest(o); d != first {
		t.Errorf("the order of the names changed the digest")
	}
	o = fakeOptions()
	o.Created = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d := digest(o); d == first {
		t.Errorf("the creation time did not change the digest")
	}
	o = fakeOptions()
	o.Toolbox["amd64"] = []byte("other")
	if d := digest(o); d == first {
		t.Errorf("the binary did not change the digest")
	}
}

func TestWriteReproducible(t *testing.T) {
	write := func() Outputs {
		t.Helper()
		idx, images, err := Index(fakeOptions())
		if err != nil {
			t.Fatal(err)
		}
		out, err := Write(t.TempDir(), Ref("v1.2.3"), idx, images)
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
		return out
	}
	a, b := write(), write()
	for _, pair := range [][2]string{{a.Archive, b.Archive}, {a.Docker["amd64"], b.Docker["amd64"]}, {a.Docker["arm64"], b.Docker["arm64"]}} {
		if sa, sb := fileSum(t, pair[0]), fileSum(t, pair[1]); sa != sb {
			t.Errorf("%s and %s differ", pair[0], pair[1])
		}
	}
	// The layout reads back as the index that was written, under its name.
	p, err := layout.FromPath(a.Layout)
	if err != nil {
		t.Fatal(err)
	}
	top, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	tm, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(tm.Manifests) != 1 || tm.Manifests[0].Digest != a.IndexDigest ||
		tm.Manifests[0].Annotations["io.containerd.image.name"] != Ref("v1.2.3") ||
		tm.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "v1.2.3" {
		t.Errorf("index.json = %+v, want one descriptor of %s named %s", tm.Manifests, a.IndexDigest, Ref("v1.2.3"))
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

func TestRef(t *testing.T) {
	if got := Ref(""); got != Repository+":dev" {
		t.Errorf("Ref(\"\") = %q", got)
	}
	if got := Ref("v0.1.0"); got != Repository+":v0.1.0" {
		t.Errorf("Ref(v0.1.0) = %q", got)
	}
}

// TestDockerfileBuildsLikeBuildFlags: images/Dockerfile compiles the toolbox itself; with
// other flags it would make another binary (HTTP/2 back in, over the size budget).
func TestDockerfileBuildsLikeBuildFlags(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := strings.ReplaceAll(strings.ReplaceAll(string(b), "\\\n", " "), `"`, "")
	var build string
	for _, l := range strings.Split(cmd, "\n") {
		if strings.Contains(l, "go build") && strings.Contains(l, "./cmd/ddebug-toolbox") {
			build = l
		}
	}
	if build == "" {
		t.Fatal("images/Dockerfile has no go build of ./cmd/ddebug-toolbox")
	}
	for _, f := range BuildFlags {
		if !strings.Contains(build, f) {
			t.Errorf("images/Dockerfile builds without %q: %s", f, strings.Join(strings.Fields(build), " "))
		}
	}
}
