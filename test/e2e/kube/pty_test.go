//go:build e2e

package kube_test

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// lockedBuffer collects a pty's output for expect-style checks.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// expect waits until the output after offset from contains want, and returns the offset
// just past it.
func expect(t *testing.T, out *lockedBuffer, from int, want string, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := out.String()
		if i := strings.Index(s[from:], want); i >= 0 {
			return from + i + len(want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the session's output after %v:\n%s", want, timeout, s[from:])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An interactive session through a real pty: banner, prompt, ps, ls /, the terminal's size
// and its changes, Ctrl-C, and exit 3 gives 3.
func TestInteractivePTY(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-pty", nil)
	e.pod(t, ns, "web", rootSpec)

	cmd := exec.Command(e.plugin, "--kubeconfig", e.c.Kubeconfig, "--image", e.image, "-n", ns, "pod/web")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := &lockedBuffer{}
	go io.Copy(out, f)

	at := expect(t, out, 0, "ddebug: in web/app, pid", 60*time.Second)
	at = expect(t, out, at, "its files are at /", 5*time.Second)
	at = expect(t, out, at, "# ", 10*time.Second)
	f.Write([]byte("ps -o pid,user,args\r"))
	at = expect(t, out, at, "/app -listen :8080", 10*time.Second)
	at = expect(t, out, at, "# ", 10*time.Second)
	f.Write([]byte("ls /\r"))
	at = expect(t, out, at, "etc", 10*time.Second)
	at = expect(t, out, at, "# ", 10*time.Second)
	// The remote terminal has the local one's size, and follows it when it changes.
	f.Write([]byte("stty size\r"))
	at = expect(t, out, at, "40 120", 10*time.Second)
	at = expect(t, out, at, "# ", 10*time.Second)
	if err := pty.Setsize(f, &pty.Winsize{Rows: 30, Cols: 90}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	f.Write([]byte("stty size\r"))
	at = expect(t, out, at, "30 90", 10*time.Second)
	at = expect(t, out, at, "# ", 10*time.Second)
	// Ctrl-C reaches the remote command through the raw terminal, not the local plugin.
	f.Write([]byte("sleep 30\r"))
	time.Sleep(500 * time.Millisecond)
	interrupted := time.Now()
	f.Write([]byte{3})
	at = expect(t, out, at, "# ", 5*time.Second)
	t.Logf("Ctrl-C ended sleep 30 after %v", time.Since(interrupted).Round(time.Millisecond))
	f.Write([]byte("exit 3\r"))

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the session did not end after exit 3:\n%s", out.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit after 'exit 3' = %v, want status 3\n%s", err, out.String())
	}
	t.Logf("session transcript:\n%s", out.String())
}
