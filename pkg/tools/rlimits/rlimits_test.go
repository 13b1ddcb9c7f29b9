package rlimits

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func ulimit(args ...string) (string, string, int) {
	var o, e bytes.Buffer
	st := Ulimit(&tools.Env{Stdout: &o, Stderr: &e}, append([]string{"ulimit"}, args...))
	return o.String(), e.String(), st
}

// TestUlimitAsBash compares ulimit with bash's builtin: the same limits (bash is a child
// of the test, with the same ones), the same labels, order and statuses.
func TestUlimitAsBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("the comparison needs bash")
	}
	for _, args := range [][]string{{"-a"}, {"-H", "-a"}, {"-n"}, {"-Hn"}, {}, {"-p"}, {"-c", "-n"}, {"-z"}} {
		cmd := exec.Command(bash, append([]string{"-c", `ulimit "$@"`, "ulimit"}, args...)...)
		want, err := cmd.Output()
		wantSt := 0
		if ee, ok := err.(*exec.ExitError); ok {
			wantSt = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		got, stderr, st := ulimit(args...)
		if d := cmp.Diff(string(want), got); d != "" || st != wantSt {
			t.Errorf("ulimit %q: status %d, bash %d (stderr %q); (-bash +ours):\n%s", args, st, wantSt, stderr, d)
		}
	}
}

// TestUlimitRefusesToSet: setting a limit fails as a limit bash cannot modify does.
func TestUlimitRefusesToSet(t *testing.T) {
	if out, stderr, st := ulimit("-n", "10"); st != 1 || out != "" || stderr == "" {
		t.Errorf("ulimit -n 10 = %d %q %q, want status 1 and a reason", st, out, stderr)
	}
}
