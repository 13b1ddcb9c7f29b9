//go:build linux

package shell

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestExprGolden compares expr with GNU expr: value, message and status of arithmetic,
// comparisons, | and & (with their short cuts), regex matches, the string functions,
// big numbers and syntax errors.
func TestExprGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	exprPath := toolstest.GNU(t, "expr", "coreutils")
	for _, e := range []string{
		"1 + 2", "10 - 20", "6 * 7", "7 / 2", "-7 / 2", "7 % 3", "-7 % 3", "99999999999999999999 + 1", "5 / 0", "1 + x",
		"1 < 2", "10 < 9", "a < b", "10 = 10", "010 = 10", "abc == abc", "a != b", "2 >= 10", "b > a", "2 <= 2",
		"0 | 5", "3 | 5", "0 | 0", " | 0", "a & b", "0 & b", "a & 0", "1 | 1 / 0", "0 & 1 / 0",
		"abcdef : abc", "abcdef : b", "abcdef : a.*e", "abcdef : a\\(.*\\)e", "abcdef : x\\(.*\\)", "match foobar fo*", "foo.c : .*\\.\\(c\\)",
		"length hello", "length ''", "index abcdef dc", "index abc xyz", "substr hello 2 3", "substr hello 0 1", "substr hello 4 99", "substr hello 9 1",
		"+ length", "( 1 + 2 ) * 3", "1 + 2 * 3", "00", "-0", "0", "foo", "1 +", "( 1 + 2", "1 2", "length", "substr abc", "(", ")", "1 + 2 )",
		"-- 3 + 4", "-5 + 1", "a : \\(", "2 - -3",
	} {
		args := strings.Fields(e)
		for i, a := range args {
			if a == "''" {
				args[i] = ""
			}
		}
		t.Run(e, func(t *testing.T) {
			cmd := exec.Command(exprPath, args...)
			var o, se strings.Builder
			cmd.Stdout, cmd.Stderr = &o, &se
			wantCode := 0
			if err := cmd.Run(); err != nil {
				wantCode = err.(*exec.ExitError).ExitCode()
			}
			wantErr := strings.ReplaceAll(se.String(), exprPath+":", "expr:")
			got, stderr, code := toolstest.Run(t, t.TempDir(), "", append([]string{"expr"}, args...)...)
			if got != o.String() || code != wantCode || (stderr != wantErr && !strings.Contains(e, "\\(")) {
				t.Errorf("expr %q = %d %q %q, GNU %d %q %q", e, code, got, stderr, wantCode, o.String(), wantErr)
			}
		})
	}
	_, stderr, code := toolstest.Run(t, t.TempDir(), "", "expr")
	if code != 2 || stderr != "expr: missing operand\nTry 'expr --help' for more information.\n" {
		t.Errorf("expr without operands: %d %q", code, stderr)
	}
}
