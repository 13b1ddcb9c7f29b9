package toolbox_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// emptyRoot makes a directory holding nothing but the toolbox, copied in as /sh.
func emptyRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	b, err := os.ReadFile(toolboxBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "sh"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// runChrooted runs /sh -c script chrooted into root, with an empty environment (no PATH:
// the shell falls back to its default, where nothing exists).
func runChrooted(t *testing.T, root, script string) (stdout, stderr string, pid int, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/sh", "-c", script)
	cmd.Dir = "/"
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		return "", "", 0, err
	}
	err = cmd.Wait()
	return out.String(), errb.String(), cmd.Process.Pid, err
}

// TestShellInEmptyRoot proves the point of the toolbox: in a root that holds no file but
// the toolbox itself, the shell and its applets work, all in one process.
func TestShellInEmptyRoot(t *testing.T) {
	requireRoot(t)
	root := emptyRoot(t)
	// A #!/bin/sh script, in a root with no /bin/sh: the toolbox shell runs it itself.
	if err := os.WriteFile(filepath.Join(root, "s.sh"), []byte("#!/bin/sh\necho \"script $1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, errOut, _, err := runChrooted(t, root, `/s.sh arg; echo hello; pwd; test -e /sh && echo has-sh; test -e /bin || echo no-bin
which echo; x=$(seq 3 | while read n; do printf '%s,' "$n"; done); echo "$x"
ls-free-check() { for f in /*; do echo "entry $f"; done; }; ls-free-check
no-such-program; echo "status=$?"`)
	if err != nil {
		t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	want := "script arg\nhello\n/\nhas-sh\nno-bin\necho: applet\n1,2,3,\nentry /s.sh\nentry /sh\nstatus=127\n"
	if out != want {
		t.Errorf("stdout = %q, want %q (stderr: %s)", out, want, errOut)
	}
}

// TestAppletsInEmptyRoot runs the inspection applets of the other families (ls, ps, cat,
// head) in the empty root with only a procfs mounted: none of them may need a file of the
// root. It depends on those applets being registered.
func TestAppletsInEmptyRoot(t *testing.T) {
	requireRoot(t)
	root := emptyRoot(t)
	proc := filepath.Join(root, "proc")
	if err := os.Mkdir(proc, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("proc", proc, "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		t.Fatalf("mounting proc: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(proc, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", proc, err)
		}
	})
	out, errOut, pid, err := runChrooted(t, root, `ls /; echo ---; ps; echo ---; cat /proc/self/status | head -n 3`)
	if err != nil {
		t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	parts := strings.Split(out, "---\n")
	if len(parts) != 3 {
		t.Fatalf("output %q", out)
	}
	if got := strings.Fields(parts[0]); strings.Join(got, " ") != "proc sh" {
		t.Errorf("ls / = %q, want proc and sh", parts[0])
	}
	// ps shows the shell itself, and no child: the applets run inside its process.
	var shLines int
	for _, l := range strings.Split(parts[1], "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && f[0] == strconv.Itoa(pid) && f[len(f)-1] == "sh" {
			shLines++
		}
	}
	if shLines != 1 || !strings.Contains(parts[1], "PID") {
		t.Errorf("ps output lacks a header or the shell (pid %d):\n%s", pid, parts[1])
	}
	lines := strings.Split(strings.TrimSpace(parts[2]), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "Name:\t") {
		t.Errorf("cat /proc/self/status | head -n 3 = %q", parts[2])
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
}
