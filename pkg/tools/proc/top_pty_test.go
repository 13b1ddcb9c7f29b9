//go:build linux

package proc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
	"golang.org/x/term"
)

// TestTopInteractive runs top on a pseudo-terminal: it must draw frames, re-sort on M,
// quit on q and leave the terminal as it found it.
func TestTopInteractive(t *testing.T) {
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { ptm.Close(); tty.Close() })
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 30, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	var screen toolstest.SyncBuffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	a, _ := tools.Lookup("top")
	done := make(chan int, 1)
	go func() {
		done <- a.Run(context.Background(), &tools.Env{Stdin: tty, Stdout: tty, Stderr: tty}, []string{"top", "-d", "0.2"})
	}()
	waitFor := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for strings.Count(screen.String(), what) < n {
			if time.Now().After(deadline) {
				t.Fatalf("top never drew %q %d times; screen:\n%s", what, n, screen.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("PID USER", 2) // two frames: it refreshes
	if !strings.Contains(screen.String(), "\x1b[2J") {
		t.Error("top does not clear the screen between frames")
	}
	ptm.Write([]byte("M"))
	ptm.Write([]byte("q"))
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("top exited %d after q", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("top did not quit on q")
	}
	after, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if *after != *before {
		t.Error("top left the terminal in raw mode")
	}
}
