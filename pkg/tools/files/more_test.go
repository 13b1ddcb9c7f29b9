package files

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func TestCatOfPipeStopsOnCancel(t *testing.T) {
	pr, pw := io.Pipe()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				pw.Close()
				return
			case <-time.After(5 * time.Millisecond):
				pw.Write([]byte("x\n"))
			}
		}
	}()
	t.Cleanup(func() { close(stop) })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	out := &syncBuffer{mu: make(chan struct{}, 1)}
	a, _ := tools.Lookup("cat")
	done := make(chan int)
	go func() { done <- a.Run(ctx, &tools.Env{Stdin: pr, Stdout: out, Stderr: out, Dir: "/"}, []string{"cat"}) }()
	select {
	case st := <-done:
		if st == 0 {
			t.Errorf("cat of an endless pipe returned 0 after cancel")
		}
		if !strings.HasPrefix(out.String(), "x\n") {
			t.Errorf("cat copied nothing before cancel: %q", out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cat did not stop after ctx was cancelled")
	}
}

func TestFindTimesAndOwners(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"old": "o", "new": "n", "ref": "r"})
	old := time.Now().Add(-72 * time.Hour)
	os.Chtimes(filepath.Join(dir, "old"), old, old)
	ref := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "ref"), ref, ref)
	cases := []struct {
		want string
		args []string
	}{
		{"./old\n", []string{"find", ".", "-type", "f", "-mtime", "+1"}},
		{"./new\n./ref\n", []string{"find", ".", "-type", "f", "-mtime", "-1"}},
		{"./new\n", []string{"find", ".", "-type", "f", "-mmin", "-30"}},
		{"./new\n", []string{"find", ".", "-type", "f", "-newer", "ref"}},
		{"./new\x00./old\x00", []string{"find", ".", "-type", "f", "!", "-name", "ref", "-print0"}},
	}
	for _, c := range cases {
		out, e, st := run(t, dir, "", c.args...)
		if st != 0 || out != c.want {
			t.Errorf("%v: %d %q (stderr %q), want %q", c.args, st, out, e, c.want)
		}
	}
	uid := os.Geteuid()
	out, _, _ := run(t, dir, "", "find", ".", "-name", "old", "-user", "root")
	if uid == 0 && out != "./old\n" || uid != 0 && out != "" {
		t.Errorf("find -user root as uid %d: %q", uid, out)
	}
}

func TestChownNeedsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "x"})
	if _, e, st := run(t, dir, "", "chown", "1234:5678", "f"); st != 0 {
		t.Fatalf("chown: %s", e)
	}
	fi, _ := os.Stat(filepath.Join(dir, "f"))
	if s := sysStat(fi); s.Uid != 1234 || s.Gid != 5678 {
		t.Errorf("owner %d:%d", s.Uid, s.Gid)
	}
	if _, e, st := run(t, dir, "", "chown", "root:root", "f"); st != 0 {
		t.Fatalf("chown by name: %s", e)
	}
	fi, _ = os.Stat(filepath.Join(dir, "f"))
	if s := sysStat(fi); s.Uid != 0 || s.Gid != 0 {
		t.Errorf("owner after root:root %d:%d", s.Uid, s.Gid)
	}
	if _, _, st := run(t, dir, "", "chown", "no-such-user-xyz", "f"); st != 1 {
		t.Errorf("unknown user accepted")
	}
}
