package ephemeral

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	uexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/testfs"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/all" // sh, tar, stat, mkdir in the fake container
)

// toolboxExec is an Exec that runs the session's command with the real applets, in-process,
// in root (the target's root as a session sees it), and returns its status as exec does.
func toolboxExec(t *testing.T, root string, cmds *[][]string) ExecFunc {
	t.Helper()
	return func(ctx context.Context, r ExecRequest) error {
		i := slices.Index(r.Command, "--")
		if i < 0 {
			t.Fatalf("session command without --: %q", r.Command)
		}
		cmd := r.Command[i+1:]
		*cmds = append(*cmds, cmd)
		stdin := r.Stdin
		if stdin == nil {
			stdin = strings.NewReader("")
		}
		env := &tools.Env{Stdin: stdin, Stdout: r.Stdout, Stderr: r.Stderr, Dir: root, Environ: []string{"PATH=/nonexistent"}}
		if st := tools.RunCommand(ctx, env, cmd); st != 0 {
			return uexec.CodeExitError{Err: fmt.Errorf("command terminated with exit code %d", st), Code: st}
		}
		return nil
	}
}

// tree digests the tree below dir (testfs.Digest).
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	d, err := testfs.Digest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func writeTree(t *testing.T, dir string) {
	t.Helper()
	for _, step := range []error{
		os.MkdirAll(filepath.Join(dir, "etc/app/conf.d"), 0o755),
		os.WriteFile(filepath.Join(dir, "etc/app/main.conf"), bytes.Repeat([]byte("x=1\n"), 5000), 0o640),
		os.WriteFile(filepath.Join(dir, "etc/app/conf.d/run.sh"), []byte("#!/bin/sh\n"), 0o755),
		os.Symlink("/etc/passwd", filepath.Join(dir, "etc/app/passwd")),
		os.Symlink("main.conf", filepath.Join(dir, "etc/app/current")),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
}

func TestCopyFrom(t *testing.T) {
	target := t.TempDir()
	writeTree(t, target)
	want := tree(t, filepath.Join(target, "etc/app"))
	tg := &Target{Namespace: "ns", Pod: "web", Container: "app", Debug: "ddebug-aaaaa", Toolbox: "/bin/ddebug-toolbox"}

	t.Run("directory to a new name", func(t *testing.T) {
		var cmds [][]string
		d := &Debugger{Exec: toolboxExec(t, target, &cmds)}
		local := t.TempDir()
		var last int64
		if err := d.CopyFrom(context.Background(), tg, "/etc/app", filepath.Join(local, "copy"), CopyOptions{Progress: func(n, total int64) { last = n }}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tree(t, filepath.Join(local, "copy"))); diff != "" {
			t.Errorf("copied tree (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([][]string{{"tar", "-c", "-f", "-", "-C", "etc", "--", "app"}}, cmds); diff != "" {
			t.Errorf("commands (-want +got):\n%s", diff)
		}
		if last < 20000 {
			t.Errorf("progress ended at %d bytes, want the whole stream", last)
		}
	})
	t.Run("directory into an existing directory", func(t *testing.T) {
		var cmds [][]string
		d := &Debugger{Exec: toolboxExec(t, target, &cmds)}
		local := t.TempDir()
		if err := d.CopyFrom(context.Background(), tg, "etc/app/", local, CopyOptions{}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tree(t, filepath.Join(local, "app"))); diff != "" {
			t.Errorf("copied tree (-want +got):\n%s", diff)
		}
	})
	t.Run("a symlink stays a link", func(t *testing.T) {
		var cmds [][]string
		d := &Debugger{Exec: toolboxExec(t, target, &cmds)}
		local := t.TempDir()
		if err := d.CopyFrom(context.Background(), tg, "/etc/app/passwd", filepath.Join(local, "pw"), CopyOptions{}); err != nil {
			t.Fatal(err)
		}
		if l, err := os.Readlink(filepath.Join(local, "pw")); err != nil || l != "/etc/passwd" {
			t.Errorf("pw: link %q, %v", l, err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		var cmds [][]string
		d := &Debugger{Exec: toolboxExec(t, target, &cmds)}
		err := d.CopyFrom(context.Background(), tg, "/etc/nope", t.TempDir(), CopyOptions{})
		if !errors.Is(err, ErrCopy) || !strings.Contains(err.Error(), "etc/nope") || !strings.Contains(err.Error(), "No such file") {
			t.Errorf("missing file: %v", err)
		}
	})
	t.Run("the whole root", func(t *testing.T) {
		d := &Debugger{Exec: func(context.Context, ExecRequest) error { t.Fatal("exec called"); return nil }}
		err := d.CopyFrom(context.Background(), tg, "/", t.TempDir(), CopyOptions{})
		if !errors.Is(err, ErrCopy) || !strings.Contains(err.Error(), "/proc") {
			t.Errorf("copy of /: %v", err)
		}
	})
	t.Run("local parent missing", func(t *testing.T) {
		d := &Debugger{Exec: func(context.Context, ExecRequest) error { t.Fatal("exec called"); return nil }}
		err := d.CopyFrom(context.Background(), tg, "/etc/app", filepath.Join(t.TempDir(), "no/where"), CopyOptions{})
		if !errors.Is(err, ErrCopy) {
			t.Errorf("missing local parent: %v", err)
		}
	})
}

func TestCopyTo(t *testing.T) {
	local := t.TempDir()
	writeTree(t, local)
	want := tree(t, filepath.Join(local, "etc/app"))
	tg := &Target{Namespace: "ns", Pod: "web", Container: "app", Debug: "ddebug-aaaaa", Toolbox: "/bin/ddebug-toolbox"}

	t.Run("refused without AllowWrite", func(t *testing.T) {
		d := &Debugger{Exec: func(context.Context, ExecRequest) error { t.Fatal("exec called"); return nil }}
		err := d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app"), "/tmp", CopyOptions{})
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrWriteRefused) || !strings.Contains(e.Advice, "--allow-write") {
			t.Errorf("without AllowWrite: %v", err)
		}
	})
	t.Run("into a directory, then to a new name", func(t *testing.T) {
		target := t.TempDir()
		if err := os.Mkdir(filepath.Join(target, "tmp"), 0o1777); err != nil {
			t.Fatal(err)
		}
		var cmds [][]string
		d := &Debugger{Exec: toolboxExec(t, target, &cmds)}
		var last, total int64
		o := CopyOptions{AllowWrite: true, Progress: func(n, tot int64) { last, total = n, tot }}
		if err := d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app"), "/tmp", o); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tree(t, filepath.Join(target, "tmp/app"))); diff != "" {
			t.Errorf("copied tree (-want +got):\n%s", diff)
		}
		if total != 20000+10 || last != total {
			t.Errorf("progress %d of %d, want %d of %d", last, total, 20010, 20010)
		}
		if err := d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app"), "/tmp/renamed", o); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tree(t, filepath.Join(target, "tmp/renamed"))); diff != "" {
			t.Errorf("copied tree (-want +got):\n%s", diff)
		}
		if got := cmds[len(cmds)-1]; !slices.Equal(got, []string{"tar", "-x", "-f", "-", "-C", "tmp"}) {
			t.Errorf("last command %q", got)
		}
		// A file onto a file replaces it; a directory onto a file is refused.
		if err := d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app/main.conf"), "/tmp/app/conf.d/run.sh", o); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(filepath.Join(target, "tmp/app/conf.d/run.sh")); err != nil || fi.Size() != 20000 {
			t.Errorf("replaced file: %v, %v", fi, err)
		}
		err := d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app"), "/tmp/app/main.conf", o)
		if !errors.Is(err, ErrCopy) || !strings.Contains(err.Error(), "is a file there") {
			t.Errorf("directory onto a file: %v", err)
		}
		err = d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app"), "/no/such/dir", o)
		if !errors.Is(err, ErrCopy) || !strings.Contains(err.Error(), "no directory /no/such there") {
			t.Errorf("missing parent: %v", err)
		}
	})
	t.Run("a directory nobody may write", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root may write anywhere: the refusal needs a non-root run (the e2e test covers a read-only root)")
		}
		target := t.TempDir()
		if err := os.Mkdir(filepath.Join(target, "ro"), 0o555); err != nil {
			t.Fatal(err)
		}
		var cmds [][]string
		d := &Debugger{Exec: toolboxExec(t, target, &cmds)}
		err := d.CopyTo(context.Background(), tg, filepath.Join(local, "etc/app"), "/ro", CopyOptions{AllowWrite: true})
		if !errors.Is(err, ErrCopy) || !strings.Contains(err.Error(), "nothing was written") {
			t.Errorf("unwritable dir: %v", err)
		}
	})
}

func TestWriteError(t *testing.T) {
	err := writeError("mkdir: cannot create directory 'etc/.ddebug-cp-probe': Read-only file system", "/etc", "container app of pod web")
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrReadOnly) || !strings.Contains(e.Msg, "read-only file system") || !strings.Contains(e.Advice, "writable volume") {
		t.Errorf("read-only: %v", err)
	}
	if err := writeError("mkdir: Permission denied", "/etc", "x"); errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "Permission denied") {
		t.Errorf("permission: %v", err)
	}
}

func TestTargetPath(t *testing.T) {
	for in, want := range map[string]string{"/": ".", "": ".", "/etc/app/": "etc/app", "etc": "etc", "/../../etc": "etc", "a/../b": "b"} {
		if got := targetPath(in); got != want {
			t.Errorf("targetPath(%q) = %q, want %q", in, got, want)
		}
	}
}
