//go:build linux

package archive

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// goldenTree runs args through the applet and the Debian tool of package pkg, each in a
// copy of the directory made by setup, with stdin: standard output, standard error,
// status and every file's type, mode and contents afterwards must be the same.
func goldenTree(t *testing.T, pkg string, setup func(dir string), stdin string, args ...string) {
	t.Helper()
	path := gnu(t, args[0], pkg)
	mine, theirs := t.TempDir(), t.TempDir()
	setup(mine)
	setup(theirs)
	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Dir, cmd.Stdin, cmd.Env = theirs, strings.NewReader(stdin), []string{"LC_ALL=C", "TZ=UTC"}
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	wantCode := 0
	if err := cmd.Run(); err != nil {
		wantCode = err.(*exec.ExitError).ExitCode()
	}
	got, stderr, code := run(t, mine, stdin, args...)
	if got != o.String() || code != wantCode || stderr != e.String() {
		t.Errorf("%v = %d\n%q\n%q,\nDebian's %d\n%q\n%q", args, code, got, stderr, wantCode, o.String(), e.String())
	}
	if d := cmp.Diff(treeState(t, theirs), treeState(t, mine)); d != "" {
		t.Errorf("%v files (-Debian's +ours):\n%s", args, d)
	}
}

// treeState describes every entry under dir: type, mode, contents or link target.
func treeState(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		s := fmt.Sprint(fi.Mode())
		switch {
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			s += " " + string(b)
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			s += " -> " + l
		}
		m[rel] = s
		return nil
	})
	return m
}

// shell runs a shell command in dir (to make the archives the tests read).
func shell(t *testing.T, dir, script string) {
	t.Helper()
	cmd := exec.Command("sh", "-ec", script)
	cmd.Dir, cmd.Env = dir, []string{"PATH=/usr/bin:/bin", "TZ=UTC", "LC_ALL=C"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}
