package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
)

// TestReleaseHostPlatform runs the release for this machine's platform only: the archive
// holds the four files, the plugin says the version and image it was given, embeds the
// toolbox that was built for the image, and checksums.txt has its sum. (All four
// platforms are `make release`: too much CPU for a unit test.)
func TestReleaseHostPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin: skipped with -short")
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
	out := t.TempDir()
	o := Options{Version: "v9.8.7", Commit: "0123abc", Image: "registry.test/toolbox:v9.8.7", Out: out,
		ModuleDir: moduleDir, Platforms: []string{"linux/" + runtime.GOARCH},
		Template: "hack/krew-manifest.yaml.tmpl", Created: time.Unix(0, 0)}
	res, err := Release(ctx, o)
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	if len(res.Archives) != 1 || res.Manifest != "" {
		t.Fatalf("archives %v, manifest %q: want one archive and no manifest for a partial release", res.Archives, res.Manifest)
	}
	a := res.Archives[0]
	if want := filepath.Join(out, "kubectl-ddebug_v9.8.7_linux_"+runtime.GOARCH+".tar.gz"); a.Path != want {
		t.Errorf("archive %s, want %s", a.Path, want)
	}
	sums, err := os.ReadFile(res.Checksums)
	if err != nil {
		t.Fatal(err)
	}
	if want := a.SHA256 + "  " + filepath.Base(a.Path) + "\n"; string(sums) != want {
		t.Errorf("checksums.txt = %q, want %q", sums, want)
	}
	files := readTarGz(t, a.Path)
	for name, mode := range map[string]int64{"kubectl-ddebug": 0o755, "kubectl_complete-ddebug": 0o755, "LICENSE": 0o644, "README.md": 0o644} {
		f, ok := files[name]
		if !ok || f.Mode != mode || len(f.Data) == 0 {
			t.Errorf("%s in the archive: present %v, mode %o; want mode %o and content", name, ok, f.Mode, mode)
		}
	}
	if !strings.Contains(string(files["LICENSE"].Data), "Apache License") {
		t.Error("LICENSE is not the Apache license")
	}
	dir := t.TempDir()
	plugin := filepath.Join(dir, "kubectl-ddebug")
	if err := os.WriteFile(plugin, files["kubectl-ddebug"].Data, 0o755); err != nil {
		t.Fatal(err)
	}
	version, err := exec.CommandContext(ctx, plugin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl-ddebug version: %v\n%s", err, version)
	}
	for _, want := range []string{"kubectl-ddebug v9.8.7", "commit: 0123abc", "toolbox image: registry.test/toolbox:v9.8.7"} {
		if !strings.Contains(string(version), want) {
			t.Errorf("kubectl-ddebug version does not say %q:\n%s", want, version)
		}
	}
	toolbox, err := os.ReadFile(filepath.Join(out, "build", "linux_"+runtime.GOARCH, "ddebug-toolbox"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(files["kubectl-ddebug"].Data, toolbox) {
		t.Error("the plugin does not embed the toolbox built for its architecture")
	}
}
