package toolstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// operandDir makes the directory of the FILE-operand checks: the file f ("x\ny\n") and
// the directory d.
func operandDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"f": "x\ny\n"})
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// CheckOperand runs the applet args[0] in-process, in a directory of its own that holds
// the file f ("x\ny\n") and the directory d, with "x\ny\n" on standard input, and checks
// what it prints and returns: the check of an applet's FILE operands (missing, a
// directory, "-"). The directory's path is written DIR in stderr.
func CheckOperand(t *testing.T, args []string, stdout, stderr string, status int) {
	t.Helper()
	t.Run(strings.Join(args, " "), func(t *testing.T) {
		dir := operandDir(t)
		gotOut, gotErr, gotStatus := Run(t, dir, "x\ny\n", args...)
		gotErr = strings.ReplaceAll(gotErr, dir+"/", "DIR/")
		if gotOut != stdout || gotErr != stderr || gotStatus != status {
			t.Errorf("%q = %q, %q, %d; want %q, %q, %d", args, gotOut, gotErr, gotStatus, stdout, stderr, status)
		}
	})
}

// GoldenOperand is CheckOperand against the real tool of the Debian package pkg: it runs
// args through the applet and through the tool (named args[0] in its messages, in the C
// locale) in the same kind of directory, and fails the test when their stdout, stderr or
// exit status differ.
func GoldenOperand(t *testing.T, pkg string, args ...string) {
	t.Helper()
	t.Run(strings.Join(args, " "), func(t *testing.T) {
		t.Helper()
		p := GNU(t, args[0], pkg)
		dir := operandDir(t)
		cmd := exec.Command(p, args[1:]...)
		cmd.Args[0] = args[0]
		cmd.Dir, cmd.Stdin, cmd.Env = dir, strings.NewReader("x\ny\n"), []string{"LC_ALL=C", "PATH=/usr/bin:/bin"}
		wantOut, wantErr, wantStatus := Status(t, cmd)
		gotOut, gotErr, gotStatus := Run(t, dir, "x\ny\n", args...)
		if gotOut != wantOut || gotErr != wantErr || gotStatus != wantStatus {
			t.Errorf("%q: ours %q, %q, %d; %s %q, %q, %d", args, gotOut, gotErr, gotStatus, pkg, wantOut, wantErr, wantStatus)
		}
	})
}
