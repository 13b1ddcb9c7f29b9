package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fakeData() ManifestData {
	d := ManifestData{Version: "v1.2.3", Image: "ghcr.io/kubectl-ddebug/toolbox:v1.2.3"}
	for i, p := range Platforms {
		goos, goarch, _ := strings.Cut(p, "/")
		d.Platforms = append(d.Platforms, ManifestPlatform{OS: goos, Arch: goarch,
			SHA256: strings.Repeat(fmt.Sprint(i), 64),
			URI:    fmt.Sprintf(DownloadBase, "v1.2.3") + "/kubectl-ddebug_v1.2.3_" + goos + "_" + goarch + ".tar.gz"})
	}
	return d
}

func readTemplate(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../krew-manifest.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkProjectRules are ours on top of krew's: the four platforms, the binary, the files
// every archive ships, and what the caveats must say.
func checkProjectRules(t *testing.T, p Plugin) {
	t.Helper()
	if err := ValidateManifest(PluginName, p); err != nil {
		t.Fatalf("krew's rules: %v", err)
	}
	var got []string
	for _, pl := range p.Spec.Platforms {
		osName, arch := pl.Selector.MatchLabels["os"], pl.Selector.MatchLabels["arch"]
		got = append(got, osName+"/"+arch)
		if pl.Bin != "kubectl-ddebug" {
			t.Errorf("%s/%s: bin %q, want kubectl-ddebug", osName, arch, pl.Bin)
		}
		wantURI := fmt.Sprintf(DownloadBase, p.Spec.Version) + "/kubectl-ddebug_" + p.Spec.Version + "_" + osName + "_" + arch + ".tar.gz"
		if pl.URI != wantURI {
			t.Errorf("%s/%s: uri %q, want %q", osName, arch, pl.URI, wantURI)
		}
		var from []string
		for _, f := range pl.Files {
			from = append(from, f.From)
		}
		if diff := cmp.Diff([]string{"kubectl-ddebug", "kubectl_complete-ddebug", "LICENSE"}, from); diff != "" {
			t.Errorf("%s/%s: files (-want +got):\n%s", osName, arch, diff)
		}
	}
	want := append([]string(nil), Platforms...)
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(p.Spec.Homepage, "https://") {
		t.Errorf("homepage %q", p.Spec.Homepage)
	}
	for _, want := range []string{"ephemeral containers", "Linux only", "patch pods/ephemeralcontainers"} {
		if !strings.Contains(strings.Join(strings.Fields(p.Spec.Caveats), " "), want) {
			t.Errorf("caveats do not say %q", want)
		}
	}
	if p.Spec.Description == "" {
		t.Error("no description")
	}
}

// TestCommittedManifest checks the krew-manifest.yaml at the top of the repository, which
// `make release` fills; krew itself cannot be built here (its module is not served).
func TestCommittedManifest(t *testing.T) {
	data, err := os.ReadFile("../../krew-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	checkProjectRules(t, p)
	// It is the template's, filled with its own version and sums: an edit of the template
	// that was not carried over shows here (DDEBUG_UPDATE_MANIFEST=1 carries it over).
	d := ManifestData{Version: p.Spec.Version, Image: "ghcr.io/kubectl-ddebug/toolbox:" + p.Spec.Version}
	for _, pl := range p.Spec.Platforms {
		d.Platforms = append(d.Platforms, ManifestPlatform{OS: pl.Selector.MatchLabels["os"], Arch: pl.Selector.MatchLabels["arch"], URI: pl.URI, SHA256: pl.Sha256})
	}
	want, err := RenderManifest(readTemplate(t), d)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("DDEBUG_UPDATE_MANIFEST") == "1" {
		if err := os.WriteFile("../../krew-manifest.yaml", want, 0o644); err != nil {
			t.Fatal(err)
		}
		data = want
	}
	if string(data) != string(want) {
		t.Errorf("krew-manifest.yaml is not hack/krew-manifest.yaml.tmpl rendered with its version and sums: run 'DDEBUG_UPDATE_MANIFEST=1 go test ./hack/release -run TestCommittedManifest' (or make release)")
	}
}

func TestRenderManifest(t *testing.T) {
	data, err := RenderManifest(readTemplate(t), fakeData())
	if err != nil {
		t.Fatalf("RenderManifest: %v", err)
	}
	p, err := DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	checkProjectRules(t, p)
	if p.Spec.Version != "v1.2.3" || p.Spec.Platforms[3].Sha256 != strings.Repeat("3", 64) {
		t.Errorf("version %q, last sum %q: not the data given", p.Spec.Version, p.Spec.Platforms[3].Sha256)
	}
	if !strings.Contains(p.Spec.Caveats, "ghcr.io/kubectl-ddebug/toolbox:v1.2.3") {
		t.Errorf("caveats do not name the image:\n%s", p.Spec.Caveats)
	}
	bad := fakeData()
	bad.Platforms[0].SHA256 = "not-a-sum"
	if _, err := RenderManifest(readTemplate(t), bad); err == nil {
		t.Error("a manifest with a bad sum was rendered without error")
	}
}

func TestDecodeManifestStrict(t *testing.T) {
	good, err := RenderManifest(readTemplate(t), fakeData())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, from, to string }{
		{"misspelled field", "shortDescription:", "shortDescripton:"},
		{"unknown platform field", "    bin: kubectl-ddebug", "    binary: kubectl-ddebug"},
		{"unknown top-level field", "kind: Plugin", "kind: Plugin\nextra: 1"},
		{"second document", "kind: Plugin", "kind: Plugin\n---\nkind: Plugin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mutated := strings.Replace(string(good), tt.from, tt.to, 1)
			if mutated == string(good) {
				t.Fatalf("%q not found in the manifest", tt.from)
			}
			if _, err := DecodeManifest([]byte(mutated)); err == nil {
				t.Errorf("decoded without error")
			}
		})
	}
}

func TestValidateManifestRejects(t *testing.T) {
	good, err := RenderManifest(readTemplate(t), fakeData())
	if err != nil {
		t.Fatal(err)
	}
	base, err := DecodeManifest(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		plugin string
		edit   func(p *Plugin)
	}{
		{"wrong apiVersion", PluginName, func(p *Plugin) { p.APIVersion = "krew.googlecontainertools.github.com/v1alpha1" }},
		{"wrong kind", PluginName, func(p *Plugin) { p.Kind = "Plugins" }},
		{"name differs", "other", func(p *Plugin) {}},
		{"unsafe name", "a/b", func(p *Plugin) { p.Metadata.Name = "a/b" }},
		{"windows name", "con", func(p *Plugin) { p.Metadata.Name = "con" }},
		{"no short description", PluginName, func(p *Plugin) { p.Spec.ShortDescription = "" }},
		{"long short description", PluginName, func(p *Plugin) { p.Spec.ShortDescription = strings.Repeat("word ", 15) }},
		{"long caveat line", PluginName, func(p *Plugin) { p.Spec.Caveats = strings.Repeat("word ", 17) }},
		{"version without v", PluginName, func(p *Plugin) { p.Spec.Version = "1.2.3" }},
		{"version not semver", PluginName, func(p *Plugin) { p.Spec.Version = "v1.2" }},
		{"no platforms", PluginName, func(p *Plugin) { p.Spec.Platforms = nil }},
		{"no uri", PluginName, func(p *Plugin) { p.Spec.Platforms[0].URI = "" }},
		{"uppercase sum", PluginName, func(p *Plugin) { p.Spec.Platforms[0].Sha256 = strings.Repeat("A", 64) }},
		{"no bin", PluginName, func(p *Plugin) { p.Spec.Platforms[1].Bin = "" }},
		{"no files", PluginName, func(p *Plugin) { p.Spec.Platforms[2].Files = nil }},
		{"nil selector", PluginName, func(p *Plugin) { p.Spec.Platforms[0].Selector = nil }},
		{"empty matchLabels", PluginName, func(p *Plugin) { p.Spec.Platforms[0].Selector = &Selector{MatchLabels: map[string]string{}} }},
		{"unsupported key", PluginName, func(p *Plugin) { p.Spec.Platforms[0].Selector.MatchLabels["distro"] = "debian" }},
		{"bad operator", PluginName, func(p *Plugin) {
			p.Spec.Platforms[0].Selector = &Selector{MatchExpressions: []Requirement{{Key: "os", Operator: "Is", Values: []string{"linux"}}}}
		}},
		{"matches nothing", PluginName, func(p *Plugin) { p.Spec.Platforms[0].Selector.MatchLabels["os"] = "plan9" }},
		{"overlap", PluginName, func(p *Plugin) { p.Spec.Platforms[1].Selector.MatchLabels["arch"] = "amd64" }},
		{"overlap by expression", PluginName, func(p *Plugin) {
			p.Spec.Platforms = append(p.Spec.Platforms, p.Spec.Platforms[0])
			p.Spec.Platforms[4].Selector = &Selector{MatchExpressions: []Requirement{{Key: "os", Operator: "In", Values: []string{"darwin"}}}}
		}},
	}
	if err := ValidateManifest(PluginName, base); err != nil {
		t.Fatalf("the base manifest is not valid: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeManifest(good) // a deep copy
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(&p)
			if err := ValidateManifest(tt.plugin, p); err == nil {
				t.Errorf("accepted")
			}
		})
	}
}

func TestNormalizeVersion(t *testing.T) {
	for in, want := range map[string]string{"0.1.0": "v0.1.0", "v1.2.3": "v1.2.3", "1.0.0-rc.1": "v1.0.0-rc.1"} {
		if got, err := normalizeVersion(in); err != nil || got != want {
			t.Errorf("normalizeVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.2", "v1", "latest", "01.2.3"} {
		if got, err := normalizeVersion(in); err == nil {
			t.Errorf("normalizeVersion(%q) = %q, want an error", in, got)
		}
	}
}

func TestCompletionScript(t *testing.T) {
	st, err := os.Stat(filepath.Join("..", "kubectl_complete-ddebug"))
	if err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Fatalf("hack/kubectl_complete-ddebug: %v, mode %v; want an executable script", err, st.Mode())
	}
}
