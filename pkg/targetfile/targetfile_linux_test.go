package targetfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const marker = "HOST-MARKER-NEVER-READ"

// hostileRoot builds a directory that stands for a target's root, with etc/<name> made by
// each case, and a host file holding marker outside it.
func hostileRoot(t *testing.T) (root, hostFile string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "root")
	hostFile = filepath.Join(dir, "host-secret")
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hostFile, []byte(marker+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, hostFile
}

// readWithin runs read and fails the test if it takes more than a second (a hang fails
// instead of blocking the run).
func readWithin(t *testing.T, read func() ([]byte, error)) ([]byte, error) {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := read()
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		return r.b, r.err
	case <-time.After(time.Second):
		t.Fatal("the read did not finish within a second")
	}
	return nil, nil
}

func walkResolve(rootfd int, name string) (int, error) {
	return walk(rootfd, strings.TrimPrefix(name, "/"), name)
}

type readCase struct {
	name  string
	make  func(t *testing.T, etc, hostFile string)
	path  string
	limit int64
	want  string // content read
	is    error  // else the error
	msg   string // in the error's text
	// walkIs, when set, is what the resolution without openat2 gives instead (stricter).
	walkIs error
}

func TestReadFile(t *testing.T) {
	tests := []readCase{
		{name: "regular", path: "/etc/passwd", want: "root:x:0:0::/:/bin/sh\n",
			make: func(t *testing.T, etc, _ string) { write(t, filepath.Join(etc, "passwd"), "root:x:0:0::/:/bin/sh\n") }},
		{name: "relative name", path: "etc/passwd", want: "x\n",
			make: func(t *testing.T, etc, _ string) { write(t, filepath.Join(etc, "passwd"), "x\n") }},
		{name: "missing", path: "/etc/passwd", is: fs.ErrNotExist, make: func(*testing.T, string, string) {}},
		{name: "fifo", path: "/etc/passwd", is: ErrNotRegular, msg: "/etc/passwd is a FIFO, not read",
			make: func(t *testing.T, etc, _ string) { must(t, unix.Mkfifo(filepath.Join(etc, "passwd"), 0o644)) }},
		{name: "socket", path: "/etc/passwd", is: ErrNotRegular, msg: "is a socket",
			make: func(t *testing.T, etc, _ string) {
				l, err := net.Listen("unix", filepath.Join(etc, "passwd"))
				must(t, err)
				t.Cleanup(func() { l.Close() })
			}},
		{name: "directory", path: "/etc/passwd", is: ErrNotRegular, msg: "is a directory",
			make: func(t *testing.T, etc, _ string) { must(t, os.Mkdir(filepath.Join(etc, "passwd"), 0o755)) }},
		{name: "root itself", path: "/", is: ErrNotRegular, msg: "/ is a directory", make: func(*testing.T, string, string) {}},
		{name: "symlink to a host file", path: "/etc/passwd", is: ErrNotRegular, msg: "is a symbolic link",
			make: func(t *testing.T, etc, host string) { must(t, os.Symlink(host, filepath.Join(etc, "passwd"))) }},
		{name: "symlink climbing out", path: "/etc/passwd", is: ErrNotRegular, msg: "is a symbolic link",
			make: func(t *testing.T, etc, _ string) {
				must(t, os.Symlink("../../host-secret", filepath.Join(etc, "passwd")))
			}},
		{name: "directory link to the host", path: "/etc/passwd", is: fs.ErrNotExist, walkIs: ErrEscapesRoot,
			make: func(t *testing.T, etc, host string) {
				// etc -> the host directory that holds a passwd with the marker: resolved in
				// the root, that directory does not exist there.
				dir := filepath.Dir(host)
				write(t, filepath.Join(dir, "passwd"), marker+"\n")
				must(t, os.RemoveAll(etc))
				must(t, os.Symlink(dir, etc))
			}},
		{name: "dot-dot climbing out", path: "/../../../passwd", is: fs.ErrNotExist,
			make: func(t *testing.T, _, host string) { write(t, filepath.Join(filepath.Dir(host), "passwd"), marker+"\n") }},
		{name: "in-root link in the path", path: "/etc/passwd", want: "in root\n", walkIs: ErrEscapesRoot,
			make: func(t *testing.T, etc, _ string) {
				real := filepath.Join(filepath.Dir(etc), "real-etc")
				must(t, os.Mkdir(real, 0o755))
				write(t, filepath.Join(real, "passwd"), "in root\n")
				must(t, os.RemoveAll(etc))
				must(t, os.Symlink("/real-etc", etc))
			}},
		{name: "magic link", path: "/etc/passwd", is: ErrEscapesRoot, walkIs: ErrEscapesRoot,
			make: func(t *testing.T, etc, _ string) {
				// A link to /proc/self/root resolved in the root is root/proc/self/root: make
				// that a real procfs, whose magic link must not be followed.
				needRoot(t)
				proc := filepath.Join(filepath.Dir(etc), "proc")
				must(t, os.Mkdir(proc, 0o755))
				must(t, unix.Mount("proc", proc, "proc", 0, ""))
				t.Cleanup(func() { unix.Unmount(proc, unix.MNT_DETACH) })
				must(t, os.RemoveAll(etc))
				must(t, os.Symlink("/proc/self/root/etc", etc))
			}},
		{name: "200 MB without a newline", path: "/etc/passwd", is: ErrTooLarge, msg: "is 200.0 MiB, more than the 1.0 MiB limit",
			make: func(t *testing.T, etc, _ string) {
				f, err := os.Create(filepath.Join(etc, "passwd"))
				must(t, err)
				must(t, f.Truncate(200<<20))
				f.Close()
			}},
		{name: "limit given", path: "/etc/group", limit: 4, is: ErrTooLarge, msg: "is 5 bytes, more than the 4 bytes limit",
			make: func(t *testing.T, etc, _ string) { write(t, filepath.Join(etc, "group"), "abcde") }},
		{name: "limit exactly", path: "/etc/group", limit: 5, want: "abcde",
			make: func(t *testing.T, etc, _ string) { write(t, filepath.Join(etc, "group"), "abcde") }},
		readCase{name: "device node", path: "/etc/passwd", is: ErrNotRegular, msg: "is a character device",
			make: func(t *testing.T, etc, _ string) {
				needRoot(t)
				// /dev/zero's numbers: read, it would never end.
				must(t, unix.Mknod(filepath.Join(etc, "passwd"), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5))))
			}},
		readCase{name: "another mount", path: "/etc/passwd", is: ErrEscapesRoot, msg: "crosses a mount point", walkIs: ErrEscapesRoot,
			make: func(t *testing.T, etc, _ string) {
				needRoot(t)
				must(t, unix.Mount("tmpfs", etc, "tmpfs", 0, ""))
				t.Cleanup(func() { unix.Unmount(etc, unix.MNT_DETACH) })
				write(t, filepath.Join(etc, "passwd"), marker+"\n")
			}},
	}
	for _, how := range []struct {
		name    string
		resolve func(int, string) (int, error)
	}{{"openat2", resolve}, {"walk", walkResolve}} {
		for _, tt := range tests {
			t.Run(how.name+"/"+tt.name, func(t *testing.T) {
				dir, host := hostileRoot(t)
				tt.make(t, filepath.Join(dir, "etc"), host)
				b, err := readWithin(t, func() ([]byte, error) { return readFile(dir, tt.path, tt.limit, how.resolve) })
				if strings.Contains(string(b), marker) {
					t.Fatalf("read the host's file: %q", b)
				}
				is := tt.is
				if how.name == "walk" && tt.walkIs != nil {
					is = tt.walkIs
				}
				if is == nil {
					if err != nil || string(b) != tt.want {
						t.Fatalf("got %q, %v; want %q", b, err, tt.want)
					}
					return
				}
				if !errors.Is(err, is) {
					t.Fatalf("got %q, %v; want an error that is %v", b, err, is)
				}
				var refused *RefusedError
				if is != fs.ErrNotExist && !errors.As(err, &refused) {
					t.Errorf("error %v (%T) is not a *RefusedError", err, err)
				}
				if how.name == "openat2" && tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("error %q does not say %q", err, tt.msg)
				}
			})
		}
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	must(t, os.WriteFile(p, []byte(s), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (mknod, mount)")
	}
}
