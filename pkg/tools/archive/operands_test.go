package archive

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
		{[]string{"crc32", "nofile"}, "", "crc32: nofile: No such file or directory\n", 1},
		{[]string{"crc32", "d"}, "", "crc32: d: Is a directory\n", 1},
		{[]string{"crc32", "-", "f"}, "9c70f918\t-\n9c70f918\tf\n", "", 0},
		{[]string{"uudecode", "nofile"}, "", "uudecode: nofile: No such file or directory\n", 4},
		{[]string{"uudecode", "d"}, "", "uudecode fatal error:\nd: Invalid or missing 'begin' line\n", 2},
		{[]string{"uudecode", "nofile", "d"}, "", "uudecode: nofile: No such file or directory\nuudecode fatal error:\nd: Invalid or missing 'begin' line\n", 2},
		{[]string{"base64", "nofile"}, "", "base64: nofile: No such file or directory\n", 1},
		{[]string{"base64", "d"}, "", "base64: read error: read DIR/d: is a directory\n", 1},
		{[]string{"base64", "-"}, "eAp5Cg==\n", "", 0},
		{[]string{"md5sum", "nofile"}, "", "md5sum: nofile: No such file or directory\n", 1},
		{[]string{"md5sum", "d"}, "", "md5sum: d: Is a directory\n", 1},
		{[]string{"md5sum", "-", "f"}, "1b5bb282b8f8792875e3c4203cfa9c57  -\n1b5bb282b8f8792875e3c4203cfa9c57  f\n", "", 0},
		{[]string{"md5sum", "-c", "d"}, "", "md5sum: d: read error\n", 1},
		{[]string{"md5sum", "-c", "nofile"}, "", "md5sum: nofile: No such file or directory\n", 1},
		{[]string{"uuencode", "d", "x"}, "begin 755 x\n", "uuencode: Is a directory\n", 1},
		{[]string{"uuencode", "nofile", "x"}, "", "uuencode: nofile: No such file or directory\n", 1},
		{[]string{"uuencode", "-", "x"}, "", "uuencode: -: No such file or directory\n", 1}, // a name, as sharutils'
		{[]string{"tar", "-tf", "d"}, "", "tar: reading archive: read DIR/d: is a directory\n", 2},
		{[]string{"tar", "-tf", "nofile"}, "", "tar: nofile: Cannot open: No such file or directory\n", 2},
		{[]string{"tar", "-tf", "-"}, "", "tar: reading archive: unexpected EOF\n", 2},
		{[]string{"cpio", "-it", "-F", "d"}, "", "cpio: premature end of archive\n", 2},
		{[]string{"cpio", "-it", "-F", "nofile"}, "", "cpio: nofile: Cannot open: No such file or directory\n", 2},
		{[]string{"cpio", "-it", "-F", "-"}, "", "cpio: -: Cannot open: No such file or directory\n", 2}, // a name, as GNU's
	} {
		toolstest.CheckOperand(t, c.args, c.stdout, c.stderr, c.status)
	}
}

// TestOperandGolden compares what the applets that read FILE operands say and return for
// a missing file, a directory, "-" and no operand with what GNU's say (sharutils'
// uudecode reads "-" as a file name; ours, as busybox's, as standard input).
func TestOperandGolden(t *testing.T) {
	for _, c := range []struct {
		pkg  string
		args []string
	}{
		{"coreutils", []string{"md5sum"}},
		{"coreutils", []string{"sha256sum"}},
		{"coreutils", []string{"md5sum", "-c"}},
		{"sharutils", []string{"uudecode"}},
	} {
		for _, ops := range [][]string{{"nofile"}, {"d"}, {"-"}, {}, {"nofile", "f"}} {
			if c.args[0] == "uudecode" && len(ops) > 0 && ops[0] == "-" {
				continue
			}
			toolstest.GoldenOperand(t, c.pkg, append(append([]string(nil), c.args...), ops...)...)
		}
	}
}
