package toolstest

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TextTree makes a directory of text files (one binary, one of numbers) that the text
// applets' golden tests search, sort and cut.
func TextTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{
		"a.txt":        "alpha one\nBeta two\ngamma three\nalphabet soup\nfoo-bar baz\n\nlast line alpha",
		"sub/b.txt":    "nothing here\nALPHA upper\nfoo bar\n",
		"sub/c.log":    "alpha in log\nx1y2\n",
		"sub/deep/d.c": "int main() { return 0; }\n// alpha\n",
		"bin.dat":      "alpha\x00binary\n",
		"nums":         "10\n9\n100\n-3\n2.5\n1e3\n0x10\n 7\n",
	})
	return dir
}

// Golden runs args through the applet and through the real tool of the Debian package pkg
// in dir with stdin, and fails the test when their output (through post, when not nil) or
// exit status differ.
func Golden(t *testing.T, dir, stdin, pkg string, post func(string) string, args ...string) {
	t.Helper()
	p := GNU(t, args[0], pkg)
	want, wantSt := RunGNU(t, dir, stdin, append([]string{p}, args[1:]...)...)
	got, stderr, gotSt := Run(t, dir, stdin, args...)
	if post != nil {
		want, got = post(want), post(got)
	}
	if d := cmp.Diff(want, got); d != "" || wantSt != gotSt {
		t.Errorf("%v: status gnu %d ours %d (stderr %q); output (-gnu +ours):\n%s", args, wantSt, gotSt, stderr, d)
	}
}

// SortLines sorts the lines of s, for outputs whose order is not defined (grep -r, awk's
// for-in).
func SortLines(s string) string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n") + "\n"
}
