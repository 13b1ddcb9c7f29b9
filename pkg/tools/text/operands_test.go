package text

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestOperandErrors pins what each applet that reads FILE operands says and returns for a
// missing file, a directory and "-" (standard input), before they share tools.OpenInput.
func TestOperandErrors(t *testing.T) {
	for _, c := range []struct {
		args           []string
		stdout, stderr string
		status         int
	}{
		{[]string{"cut", "-c1", "nofile"}, "", "cut: nofile: No such file or directory\n", 1},
		{[]string{"cut", "-c1", "d"}, "", "cut: d: Is a directory\n", 1},
		{[]string{"cut", "-c1", "-"}, "x\ny\n", "", 0},
		{[]string{"rev", "nofile"}, "", "rev: nofile: No such file or directory\n", 1},
		{[]string{"rev", "d"}, "", "rev: d: Is a directory\n", 1},
		{[]string{"rev", "-"}, "x\ny\n", "", 0},
		{[]string{"expand", "nofile"}, "", "expand: nofile: No such file or directory\n", 1},
		{[]string{"expand", "d"}, "", "expand: d: Is a directory\n", 1},
		{[]string{"expand", "-"}, "x\ny\n", "", 0},
		{[]string{"fold", "nofile"}, "", "fold: nofile: No such file or directory\n", 1},
		{[]string{"fold", "d"}, "", "fold: d: Is a directory\n", 1},
		{[]string{"fold", "-"}, "x\ny\n", "", 0},
		{[]string{"nl", "nofile"}, "", "nl: nofile: No such file or directory\n", 1},
		{[]string{"nl", "d"}, "", "nl: d: Is a directory\n", 1},
		{[]string{"nl", "-"}, "     1\tx\n     2\ty\n", "", 0},
		{[]string{"sort", "nofile"}, "", "sort: cannot read: nofile: No such file or directory\n", 2},
		{[]string{"sort", "d"}, "", "sort: read failed: d: Is a directory\n", 2},
		{[]string{"sort", "-"}, "x\ny\n", "", 0},
		{[]string{"uniq", "nofile"}, "", "uniq: nofile: No such file or directory\n", 1},
		{[]string{"uniq", "d"}, "", "uniq: error reading 'd': Is a directory\n", 1},
		{[]string{"uniq", "-"}, "x\ny\n", "", 0},
		{[]string{"shuf", "nofile"}, "", "shuf: nofile: No such file or directory\n", 1},
		{[]string{"shuf", "d"}, "", "shuf: read error: Is a directory\n", 1},
		{[]string{"tac", "nofile"}, "", "tac: failed to open 'nofile' for reading: No such file or directory\n", 1},
		{[]string{"tac", "d"}, "", "tac: failed to open 'd' for reading: Is a directory\n", 1},
		{[]string{"tac", "-"}, "y\nx\n", "", 0},
		{[]string{"paste", "d", "f"}, "\tx\n\ty\n", "paste: d: Is a directory\n", 1},
		{[]string{"paste", "nofile", "f"}, "", "paste: nofile: No such file or directory\n", 1},
		{[]string{"comm", "d", "f"}, "", "comm: d: Is a directory\n", 1},
		{[]string{"comm", "nofile", "f"}, "", "comm: nofile: No such file or directory\n", 1},
		{[]string{"cmp", "d", "f"}, "", "cmp: d: Is a directory\n", 2},
		{[]string{"cmp", "nofile", "f"}, "", "cmp: nofile: No such file or directory\n", 2},
		{[]string{"cmp", "f", "d"}, "", "cmp: d: Is a directory\n", 2},
		{[]string{"cmp", "-", "f"}, "", "", 0},
	} {
		toolstest.CheckOperand(t, c.args, c.stdout, c.stderr, c.status)
	}
}

// TestOperandGolden compares what the applets that read FILE operands say and return for
// a missing file, a directory, "-" and no operand with what GNU's say. Left to the pins
// above: rev (util-linux's, which reads "-" as a file name), tac on a directory (GNU's
// "read error: Invalid argument" is its seek failing) and uniq on one (coreutils 9.1 says
// "error reading 'd'" without the reason that newer ones give).
func TestOperandGolden(t *testing.T) {
	for _, args := range [][]string{{"cut", "-c1"}, {"expand"}, {"fold"}, {"nl"}, {"sort"}, {"uniq"}, {"tac"}} {
		for _, ops := range [][]string{{"nofile"}, {"d"}, {"-"}, {}} {
			if len(ops) > 0 && ops[0] == "d" && (args[0] == "tac" || args[0] == "uniq") {
				continue
			}
			toolstest.GoldenOperand(t, "coreutils", append(append([]string(nil), args...), ops...)...)
		}
	}
	for _, args := range [][]string{{"cut", "-c1"}, {"expand"}, {"fold"}, {"nl"}, {"sort"}, {"paste"}, {"comm"}} {
		for _, ops := range [][]string{{"nofile", "f"}, {"d", "f"}, {"f", "-"}} {
			toolstest.GoldenOperand(t, "coreutils", append(append([]string(nil), args...), ops...)...)
		}
	}
}
