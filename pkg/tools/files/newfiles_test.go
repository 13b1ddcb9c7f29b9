//go:build linux

package files

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// goldenTree runs args through the applet and the GNU tool, each in a directory holding
// files: standard output, standard error, status, and every file's type, mode, size,
// device numbers and contents afterwards must be the same.
func goldenTree(t *testing.T, pkg string, files map[string]string, args ...string) {
	t.Helper()
	path := gnu(t, args[0], pkg)
	mine, theirs := t.TempDir(), t.TempDir()
	writeFiles(t, mine, files)
	writeFiles(t, theirs, files)
	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Dir, cmd.Stdin = theirs, strings.NewReader("")
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	wantCode := 0
	if err := cmd.Run(); err != nil {
		wantCode = err.(*exec.ExitError).ExitCode()
	}
	got, stderr, code := run(t, mine, "", args...)
	if got != o.String() || code != wantCode || stderr != e.String() {
		t.Errorf("%v = %d %q %q, GNU %d %q %q", args, code, got, stderr, wantCode, o.String(), e.String())
	}
	if d := cmp.Diff(treeState(t, theirs), treeState(t, mine)); d != "" {
		t.Errorf("%v files (-GNU +ours):\n%s", args, d)
	}
}

// treeState describes every entry under dir: type and mode, size, device, contents.
func treeState(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		s := fmt.Sprintf("%v %d", fi.Mode(), fi.Size())
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode()&(os.ModeDevice|os.ModeCharDevice) != 0 {
			s += fmt.Sprintf(" dev %d,%d", major(st.Rdev), minor(st.Rdev))
		}
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			s += " " + string(b)
		}
		m[rel] = s
		return nil
	})
	return m
}

func TestTruncateGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	files := map[string]string{"f": "0123456789abcdef", "g": "xyz", "dir/h": "1"}
	for _, args := range [][]string{
		{"truncate", "-s", "5", "f"}, {"truncate", "-s", "0", "f", "g", "new"}, {"truncate", "-s", "1K", "f"}, {"truncate", "-s", "2KB", "new"},
		{"truncate", "-s", "+4", "f"}, {"truncate", "-s", "-4", "f"}, {"truncate", "-s", "-40", "f"}, {"truncate", "-s", "<5", "f", "g"},
		{"truncate", "-s", ">5", "f", "g"}, {"truncate", "-s", "/5", "f", "g"}, {"truncate", "-s", "%5", "f", "g"}, {"truncate", "-r", "g", "f"},
		{"truncate", "-r", "g", "-s", "+2", "f"}, {"truncate", "-c", "-s", "3", "new", "f"}, {"truncate", "--size=1KiB", "--no-create", "f"},
		{"truncate", "f"}, {"truncate", "-s", "5"}, {"truncate", "-s", "1x", "f"}, {"truncate", "-s", "10", "-r", "g", "f"},
		{"truncate", "-s", "5", "nodir/x"}, {"truncate", "-r", "nofile", "f"}, {"truncate", "-s", "%0", "f"}, {"truncate", "-s", "5", "dir"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "coreutils", files, args...) })
	}
}

func TestMkfifoMknodGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	files := map[string]string{"f": "x"}
	cases := [][]string{
		{"mkfifo", "p"}, {"mkfifo", "p", "q"}, {"mkfifo", "-m", "600", "p"}, {"mkfifo", "--mode=u=rw,go=r", "p"}, {"mkfifo", "f"},
		{"mkfifo", "nodir/p"}, {"mkfifo"}, {"mkfifo", "-m", "999", "p"}, {"mkfifo", "-m", "4755", "p"},
		{"mknod", "p", "p"}, {"mknod", "-m", "640", "p", "p"}, {"mknod", "f", "p"}, {"mknod"}, {"mknod", "x"}, {"mknod", "x", "b"},
		{"mknod", "x", "b", "1"}, {"mknod", "x", "p", "1", "2"}, {"mknod", "x", "q"}, {"mknod", "x", "q", "1", "2"},
		{"mknod", "x", "c", "1", "2", "3"}, {"mknod", "x", "c", "9x", "1"}, {"mknod", "x", "c", "1", "y"},
	}
	if os.Geteuid() == 0 {
		cases = append(cases, []string{"mknod", "z", "c", "1", "5"}, []string{"mknod", "-m", "600", "b", "b", "7", "0"},
			[]string{"mknod", "u", "u", "0x1", "0x3"}, []string{"mknod", "f", "c", "1", "3"})
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "coreutils", files, args...) })
	}
}

func TestSyncGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	files := map[string]string{"f": "x", "d/g": "y"}
	for _, args := range [][]string{
		{"sync"}, {"sync", "f"}, {"sync", "-d", "f"}, {"sync", "-f", "f", "d"}, {"sync", "--data", "d/g"},
		{"sync", "nofile"}, {"sync", "f", "nofile", "d"}, {"sync", "-d", "-f", "f"}, {"sync", "-d"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "coreutils", files, args...) })
	}
}

// TestMktemp checks the names mktemp makes (the template's X's replaced, in the
// directory the options choose), what it creates (0600 files, 0700 directories, nothing
// with -u), and, against GNU mktemp, its messages and statuses for bad templates.
func TestMktemp(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	tmp := t.TempDir()
	runIn := func(args ...string) (string, string, int) {
		t.Helper()
		a, _ := tools.Lookup(args[0])
		var o, e strings.Builder
		env := &tools.Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e, Dir: dir, Environ: []string{"TMPDIR=" + tmp}}
		code := a.Run(context.Background(), env, args)
		return strings.TrimSuffix(o.String(), "\n"), e.String(), code
	}
	for _, c := range []struct {
		args  []string
		re    string
		isDir bool
		dry   bool
	}{
		{[]string{"mktemp"}, "^" + tmp + `/tmp\.[A-Za-z0-9]{10}$`, false, false},
		{[]string{"mktemp", "-d"}, "^" + tmp + `/tmp\.[A-Za-z0-9]{10}$`, true, false},
		{[]string{"mktemp", "fooXXX"}, `^foo[A-Za-z0-9]{3}$`, false, false},
		{[]string{"mktemp", "XXX.XXXX.txt"}, `^XXX\.[A-Za-z0-9]{4}\.txt$`, false, false},
		{[]string{"mktemp", "--suffix=.c", "xXXXX"}, `^x[A-Za-z0-9]{4}\.c$`, false, false},
		{[]string{"mktemp", "-t", "t.XXXX"}, "^" + tmp + `/t\.[A-Za-z0-9]{4}$`, false, false},
		{[]string{"mktemp", "-p", dir, "p.XXXX"}, "^" + dir + `/p\.[A-Za-z0-9]{4}$`, false, false},
		{[]string{"mktemp", "--tmpdir", "q.XXXX"}, "^" + tmp + `/q\.[A-Za-z0-9]{4}$`, false, false},
		{[]string{"mktemp", "-u", "uXXXX"}, `^u[A-Za-z0-9]{4}$`, false, true},
	} {
		out, stderr, code := runIn(c.args...)
		if code != 0 || stderr != "" || !regexp.MustCompile(c.re).MatchString(out) {
			t.Errorf("%v = %d %q %q, want a name matching %s", c.args, code, out, stderr, c.re)
			continue
		}
		p := out
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		fi, err := os.Stat(p)
		switch {
		case c.dry:
			if err == nil {
				t.Errorf("%v created %s", c.args, p)
			}
		case err != nil:
			t.Errorf("%v: %v", c.args, err)
		case c.isDir && (!fi.IsDir() || fi.Mode().Perm() != 0o700):
			t.Errorf("%v made %v, want a 0700 directory", c.args, fi.Mode())
		case !c.isDir && (!fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 || fi.Size() != 0):
			t.Errorf("%v made %v, want an empty 0600 file", c.args, fi.Mode())
		}
	}
	for _, args := range [][]string{
		{"mktemp", "fooXX"}, {"mktemp", "/nodir/x.XXX"}, {"mktemp", "-d", "/nodir/x.XXX"}, {"mktemp", "-q", "/nodir/x.XXX"},
		{"mktemp", "a", "b"}, {"mktemp", "-p", "/tmp", "/abs.XXX"}, {"mktemp", "--suffix=x", "yXXX.c"}, {"mktemp", "-p", "/nodir"},
		{"mktemp", "--suffix=a/b", "XXX"}, {"mktemp", "-t", "a/XXX"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "coreutils", nil, args...) })
	}
}

// TestChgrpGolden compares chgrp with GNU chgrp: groups by number and by name, -v -c -f
// -R -h --reference, and the messages of missing files and groups. As root, the groups
// really change (treeState does not see them: the verbose output and a stat do).
func TestChgrpGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	files := map[string]string{"f": "x", "d/g": "y", "d/e/h": "z"}
	cases := [][]string{
		{"chgrp", "0", "f"}, {"chgrp", "-v", "0", "f", "d"}, {"chgrp", "-c", "0", "f"}, {"chgrp", "nosuchgroup", "f"}, {"chgrp", "0"},
		{"chgrp"}, {"chgrp", "0", "nofile"}, {"chgrp", "-f", "0", "nofile"}, {"chgrp", "-v", "--reference=f", "d"},
		{"chgrp", "--reference=nofile", "f"}, {"chgrp", "-Rv", "root", "d"},
	}
	if os.Geteuid() == 0 {
		cases = append(cases, []string{"chgrp", "-v", "1", "f", "d"}, []string{"chgrp", "-Rc", "2", "d"}, []string{"chgrp", "-hv", "daemon", "f"},
			[]string{"chgrp", "-c", "1", "f", "nofile", "d"})
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "coreutils", files, args...) })
	}
	if os.Geteuid() == 0 {
		dir := t.TempDir()
		writeFiles(t, dir, files)
		if _, stderr, code := run(t, dir, "", "chgrp", "-R", "3", "d"); code != 0 {
			t.Fatalf("chgrp -R 3 d: %d %s", code, stderr)
		}
		for _, p := range []string{"d", "d/g", "d/e", "d/e/h"} {
			fi, _ := os.Stat(filepath.Join(dir, p))
			if fi.Sys().(*syscall.Stat_t).Gid != 3 {
				t.Errorf("chgrp -R 3 d left %s in group %d", p, fi.Sys().(*syscall.Stat_t).Gid)
			}
		}
	}
}
