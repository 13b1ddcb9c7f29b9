//go:build linux

package proc

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestChroot runs chroot into a root holding one static program (busybox) and an
// /etc/passwd: a program of the new root runs there (it sees the new root's files), an
// applet the new root lacks runs as the applet inside it (without chroot's own mark in
// its environment), --userspec drops to another user, and the failures give GNU's
// messages and statuses (125 for chroot's own, 127 for a command not found).
func TestChroot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chroot needs root (CAP_SYS_CHROOT)")
	}
	bb := toolstest.GNU(t, "busybox", "busybox-static")
	root := t.TempDir()
	toolstest.WriteFiles(t, root, map[string]string{
		"marker":     "inside the new root\n",
		"etc/passwd": "chrooted:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n",
		"etc/group":  "rootgrp:x:0:\nnogroup:x:65534:\n",
		"bin/.keep":  "",
	})
	copyTo(t, bb, filepath.Join(root, "bin/busybox"))
	for _, c := range []struct {
		args      []string
		out, errs string
		status    int
	}{
		{[]string{"chroot", root, "/bin/busybox", "cat", "/marker"}, "inside the new root\n", "", 0},
		{[]string{"chroot", root, "/bin/busybox", "pwd"}, "/\n", "", 0},
		{[]string{"chroot", root, "printenv", "DDEBUG_CHROOT_INNER", "PATH"}, "/bin:/usr/bin\n", "", 1},
		{[]string{"chroot", "--userspec=65534:65534", "--groups=65534", root, "id"}, "uid=65534 gid=65534 groups=65534\n", "", 0},
		{[]string{"chroot", "--userspec=65534:0", root, "/bin/busybox", "id", "-u"}, "65534\n", "", 0},
		{[]string{"chroot", root, "nosuchcmd"}, "", "chroot: failed to run command 'nosuchcmd': No such file or directory\n", 127},
		{[]string{"chroot", root, "/bin/busybox", "false"}, "", "", 1},
		{[]string{"chroot", "/nodir"}, "", "chroot: cannot change root directory to '/nodir': No such file or directory\n", 125},
		{[]string{"chroot"}, "", "chroot: missing operand\nTry 'chroot --help' for more information.\n", 125},
		{[]string{"chroot", "--userspec=nosuchuser", root, "id"}, "", "chroot: invalid user\n", 125},
	} {
		cmd := toolstest.Command(t, c.args...)
		cmd.Env = append(cmd.Env, "PATH=/bin:/usr/bin")
		out, errs, st := toolstest.Status(t, cmd)
		if out != c.out || errs != c.errs || st != c.status {
			t.Errorf("%v = %d %q %q, want %d %q %q", c.args, st, out, errs, c.status, c.out, c.errs)
		}
	}
	// GNU chroot's messages and statuses for the same failures.
	gnuChroot := toolstest.GNU(t, "chroot", "coreutils")
	for _, args := range [][]string{{"chroot", "/nodir"}, {"chroot"}, {"chroot", root, "nosuchcmd"}} {
		cmd := exec.Command(gnuChroot, args[1:]...)
		cmd.Args[0] = "chroot"
		cmd.Env = []string{"LC_ALL=C", "PATH=/bin"}
		var e strings.Builder
		cmd.Stderr = &e
		st := 0
		if err := cmd.Run(); err != nil {
			st = err.(*exec.ExitError).ExitCode()
		}
		mine := toolstest.Command(t, args...)
		_, errs, mst := toolstest.Status(t, mine)
		if errs != e.String() || mst != st {
			t.Errorf("%v = %d %q, GNU %d %q", args, mst, errs, st, e.String())
		}
	}
}

func copyTo(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// TestUmount mounts a tmpfs (root only) and unmounts it by mount point, recursively
// with one below it, and lazily while busy; the failures give util-linux's messages
// and status 32, as its umount does for the same operands.
func TestUmount(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		mnt := filepath.Join(dir, "mnt")
		os.Mkdir(mnt, 0o755)
		mount := func(p string) {
			if out, err := exec.Command("mount", "-t", "tmpfs", "ddebug-test", p).CombinedOutput(); err != nil {
				t.Fatalf("mount %s: %v %s", p, err, out)
			}
		}
		mount(mnt)
		if out, errs, st := runIn(t, dir, nil, "umount", "-v", "mnt"); st != 0 || out != "umount: "+mnt+" (ddebug-test) unmounted\n" || errs != "" {
			t.Errorf("umount -v mnt = %d %q %q", st, out, errs)
		}
		mount(mnt)
		os.Mkdir(filepath.Join(mnt, "sub"), 0o755)
		mount(filepath.Join(mnt, "sub"))
		if _, errs, st := runIn(t, dir, nil, "umount", "mnt"); st != 32 || errs != "umount: "+mnt+": target is busy.\n" {
			t.Errorf("umount of a mount with one below = %d %q", st, errs)
		}
		if _, errs, st := runIn(t, dir, nil, "umount", "-R", mnt); st != 0 || errs != "" {
			t.Errorf("umount -R = %d %q", st, errs)
		}
		if b, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(b), mnt) {
			t.Errorf("umount -R left %s mounted", mnt)
		}
	}
	os.Mkdir(filepath.Join(dir, "plain"), 0o755)
	for _, c := range []struct {
		args []string
		errs string
	}{
		{[]string{"umount", "/nonexist"}, "umount: /nonexist: no mount point specified.\n"},
		{[]string{"umount", "plain"}, "umount: plain: not mounted.\n"},
		{[]string{"umount"}, "umount: bad usage\nTry 'umount --help' for more information.\n"},
		{[]string{"umount", "-x"}, "umount: invalid option -- 'x'\nTry 'umount --help' for more information.\n"},
	} {
		_, errs, st := runIn(t, dir, nil, c.args...)
		if errs != c.errs {
			t.Errorf("%v: stderr %q, want %q", c.args, errs, c.errs)
		}
		cmd := exec.Command("umount", c.args[1:]...)
		cmd.Dir, cmd.Env = dir, []string{"LC_ALL=C"}
		var e strings.Builder
		cmd.Stderr = &e
		want := 0
		if err := cmd.Run(); err != nil {
			want = err.(*exec.ExitError).ExitCode()
		}
		if e.String() != c.errs || st != want {
			t.Errorf("%v = %d %q, util-linux %d %q", c.args, st, errs, want, e.String())
		}
	}
}
