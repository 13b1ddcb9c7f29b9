//go:build linux

package shell

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestGetoptGolden compares getopt with util-linux's getopt: output, messages and
// status for the old and new forms, short and long options with required and optional
// arguments, abbreviations, quoting, -a -q -Q -T -u -n -s, '+' and '-' option strings.
func TestGetoptGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	path := toolstest.GNU(t, "getopt", "util-linux")
	for _, args := range [][]string{
		{"getopt", "ab:c::", "-a", "-b", "x", "-cz", "y"}, {"getopt", "ab:c::", "-c", "p"},
		{"getopt", "-o", "ab:c::", "-l", "long,req:,opt::", "--", "-a", "-b", "it's", "--long", "--req=v", "--opt", "--opt=w", "y", "--", "-z"},
		{"getopt", "-o", "a", "--", "-x", "-a", "--nolong"}, {"getopt", "-o", "a", "-l", "xab,xac", "--", "--xa"},
		{"getopt", "-o", "a", "-l", "xab,xac", "--", "--xab", "--xac"}, {"getopt", "-o", "a", "-l", "xab", "--", "--xa=1"},
		{"getopt", "-o", "b:", "--", "-b"}, {"getopt", "-o", "a", "-l", "req:", "--", "--req"}, {"getopt", "-o", "a", "-l", "req:", "--", "--re", "v"},
		{"getopt"}, {"getopt", "-T"}, {"getopt", "-n", "myprog", "-o", "a", "--", "-q"}, {"getopt", "-u", "-o", "a:", "--", "-a", "x y", "z"},
		{"getopt", "-a", "-o", "a", "-l", "foo", "--", "-foo", "-a"}, {"getopt", "-o", "+a", "--", "x", "-a"}, {"getopt", "-o", "-a", "--", "x", "-a", "y"},
		{"getopt", "-q", "-o", "a", "--", "-z"}, {"getopt", "-Q", "-o", "a", "--", "-a"}, {"getopt", "-s", "csh", "-o", "a:", "--", "-a", "x!y"},
		{"getopt", "-s", "fish", "-o", "a"}, {"getopt", "-o", "a:b", "--", "-ba1", "-ab"}, {"getopt", "--options=ab", "--longoptions=all,both", "--", "-ab", "--al", "--bo", "-", "x"},
		{"getopt", "-o", "", "--", "a", "b"}, {"getopt", "--", "ab", "-a", "-b"}, {"getopt", "-x"}, {"getopt", "-o"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(path, args[1:]...)
			cmd.Args[0] = "getopt"
			var o, e strings.Builder
			cmd.Stdout, cmd.Stderr = &o, &e
			wantCode := 0
			if err := cmd.Run(); err != nil {
				wantCode = err.(*exec.ExitError).ExitCode()
			}
			got, stderr, code := toolstest.Run(t, t.TempDir(), "", args...)
			if got != o.String() || code != wantCode || stderr != e.String() {
				t.Errorf("%v = %d %q %q,\n util-linux %d %q %q", args, code, got, stderr, wantCode, o.String(), e.String())
			}
		})
	}
}
