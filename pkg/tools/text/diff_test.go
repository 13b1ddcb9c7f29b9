package text

import (
	"path/filepath"
	"syscall"
	"testing"
)

// diff -r names a FIFO it meets in the trees, as GNU diff does, and never opens it (an
// open would wait for a writer for ever).
func TestDiffTreeWithFIFOs(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a/f": "x\n", "a/e": "", "b/same": "s\n", "a/same": "s\n", "a/h/k": "k\n"})
	for _, p := range []string{"b/f", "a/g", "b/g", "b/h", "a/only", "b/e"} {
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"diff", "-r", "a", "b"}, {"diff", "-rN", "a", "b"}, {"diff", "-ru", "b", "a"}, {"diff", "a", "b"}} {
		golden(t, dir, "", "diffutils", nil, args...)
	}
}

// TestDiffBriefAndSelf: -q honours -B, -i and -w before saying files differ, and a file
// compared with itself (- -) is not read, as GNU diff (checked: GNU diff 3.8).
func TestDiffBriefAndSelf(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"input": "\n1\n", "upper": "A\n", "zero": "0\n"})
	cases := []struct {
		stdin string
		args  []string
		out   string
		st    int
	}{
		{"1\n", []string{"-qB", "-", "input"}, "", 0},
		{"1\n", []string{"-qB", "-", "zero"}, "Files - and zero differ\n", 1},
		{"a\n", []string{"-qi", "-", "upper"}, "", 0},
		{"stdin", []string{"-", "-"}, "", 0},
		{"", []string{"input", "input"}, "", 0},
	}
	for _, c := range cases {
		if o, e, st := run(t, dir, c.stdin, append([]string{"diff"}, c.args...)...); o != c.out || st != c.st {
			t.Errorf("diff %q: %q (status %d, %s), want %q, %d", c.args, o, st, e, c.out, c.st)
		}
	}
}

// diff -r names the files of a directory given as .///a or b//// as GNU diff does (gnulib's
// file_name_concat): the operand as typed, its trailing slashes but one dropped.
func TestDiffTreeNamesKeepOperands(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a/x": "1\n", "b/x": "2\n", "a/s/y": "1\n", "b/s/y": "2\n", "a/only": "", "b/s/o2": "", "f": "3\n"})
	for _, args := range [][]string{
		{"diff", "-r", ".///a", "b////"},
		{"diff", "-r", "a///", ".//b//"},
		{"diff", "-r", "./a/.", "b/./"},
		{"diff", "-ru", ".///a", "b////"},
		{"diff", "f", ".//a//"},
		{"diff", "a///", "f"},
	} {
		golden(t, dir, "", "diffutils", stripDiffTimes, args...)
	}
}
