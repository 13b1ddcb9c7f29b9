package files

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
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

func TestXargsNul(t *testing.T) {
	out, _, st := run(t, "", "x/a b\x00y/c\x00", "xargs", "-0", "dirname")
	if st != 0 || out != "x\ny\n" {
		t.Errorf("xargs -0: %d %q", st, out)
	}
}

func TestLsLongNames(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: files must be owned by uid 0 to check the name lookup")
	}
	dir := fixedTree(t)
	out, _, st := run(t, dir, "", "ls", "-l", "a.txt", "link")
	if st != 0 || !strings.Contains(out, " root root ") || !strings.Contains(out, "link -> a.txt") {
		t.Errorf("ls -l: %q", out)
	}
	out, _, _ = run(t, dir, "", "ls", "-n", "a.txt")
	if !strings.Contains(out, " 0 0 ") {
		t.Errorf("ls -n: %q", out)
	}
}

func TestLsDevice(t *testing.T) {
	out, _, st := run(t, "/", "", "ls", "-l", "/dev/null")
	if st != 0 || !strings.HasPrefix(out, "crw-rw-rw-") || !strings.Contains(out, "1, 3 ") {
		t.Errorf("ls -l /dev/null: %q", out)
	}
}

func TestFileMagic(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"s.sh": "#!/bin/sh\necho\n", "t.txt": "hi\n", "b.bin": "\x00\x01\x02", "e": ""})
	os.Chmod(filepath.Join(dir, "s.sh"), 0o755)
	os.Symlink("t.txt", filepath.Join(dir, "l"))
	self, _ := os.Executable()
	cases := map[string]string{
		"s.sh":  "POSIX shell script, ASCII text executable",
		"t.txt": "ASCII text",
		"b.bin": "data",
		"e":     "empty",
		"l":     "symbolic link to t.txt",
		".":     "directory",
		self:    "ELF 64-bit LSB",
	}
	for name, want := range cases {
		out, _, _ := run(t, dir, "", "file", "-b", name)
		if !strings.HasPrefix(out, want) {
			t.Errorf("file %s = %q, want prefix %q", name, out, want)
		}
	}
	out, _, _ := run(t, dir, "", "file", "-b", self)
	if !strings.Contains(out, "statically linked") && !strings.Contains(out, "dynamically linked") {
		t.Errorf("file on the test binary does not say how it is linked: %q", out)
	}
	out, _, _ = run(t, dir, "", "file", "-b", "/bin/ls")
	if !strings.Contains(out, "interpreter /lib") {
		t.Errorf("file /bin/ls: no interpreter in %q", out)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reading test.
type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

func TestTailFollowStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "log")
	os.WriteFile(p, []byte("1\n2\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{mu: make(chan struct{}, 1)}
	env := &tools.Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Dir: dir}
	done := make(chan int)
	a, _ := tools.Lookup("tail")
	go func() { done <- a.Run(ctx, env, []string{"tail", "-f", "-s", "0.05", "-n", "1", "log"}) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "2\n") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("3\n")
	f.Close()
	for !strings.Contains(out.String(), "3\n") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("tail -f did not stop after cancel")
	}
	if got := out.String(); got != "2\n3\n" {
		t.Errorf("tail -f output %q", got)
	}
}
