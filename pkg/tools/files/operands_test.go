package files

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestOperandGolden compares what the applets that read FILE operands in turn say and
// return for a missing file, a directory, "-" and no operand with what GNU's say.
func TestOperandGolden(t *testing.T) {
	for _, name := range []string{"cat", "head", "wc", "od"} {
		for _, ops := range [][]string{{"nofile"}, {"d"}, {"-"}, {}, {"nofile", "f"}, {"d", "-", "f"}} {
			toolstest.GoldenOperand(t, "coreutils", append([]string{name}, ops...)...)
		}
	}
}

// TestOperandErrors pins what the applets that read FILE operands and have no GNU
// counterpart here say and return: more and less copy as cat when standard output is not
// a terminal.
func TestOperandErrors(t *testing.T) {
	for _, c := range []struct {
		args           []string
		stdout, stderr string
		status         int
	}{
		{[]string{"strings", "nofile"}, "", "strings: 'nofile': No such file or directory\n", 1},
		{[]string{"strings", "d"}, "", "strings: 'd': Is a directory\n", 1},
		{[]string{"strings", "-"}, "", "", 0},
		{[]string{"strings", "-n1", "-", "f"}, "x\ny\nx\ny\n", "", 0},
		{[]string{"strings", "-n1"}, "x\ny\n", "", 0},
		{[]string{"more", "nofile"}, "", "cat: nofile: No such file or directory\n", 1},
		{[]string{"more", "d", "f"}, "x\ny\n", "cat: d: Is a directory\n", 1},
		{[]string{"more", "-"}, "x\ny\n", "", 0},
		{[]string{"more"}, "x\ny\n", "", 0},
		{[]string{"less", "nofile"}, "", "cat: nofile: No such file or directory\n", 1},
		{[]string{"less", "d", "f"}, "x\ny\n", "cat: d: Is a directory\n", 1},
		{[]string{"less", "-"}, "x\ny\n", "", 0},
		{[]string{"less"}, "x\ny\n", "", 0},
	} {
		toolstest.CheckOperand(t, c.args, c.stdout, c.stderr, c.status)
	}
}
