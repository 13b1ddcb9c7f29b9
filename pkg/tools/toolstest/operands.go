package toolstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CheckOperand runs the applet args[0] in-process, in a directory of its own that holds
// the file f ("x\ny\n") and the directory d, with "x\ny\n" on standard input, and checks
// what it prints and returns: the check of an applet's FILE operands (missing, a
// directory, "-"). The directory's path is written DIR in stderr.
func CheckOperand(t *testing.T, args []string, stdout, stderr string, status int) {
	t.Helper()
	t.Run(strings.Join(args, " "), func(t *testing.T) {
		dir := t.TempDir()
		WriteFiles(t, dir, map[string]string{"f": "x\ny\n"})
		if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
			t.Fatal(err)
		}
		gotOut, gotErr, gotStatus := Run(t, dir, "x\ny\n", args...)
		gotErr = strings.ReplaceAll(gotErr, dir+"/", "DIR/")
		if gotOut != stdout || gotErr != stderr || gotStatus != status {
			t.Errorf("%q = %q, %q, %d; want %q, %q, %d", args, gotOut, gotErr, gotStatus, stdout, stderr, status)
		}
	})
}
