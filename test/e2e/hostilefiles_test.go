//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A hostile target must not be able to hang or redirect ddebug (issue 19): each file of
// the target ddebug reads is made, in turn, a FIFO, a socket, a device, a link to a host
// file, a directory, a 200 MB file without a newline, and a bind mount of /dev/zero. Every
// read path must still finish (within a second more than against plain files) as if the
// file were missing, and never read the host's file.

// hostPasswdLine is what the host file a link points at says: were it read, uid 1000
// would get gid 4242 and the name "hostmarker".
const hostPasswdLine = "hostmarker:x:1000:4242::/:/bin/sh\nroot:x:0:4242::/:/bin/sh\n"

type hostileFile struct {
	name string
	// make turns path (the file on the host, under /proc/<pid>/root) into the hostile kind.
	make func(t *testing.T, path, hostFile string)
	// says is what ddebug exec -v says about /etc/passwd made so.
	says string
}

var hostileFiles = []hostileFile{
	{"fifo", func(t *testing.T, p, _ string) { mustE2E(t, unix.Mkfifo(p, 0o644)) }, "/etc/passwd is a FIFO, not read"},
	{"socket", func(t *testing.T, p, _ string) {
		l, err := net.Listen("unix", p)
		mustE2E(t, err)
		t.Cleanup(func() { l.Close() })
	}, "/etc/passwd is a socket, not read"},
	{"device", func(t *testing.T, p, _ string) {
		mustE2E(t, unix.Mknod(p, unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5)))) // /dev/zero
	}, "/etc/passwd is a character device, not read"},
	{"link to a host file", func(t *testing.T, p, host string) { mustE2E(t, os.Symlink(host, p)) }, "/etc/passwd is a symbolic link, not read"},
	{"directory", func(t *testing.T, p, _ string) { mustE2E(t, os.Mkdir(p, 0o755)) }, "/etc/passwd is a directory, not read"},
	{"200 MB without a newline", func(t *testing.T, p, _ string) {
		f, err := os.Create(p)
		mustE2E(t, err)
		mustE2E(t, f.Truncate(200<<20))
		f.Close()
	}, "/etc/passwd is 200.0 MiB, more than the 1.0 MiB limit, not read"},
}

func mustE2E(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// boundedDdebug runs ddebug and fails the test if it takes longer than limit (a hang
// fails instead of blocking the suite).
func boundedDdebug(t *testing.T, limit time.Duration, args ...string) (result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, ddebugBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("ddebug %s did not finish within %v (a hostile file blocked it); stderr: %s", strings.Join(args, " "), limit, r.stderr)
	}
	if cmd.ProcessState == nil {
		t.Fatalf("running ddebug %v: %v", args, err)
	}
	r.status = cmd.ProcessState.ExitCode()
	return r, took
}

// hostileTarget starts a container of the scratch image with a plain /etc/passwd and
// /etc/group written through its root, and returns it with that root and a host file
// holding hostPasswdLine.
func hostileTarget(t *testing.T, name string, extra ...string) (ctr, root, hostFile string) {
	t.Helper()
	ctr = prefix + name
	exec.Command("docker", "rm", "-f", ctr).Run()
	docker(t, append(append([]string{"run", "-d", "--name", ctr}, extra...), "ddebug-e2e/scratch")...)
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", ctr).Run() })
	root = "/proc/" + docker(t, "inspect", "-f", "{{.State.Pid}}", ctr) + "/root"
	hostFile = filepath.Join(t.TempDir(), "host-passwd")
	mustE2E(t, os.WriteFile(hostFile, []byte(hostPasswdLine), 0o644))
	return ctr, root, hostFile
}

// plainIDFiles gives the target an ordinary passwd (uid 1000 is app, gid 2000) and group.
func plainIDFiles(t *testing.T, root string) {
	t.Helper()
	for name, body := range map[string]string{
		"passwd": "root:x:0:0::/:/bin/sh\napp:x:1000:2000::/:/bin/sh\n",
		"group":  "root:x:0:\napp:x:2000:\n",
	} {
		p := filepath.Join(root, "etc", name)
		os.RemoveAll(p)
		mustE2E(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

// TestHostileTargetFiles: `ddebug exec -u UID` reads the target's /etc/passwd for the
// primary group; the session's `id` reads /etc/passwd and /etc/group for names.
func TestHostileTargetFiles(t *testing.T) {
	ctr, root, hostFile := hostileTarget(t, "hostile-files")
	plainIDFiles(t, root)
	// What the same commands give, and take, against plain files.
	base, took := boundedDdebug(t, 60*time.Second, "exec", "-v", "-u", "1000", ctr, "--", "id", "-g")
	if base.status != 0 || base.stdout != "2000\n" || !strings.Contains(base.stderr, `uid 1000 is "app" in the target's /etc/passwd, primary gid 2000`) {
		t.Fatalf("against a plain passwd: exit %d, stdout %q, stderr %q; want gid 2000 and -v saying why", base.status, base.stdout, base.stderr)
	}
	if id := mustDdebug(t, "exec", ctr, "--", "id"); !strings.Contains(id, "uid=0(root) gid=0(root)") {
		t.Fatalf("id against plain files = %q, want names", id)
	}
	limit := took + time.Second
	t.Logf("against plain files: %v; each hostile case must finish within %v", took, limit)

	for _, file := range []string{"passwd", "group"} {
		for _, h := range hostileFiles {
			t.Run(file+"/"+h.name, func(t *testing.T) {
				plainIDFiles(t, root)
				t.Cleanup(func() { plainIDFiles(t, root) })
				p := filepath.Join(root, "etc", file)
				mustE2E(t, os.Remove(p))
				h.make(t, p, hostFile)

				if file == "passwd" {
					r, took := boundedDdebug(t, limit, "exec", "-v", "-u", "1000", ctr, "--", "id", "-g")
					t.Logf("ddebug exec -u 1000: %v", took)
					if r.status != 0 || r.stdout != "1000\n" {
						t.Errorf("exec -u 1000 -- id -g: exit %d, stdout %q (4242 is the host file's), stderr %q; want 1000, the uid", r.status, r.stdout, r.stderr)
					}
					if want := "ddebug: target " + h.says + "; uid 1000 has no name, so gid 1000 (the uid)"; !strings.Contains(r.stderr, want) {
						t.Errorf("-v says %q, want %q", r.stderr, want)
					}
				}
				r, _ := boundedDdebug(t, limit, "exec", ctr, "--", "id")
				want := "uid=0 gid=0(root) groups=0(root)"
				if file == "group" {
					want = "uid=0(root) gid=0 groups=0"
				}
				if r.status != 0 || !strings.Contains(r.stdout, want) || strings.Contains(r.stdout, "hostmarker") {
					t.Errorf("id: exit %d, stdout %q, stderr %q; want %q", r.status, r.stdout, r.stderr, want)
				}
			})
		}
	}
}

// TestHostileTargetMount: /dev/zero bind-mounted on the target's /etc/passwd (once it
// runs: runc itself would choke on it at start) is on another mount: refused before
// anything is opened.
func TestHostileTargetMount(t *testing.T) {
	ctr, root, _ := hostileTarget(t, "hostile-mount")
	plainIDFiles(t, root)
	bindInContainer(t, strings.TrimSuffix(strings.TrimPrefix(root, "/proc/"), "/root"), "/dev/zero", "/etc/passwd")
	r, _ := boundedDdebug(t, 10*time.Second, "exec", "-v", "-u", "1000", ctr, "--", "id", "-g")
	if r.status != 0 || r.stdout != "1000\n" || !strings.Contains(r.stderr, "ddebug: target /etc/passwd crosses a mount point, not read") {
		t.Errorf("exec -u 1000 -- id -g: exit %d, stdout %q, stderr %q; want 1000 and -v saying the mount was refused", r.status, r.stdout, r.stderr)
	}
	r, _ = boundedDdebug(t, 10*time.Second, "exec", ctr, "--", "id")
	if r.status != 0 || !strings.Contains(r.stdout, "uid=0 gid=0") {
		t.Errorf("id: exit %d, stdout %q, stderr %q; want uid=0 gid=0 without names", r.status, r.stdout, r.stderr)
	}
}

// bindInContainer bind-mounts src on dst in the mount namespace of pid, from a locked
// thread of this test that joins it (and then dies with its goroutine).
func bindInContainer(t *testing.T, pid, src, dst string) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread is thrown away
		ns, err := os.Open("/proc/" + pid + "/ns/mnt")
		if err != nil {
			errc <- err
			return
		}
		defer ns.Close()
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			errc <- fmt.Errorf("unshare CLONE_FS: %w", err)
			return
		}
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
			errc <- fmt.Errorf("bind %s on %s: %w", src, dst, err)
			return
		}
		errc <- nil
	}()
	mustE2E(t, <-errc)
}
