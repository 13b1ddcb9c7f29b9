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

// TestSessionPackagesAreTheToolbox: every package a session program imports besides the
// standard library is of SessionPackages, and every package of the plugin there is one
// the session imports: the store's copy of a plugin installed alone marks every other
// package's init done, so a session must need none of those, and none it keeps may import
// one (x/net's http2 imports x/text, pkg/ephemeral Kubernetes).
func TestSessionPackagesAreTheToolbox(t *testing.T) {
	session := goListDeps(t, "github.com/kubectl-ddebug/kubectl-ddebug/internal/sessionstart")
	for p := range session {
		if !SessionNeeds(p) {
			t.Errorf("internal/sessionstart imports %s, of nothing in SessionPackages", p)
		}
	}
	for p := range goListDeps(t, "github.com/kubectl-ddebug/kubectl-ddebug/cmd/kubectl-ddebug") {
		if SessionNeeds(p) && !session[p] {
			t.Errorf("SessionPackages keeps %s, which the plugin holds and a session does not import", p)
		}
	}
	for _, p := range []string{"k8s.io/client-go/kubernetes", "google.golang.org/grpc", "golang.org/x/net/http2", "golang.org/x/text/unicode/norm",
		"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli", "github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"} {
		if SessionNeeds(p) {
			t.Errorf("SessionNeeds(%s): a package of the command line kept", p)
		}
	}
}

// goListDeps returns the packages pkg depends on outside the standard library.
func goListDeps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if len(deps) < 20 {
		t.Fatalf("go list -deps %s found %d packages", pkg, len(deps))
	}
	return deps
}
