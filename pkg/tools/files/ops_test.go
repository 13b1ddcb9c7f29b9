package files

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func TestFileOps(t *testing.T) {
	dir := fixedTree(t)
	steps := []struct {
		args   []string
		status int
		out    string
		check  func(t *testing.T)
	}{
		{[]string{"cp", "-r", "sub", "copy"}, 0, "", func(t *testing.T) {
			if b, _ := os.ReadFile(filepath.Join(dir, "copy/deep/d.go")); string(b) != "package d\n" {
				t.Errorf("cp -r content %q", b)
			}
		}},
		{[]string{"cp", "sub", "x"}, 1, "", nil},
		{[]string{"cp", "-a", "link", "link2"}, 0, "", func(t *testing.T) {
			if l, _ := os.Readlink(filepath.Join(dir, "link2")); l != "a.txt" {
				t.Errorf("cp -a link = %q", l)
			}
		}},
		{[]string{"cp", "-p", "a.txt", "emptydir"}, 0, "", func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(dir, "emptydir/a.txt"))
			if err != nil || fi.ModTime().Year() != 2021 {
				t.Errorf("cp -p lost mtime: %v %v", fi, err)
			}
		}},
		{[]string{"mv", "copy", "moved"}, 0, "", func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "moved/c.txt")); err != nil {
				t.Error(err)
			}
		}},
		{[]string{"cp", "-t", "moved", "a.txt", "link"}, 0, "", func(t *testing.T) {
			if b, _ := os.ReadFile(filepath.Join(dir, "moved/link")); len(b) == 0 {
				t.Errorf("cp -t: moved/link is %q", b)
			}
		}},
		{[]string{"mv", "-t", "moved/deep", "moved/a.txt", "moved/link"}, 0, "", func(t *testing.T) {
			for _, p := range []string{"moved/deep/a.txt", "moved/deep/link"} {
				if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
					t.Errorf("mv -t: %v", err)
				}
			}
		}},
		{[]string{"mv", "-t", "a.txt", "b.log"}, 1, "", nil},
		{[]string{"mv", "-t", "nodir", "b.log"}, 1, "", nil},
		{[]string{"rm", "moved"}, 1, "", nil},
		{[]string{"rm", "-r", "moved"}, 0, "", func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "moved")); !os.IsNotExist(err) {
				t.Errorf("rm -r left %v", err)
			}
		}},
		{[]string{"rm", "-f", "nothere"}, 0, "", nil},
		{[]string{"rm", "nothere"}, 1, "", nil},
		{[]string{"mkdir", "-p", "-m", "750", "p/q/r"}, 0, "", func(t *testing.T) {
			if m := mode(t, filepath.Join(dir, "p/q/r")); m.Perm() != 0o750 {
				t.Errorf("mkdir -m: %v", m)
			}
		}},
		{[]string{"mkdir", "p"}, 1, "", nil},
		{[]string{"rmdir", "-p", "p/q/r"}, 0, "", nil},
		{[]string{"chmod", "600", "a.txt"}, 0, "", func(t *testing.T) {
			if m := mode(t, filepath.Join(dir, "a.txt")); m.Perm() != 0o600 {
				t.Errorf("chmod 600: %v", m)
			}
		}},
		{[]string{"chmod", "u+x,g=r,o+r", "a.txt"}, 0, "", func(t *testing.T) {
			if m := mode(t, filepath.Join(dir, "a.txt")); m.Perm() != 0o744 {
				t.Errorf("chmod symbolic: %v", m)
			}
		}},
		{[]string{"chmod", "-x", "a.txt"}, 0, "", func(t *testing.T) {
			if m := mode(t, filepath.Join(dir, "a.txt")); m.Perm() != 0o644 {
				t.Errorf("chmod -x: %v", m)
			}
		}},
		{[]string{"chmod", "-R", "go-rwx", "sub"}, 0, "", func(t *testing.T) {
			if m := mode(t, filepath.Join(dir, "sub/deep/d.go")); m.Perm() != 0o600 {
				t.Errorf("chmod -R: %v", m)
			}
		}},
		{[]string{"chmod", "u+s,+t", "b.log"}, 0, "", func(t *testing.T) {
			if m := mode(t, filepath.Join(dir, "b.log")); m&os.ModeSetuid == 0 || m&os.ModeSticky == 0 {
				t.Errorf("chmod u+s,+t: %v", m)
			}
		}},
		{[]string{"ln", "-s", "b.log", "l2"}, 0, "", nil},
		{[]string{"ln", "-s", "a.txt", "l2"}, 1, "", nil},
		{[]string{"ln", "-sf", "a.txt", "l2"}, 0, "", func(t *testing.T) {
			if l, _ := os.Readlink(filepath.Join(dir, "l2")); l != "a.txt" {
				t.Errorf("ln -sf: %q", l)
			}
		}},
		{[]string{"ln", "a.txt", "hard"}, 0, "", func(t *testing.T) {
			a, _ := os.Stat(filepath.Join(dir, "a.txt"))
			h, _ := os.Stat(filepath.Join(dir, "hard"))
			if !os.SameFile(a, h) {
				t.Error("ln: not the same file")
			}
		}},
		{[]string{"readlink", "l2"}, 0, "a.txt\n", nil},
		{[]string{"touch", "-d", "2000-01-01", "new"}, 0, "", func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(dir, "new"))
			if err != nil || fi.ModTime().Year() != 2000 {
				t.Errorf("touch -d: %v %v", fi, err)
			}
		}},
		{[]string{"touch", "-c", "notcreated"}, 0, "", func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "notcreated")); err == nil {
				t.Error("touch -c created the file")
			}
		}},
		{[]string{"xargs", "-n", "2", "dirname"}, 0, "a\nb\nc\n", nil},
		{[]string{"xargs", "-I", "{}", "basename", "x/{}.txt", ".txt"}, 0, "b\nc\n", nil},
		{[]string{"xargs", "-r", "dirname"}, 0, "", nil},
		{[]string{"find", "sub", "-name", "*.go", "-exec", "basename", "{}", ";"}, 0, "d.go\n", nil},
		{[]string{"find", "sub", "-type", "f", "-exec", "basename", "-a", "{}", "+"}, 0, "c.txt\nd.go\ne.txt\n", nil},
		{[]string{"find", ".", "-name", "*.log", "-delete"}, 0, "", func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "b.log")); !os.IsNotExist(err) {
				t.Error("find -delete left b.log")
			}
		}},
		{[]string{"ls", "--help"}, 0, "", nil},
		{[]string{"ls", "-Z"}, 2, "", nil},
	}
	stdin := map[string]string{"xargs -n 2 dirname": "a/1 b/2\nc/3", "xargs -I {} basename x/{}.txt .txt": "a/b\n  c\n", "xargs -r dirname": "  \n"}
	for _, s := range steps {
		out, errOut, st := run(t, dir, stdin[strings.Join(s.args, " ")], s.args...)
		if st != s.status {
			t.Errorf("%v: status %d, want %d (stderr %q)", s.args, st, s.status, errOut)
		}
		if s.out != "" && out != s.out {
			t.Errorf("%v: stdout %q, want %q", s.args, out, s.out)
		}
		if s.check != nil {
			s.check(t)
		}
	}
}

// du counts a file of several hard links once, and at each link with -l, as GNU du does.
func TestDuCountLinks(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "f"), filepath.Join(dir, "g")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"du", "-s", "."}, {"du", "-sl", "."}, {"du", "-a", "-l", "--apparent-size", "."}} {
		golden(t, dir, "", "coreutils", sortLines, args...)
	}
}

// strings -f names the file before each string, as binutils' strings does.
func TestStringsFileNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bin"), []byte("\x00\x01hello world\x00ab\x02another string\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	golden(t, dir, "", "binutils", nil, "strings", "-f", "bin", "bin")
	golden(t, dir, "text on stdin\n", "binutils", nil, "strings", "-af")
}
