package toolstest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// SpecialTree makes, in a new directory, two trees a and b such as a hostile target shows
// to diff -r, grep -r, tar c, du or cp -r: regular files that differ (in a subdirectory
// too), and in each a FIFO, a socket and a character device with /dev/zero's numbers
// (root only: mknod), a FIFO in a that is a regular file in b, and a FIFO only in a. Any
// of them opened for reading would block or never end.
func SpecialTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{
		"a/f": "x one\n", "b/f": "y one\n",
		"a/sub/g": "x two\n", "b/sub/g": "z two\n",
		"b/mixed": "x regular\n",
	})
	for _, p := range []string{"a/fifo", "b/fifo", "a/mixed", "a/onlyfifo", "a/sub/fifo"} {
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"a/sock", "b/sock"} {
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, p), Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		l.SetUnlinkOnClose(false)
		l.Close()
	}
	if os.Geteuid() == 0 {
		for _, p := range []string{"a/zero", "b/zero"} {
			if err := syscall.Mknod(filepath.Join(dir, p), syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// Within runs fn and fails the test when it takes longer than limit: an applet that
// opened a FIFO would wait for ever, and the test must fail instead.
func Within[T any](t *testing.T, limit time.Duration, what string, fn func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- fn() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(limit):
		t.Fatalf("%s did not finish within %v (did it open a FIFO?)", what, limit)
	}
	var zero T
	return zero
}

// RunWithin is Run bounded by limit.
func RunWithin(t *testing.T, limit time.Duration, dir, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	type out struct {
		o, e string
		st   int
	}
	r := Within(t, limit, strings.Join(args, " "), func() out {
		o, e, st := Run(t, dir, stdin, args...)
		return out{o, e, st}
	})
	return r.o, r.e, r.st
}

// RunGNUWithin is RunGNU bounded by limit (the real tool is killed when it is over).
func RunGNUWithin(t *testing.T, limit time.Duration, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("GNU %v did not finish within %v", args, limit)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return o.String(), e.String(), status
}

// GoldenWithin is Golden where each side must finish within limit; post, when not nil,
// is applied to both outputs.
func GoldenWithin(t *testing.T, limit time.Duration, dir, pkg string, post func(string) string, args ...string) {
	t.Helper()
	p := GNU(t, args[0], pkg)
	want, _, wantSt := RunGNUWithin(t, limit, dir, append([]string{p}, args[1:]...)...)
	got, stderr, gotSt := RunWithin(t, limit, dir, "", args...)
	if post != nil {
		want, got = post(want), post(got)
	}
	if d := cmp.Diff(want, got); d != "" || wantSt != gotSt {
		t.Errorf("%v: status gnu %d ours %d (stderr %q); output (-gnu +ours):\n%s", args, wantSt, gotSt, stderr, d)
	}
}
