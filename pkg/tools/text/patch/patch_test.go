//go:build linux

package patch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func seqLines(from, to int, edit map[int]string) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		if s, ok := edit[i]; ok {
			b.WriteString(s)
			continue
		}
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

// twoHunks is diff -u of 1..30 against it with lines 5 and 20 changed.
const twoHunks = `--- a	2026-01-01 00:00:00.000000000 +0000
+++ b	2026-01-01 00:00:00.000000000 +0000
@@ -2,7 +2,7 @@
 2
 3
 4
-5
+five
 6
 7
 8
@@ -17,7 +17,7 @@
 17
 18
 19
-20
+twenty
 21
 22
 23
`

// contextDiff is diff -c of 1..30 against it with 5 and 20 changed, 12 gone and a line
// added after 25.
const contextDiff = `*** a
--- b
***************
*** 2,15 ****
  2
  3
  4
! 5
  6
  7
  8
  9
  10
  11
- 12
  13
  14
  15
--- 2,14 ----
  2
  3
  4
! five
  6
  7
  8
  9
  10
  11
  13
  14
  15
***************
*** 17,28 ****
  17
  18
  19
! 20
  21
  22
  23
  24
  25
  26
  27
  28
--- 16,28 ----
  17
  18
  19
! twenty
  21
  22
  23
  24
  25
+ new
  26
  27
  28
`

// unifiedDiff is contextDiff's changes as diff -u writes them.
const unifiedDiff = `--- a
+++ b
@@ -2,14 +2,13 @@
 2
 3
 4
-5
+five
 6
 7
 8
 9
 10
 11
-12
 13
 14
 15
@@ -17,12 +16,13 @@
 17
 18
 19
-20
+twenty
 21
 22
 23
 24
 25
+new
 26
 27
 28
`

// patchState is every file under dir with its mode and contents.
func patchState(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		s := fi.Mode().String()
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			s += " " + string(b)
		}
		m[rel] = s
		return nil
	})
	return m
}

// TestPatchGolden applies the same diffs with ours and Debian's patch (in a session of
// its own, without a terminal to ask on): messages, exit status and the files after.
func TestPatchGolden(t *testing.T) {
	shifted := "x\ny\nz\n" + seqLines(1, 30, nil)
	applied := seqLines(1, 30, map[int]string{5: "five\n", 20: "twenty\n"})
	fuzzy := seqLines(1, 30, map[int]string{2: "TWO\n", 23: "XXIII\n"})
	halfFails := seqLines(1, 30, map[int]string{20: "20!\n"})
	create := "--- /dev/null\n+++ b/d/new\n@@ -0,0 +1,2 @@\n+hi\n+there\n"
	remove := "--- a/d/old\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-hi\n-there\n"
	noNL := "--- a/n\n+++ b/n\n@@ -1,2 +1,2 @@\n one\n-two\n\\ No newline at end of file\n+2\n\\ No newline at end of file\n"
	multi := "diff -ru a/x b/x\n--- a/x\t2026-01-01 00:00:00.000000000 +0000\n+++ b/x\t2026-01-01 00:00:00.000000000 +0000\n" +
		"@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\ndiff -ru a/y b/y\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-y\n+Y\n"
	for _, c := range []struct {
		name  string
		files map[string]string
		stdin string
		args  []string
	}{
		{"exact", map[string]string{"a": seqLines(1, 30, nil)}, twoHunks, nil},
		{"offset", map[string]string{"a": shifted}, twoHunks, nil},
		{"fuzz", map[string]string{"a": fuzzy}, twoHunks, nil},
		{"fuzz-limit", map[string]string{"a": fuzzy}, twoHunks, []string{"-F", "0"}},
		{"failed-hunk", map[string]string{"a": halfFails}, twoHunks, nil},
		{"forward", map[string]string{"a": applied}, twoHunks, []string{"-N"}},
		{"reversed-asks", map[string]string{"a": applied}, twoHunks, nil},
		{"batch", map[string]string{"a": applied}, twoHunks, []string{"-t"}},
		{"force", map[string]string{"a": applied}, twoHunks, []string{"-f"}},
		{"reverse", map[string]string{"a": applied}, twoHunks, []string{"-R"}},
		{"dry-run", map[string]string{"a": shifted}, twoHunks, []string{"--dry-run"}},
		{"dry-run-fail", map[string]string{"a": halfFails}, twoHunks, []string{"--dry-run"}},
		{"output", map[string]string{"a": seqLines(1, 30, nil)}, twoHunks, []string{"-o", "out"}},
		{"silent", map[string]string{"a": shifted}, twoHunks, []string{"-s"}},
		{"no-backup", map[string]string{"a": shifted}, twoHunks, []string{"--no-backup-if-mismatch"}},
		{"named-file", map[string]string{"c": seqLines(1, 30, nil)}, twoHunks, []string{"c"}},
		{"input-file", map[string]string{"a": seqLines(1, 30, nil), "p.diff": twoHunks}, "", []string{"-i", "p.diff"}},
		{"create", map[string]string{"d/keep": ""}, create, []string{"-p1"}},
		{"create-reverse", map[string]string{"d/new": "hi\nthere\n"}, create, []string{"-p1", "-R"}},
		{"delete", map[string]string{"d/old": "hi\nthere\n"}, remove, []string{"-p1"}},
		{"empty-E", map[string]string{"d/old": "hi\nthere\n"}, strings.Replace(remove, "/dev/null", "b/d/old", 1), []string{"-p1", "-E"}},
		{"no-newline", map[string]string{"n": "one\ntwo"}, noNL, []string{"-p1"}},
		{"missing-file", map[string]string{}, "--- x/nothere\n+++ y/nothere\n@@ -1 +1 @@\n-a\n+b\n", []string{"-p1"}},
		{"multi-p1", map[string]string{"x": "1\n2\n3\n", "y": "y\n"}, multi, []string{"-p1"}},
		{"multi-p0", map[string]string{"a/x": "1\n2\n3\n", "a/y": "y\n"}, multi, []string{"-p0"}},
		{"multi-one-missing", map[string]string{"x": "1\n2\n3\n"}, multi, []string{"-p1"}},
		{"applied-fuzz", map[string]string{"input": "abc\ndef\n123\n"}, "--- input\n+++ input\n@@ -1,2 +1,3 @@\n abc\n+def\n 123\n", nil},
		{"applied-eof", map[string]string{"input": "abc\n123\n456\n"}, "--- input.old\tJan 01 01:01:01 2000\n+++ input\tJan 01 01:01:01 2000\n@@ -1,2 +1,3 @@\n abc\n 123\n+456\n", []string{"-N"}},
		{"shortest-name", map[string]string{"input": "foo\nbar\n", "input.orig": "x\n"}, "--- a/input.orig\n+++ b/input\n@@ -1,2 +1,3 @@\n foo\n+1\n bar\n", []string{"-p1"}},
		{"context", map[string]string{"a": seqLines(1, 30, nil)}, contextDiff, nil},
		{"context-offset", map[string]string{"a": "x\ny\n" + seqLines(1, 30, nil)}, contextDiff, nil},
		{"context-reverse", map[string]string{"a": seqLines(1, 30, map[int]string{5: "five\n", 12: "", 20: "twenty\n", 25: "25\nnew\n"})}, contextDiff, []string{"-R"}},
		{"context-C0", map[string]string{"x": "1\n2\n3\n"}, "*** x\n--- y\n***************\n*** 3 ****\n--- 4 ----\n+ 4\n", nil},
		{"context-failed", map[string]string{"a": seqLines(1, 30, map[int]string{20: "XX\n"})}, contextDiff, nil},
		{"context-failed-first", map[string]string{"a": seqLines(1, 30, map[int]string{5: "V\n"})}, contextDiff, []string{"-f"}},
		{"unified-failed-shifted", map[string]string{"a": seqLines(1, 30, map[int]string{20: "XX\n"})}, unifiedDiff, nil},
		{"dangerous-dotdot", map[string]string{"w/x": "", "victim": "a\n"}, "--- ../victim\n+++ ../victim\n@@ -1 +1 @@\n-a\n+b\n", []string{"-p0", "-d", "w"}},
		{"dangerous-absolute", map[string]string{"victim": "a\n"}, "--- /victim\n+++ /victim\n@@ -1 +1 @@\n-a\n+b\n", []string{"-p0"}},
		{"dangerous-create", map[string]string{}, "--- /dev/null\n+++ ../new\n@@ -0,0 +1 @@\n+b\n", []string{"-p0"}},
		{"garbage", map[string]string{}, "no diff here\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := gnu(t, "patch", "patch")
			mine, theirs := t.TempDir(), t.TempDir()
			writeFiles(t, mine, c.files)
			writeFiles(t, theirs, c.files)
			cmd := exec.Command(path, c.args...)
			cmd.Args[0] = "patch"
			cmd.Dir, cmd.Stdin, cmd.Env = theirs, strings.NewReader(c.stdin), []string{"LC_ALL=C", "TZ=UTC"}
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			var o, e strings.Builder
			cmd.Stdout, cmd.Stderr = &o, &e
			want := 0
			if err := cmd.Run(); err != nil {
				want = err.(*exec.ExitError).ExitCode()
			}
			got, stderr, code := run(t, mine, c.stdin, append([]string{"patch"}, c.args...)...)
			if got != o.String() || stderr != e.String() || code != want {
				t.Errorf("patch %v = %d\n%s%s\nDebian's %d\n%s%s", c.args, code, got, stderr, want, o.String(), e.String())
			}
			if d := cmp.Diff(patchState(t, theirs), patchState(t, mine)); d != "" {
				t.Errorf("files (-Debian's +ours):\n%s", d)
			}
		})
	}
}
