package main

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
)

// TestReleasePinsThePushedImages publishes to an in-process registry: the plugin the
// release builds names, as its default images, the pushed toolbox and node indexes by
// the digests the registry serves for their tags.
func TestReleasePinsThePushedImages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin and both images: skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("runs the linux plugin it builds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	moduleDir, err := toolboximage.ModuleRoot(ctx, ".")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	reg := strings.TrimPrefix(srv.URL, "http://") + "/kubectl-ddebug"

	out := t.TempDir()
	o := Options{Version: "v9.8.7", Commit: "0123abc", Out: out, ModuleDir: moduleDir,
		Platforms: []string{"linux/" + runtime.GOARCH}, Template: "hack/krew-manifest.yaml.tmpl",
		Created: time.Unix(0, 0), Registry: reg, CABundle: "/etc/ssl/certs/ca-certificates.crt"}
	res, err := Release(ctx, o)
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	pinned := map[string]string{}
	for _, tag := range []string{"v9.8.7", "v9.8.7-node"} {
		ref := reg + "/toolbox:" + tag
		r, err := name.ParseReference(ref)
		if err != nil {
			t.Fatal(err)
		}
		idx, err := remote.Index(r, remote.WithContext(ctx))
		if err != nil {
			t.Fatalf("the registry does not serve %s: %v", ref, err)
		}
		d, err := idx.Digest()
		if err != nil {
			t.Fatal(err)
		}
		m, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Manifests) != 1 || m.Manifests[0].Platform == nil || m.Manifests[0].Platform.Architecture != runtime.GOARCH {
			t.Errorf("%s: index manifests %+v, want one for linux/%s", ref, m.Manifests, runtime.GOARCH)
		}
		pinned[tag] = ref + "@" + d.String()
	}
	if res.Published.Toolbox != pinned["v9.8.7"] || res.Published.Node != pinned["v9.8.7-node"] {
		t.Errorf("Published = %+v, want the registry's %v", res.Published, pinned)
	}
	if len(res.Archives) != 1 {
		t.Fatalf("archives %v, want one", res.Archives)
	}
	plugin := filepath.Join(t.TempDir(), "kubectl-ddebug")
	if err := os.WriteFile(plugin, readTarGz(t, res.Archives[0].Path)["kubectl-ddebug"].Data, 0o755); err != nil {
		t.Fatal(err)
	}
	version, err := exec.CommandContext(ctx, plugin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl-ddebug version: %v\n%s", err, version)
	}
	for _, want := range []string{"toolbox image: " + pinned["v9.8.7"] + "\n", "node image: " + pinned["v9.8.7-node"] + "\n"} {
		if !strings.Contains(string(version), want) {
			t.Errorf("kubectl-ddebug version does not say %q:\n%s", want, version)
		}
	}
	for _, layout := range []string{"image/oci/index.json", "image-node/oci/index.json"} {
		if _, err := os.Stat(filepath.Join(out, layout)); err != nil {
			t.Errorf("the release has no %s: %v", layout, err)
		}
	}
}
