package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// buildPlugin builds this command as go install would, into a temporary directory.
func buildPlugin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kubectl-ddebug")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	return bin
}

// TestNoCollectionDuringInit: the plugin's packages initialise with the collector off
// (internal/startgc): no collection runs before main, and internal/startgc initialises
// before the client-go scheme, which allocates most. (Go initialises runtime/debug, which
// internal/startgc needs, after the packages of import paths below r that are ready, and
// those allocated about 1 MB, a quarter of what starts the first collection.)
func TestNoCollectionDuringInit(t *testing.T) {
	bin := buildPlugin(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(withoutGOGC(os.Environ()), "GODEBUG=inittrace=1,gctrace=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, stderr.String())
	}
	var inits []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		switch f := strings.Fields(line); {
		case len(f) > 1 && f[0] == "gc":
			t.Errorf("a collection ran during package initialisation, after %d packages: %s", len(inits), line)
		case len(f) > 1 && f[0] == "init":
			inits = append(inits, f[1])
		}
	}
	at := func(pkg string) int {
		i := slices.Index(inits, pkg)
		if i < 0 {
			t.Fatalf("%s not among the %d packages whose init is traced:\n%s", pkg, len(inits), stderr.String())
		}
		return i
	}
	if at("github.com/kubectl-ddebug/kubectl-ddebug/internal/startgc") > at("k8s.io/client-go/kubernetes/scheme") {
		t.Errorf("internal/startgc initialised after the client-go scheme")
	}
}

// withoutGOGC drops GOGC from env: startgc leaves a GOGC of the environment alone.
func withoutGOGC(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "GOGC=") {
			out = append(out, e)
		}
	}
	return out
}
