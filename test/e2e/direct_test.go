//go:build e2e

package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd/direct"
)

// checkDirect resolves each of answered (containerd references, scheme left out) with the
// lean ddebug's resolver (package direct) and with the whole product's (package
// containerd) against the containerd at socket: direct must answer each itself, with the
// same target or the same error. Each of handedOff must be left to package containerd
// (direct.ErrNotDirect).
func checkDirect(t *testing.T, socket string, answered, handedOff []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, name := range answered {
		ref := target.Reference{Scheme: containerd.Scheme, Name: name}
		dt, derr := direct.Resolver{Address: socket}.Resolve(ctx, ref)
		ft, ferr := containerd.Resolver{Address: socket}.Resolve(ctx, ref)
		switch {
		case errors.Is(derr, direct.ErrNotDirect):
			t.Errorf("containerd://%s: the lean resolver hands it off (%v); package containerd: %+v, %v", name, derr, ft, ferr)
		case (derr == nil) != (ferr == nil) || derr != nil && derr.Error() != ferr.Error():
			t.Errorf("containerd://%s: the lean resolver says %v, package containerd %v", name, derr, ferr)
		case derr == nil:
			if d := cmp.Diff(ft, dt); d != "" {
				t.Errorf("containerd://%s: targets differ (-containerd +direct):\n%s", name, d)
			}
		}
	}
	for _, name := range handedOff {
		_, err := direct.Resolver{Address: socket}.Resolve(ctx, target.Reference{Scheme: containerd.Scheme, Name: name})
		if !errors.Is(err, direct.ErrNotDirect) {
			t.Errorf("containerd://%s: the lean resolver answers %v, want it handed off (direct.ErrNotDirect)", name, err)
		}
	}
}

// checkLeanAlone runs a copy of the lean ddebug with nothing beside it, so a hand-off to
// kubectl-ddebug would fail: ref must be entered by the lean binary itself.
func checkLeanAlone(t *testing.T, env []string, ref string) {
	t.Helper()
	b, err := os.ReadFile(ddebugBin)
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "ddebug")
	if err := os.WriteFile(alone, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runDdebug(t, alone, env, "exec", ref, "--", "true"); r.status != 0 {
		t.Errorf("lean ddebug alone, exec %s: exit %d, stderr %q", ref, r.status, r.stderr)
	}
}

// ddebugBinIsLean says whether the binary under test is the lean ddebug (built with the
// tag ddebug_lean, as make build does; the suite's own build is the whole product).
func ddebugBinIsLean() bool {
	out, err := exec.Command("go", "version", "-m", ddebugBin).Output()
	return err == nil && regexp.MustCompile(`-tags=\S*\bddebug_lean\b`).Match(out)
}
