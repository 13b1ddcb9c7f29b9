package sessionbin

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildIDAsTheGoCommandReadsIt: the key a program is stored by is its Go build ID.
func TestBuildIDAsTheGoCommandReadsIt(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", self).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	f, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := buildID(f), "go:"+strings.TrimSpace(string(out)); got != want {
		t.Errorf("buildID = %q, want %q", got, want)
	}
	if got := buildID(strings.NewReader("#!/bin/sh\necho not ELF\n")); got != "" {
		t.Errorf("buildID of a script = %q, want none", got)
	}
}

// TestSessionModulesHoldTheToolbox: every package a session program imports besides the
// standard library is of SessionModules: the store's copy of a plugin installed alone
// marks every other package's init done, and a session must not run without one it needs.
func TestSessionModulesHoldTheToolbox(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
		"github.com/kubectl-ddebug/kubectl-ddebug/internal/sessionstart").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages: %v", len(pkgs), pkgs)
	}
	for _, p := range pkgs {
		if !SessionNeeds(p) {
			t.Errorf("internal/sessionstart imports %s, of no module in SessionModules", p)
		}
	}
	for _, p := range []string{"k8s.io/client-go/kubernetes", "google.golang.org/grpc", "sigs.k8s.io/yaml", "github.com/containerd/containerd/v2/client"} {
		if SessionNeeds(p) {
			t.Errorf("SessionNeeds(%s): a package of the command line kept", p)
		}
	}
}
