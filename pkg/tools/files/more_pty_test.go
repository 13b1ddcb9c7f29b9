//go:build linux

package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// numberedLines is a file of n lines "line 1" ... "line n".
func numberedLines(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	p := filepath.Join(t.TempDir(), "long")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// screen collects what is written on the master side of a pty.
func screen(t *testing.T, ptm *os.File) *toolstest.SyncBuffer {
	out := &toolstest.SyncBuffer{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return out
}

func waitScreen(t *testing.T, out *toolstest.SyncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never shown; screen:\n%q", s, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMoreCtrlC runs more as the toolbox does, on a terminal of its own: Ctrl-C at the
// --More-- prompt must end it at once with status 130, not at the next Enter. The page
// is as high as the terminal, whatever $LINES says.
func TestMoreCtrlC(t *testing.T) {
	cmd := toolstest.Command(t, "more", numberedLines(t, 200))
	cmd.Env = append(cmd.Env, "TERM=xterm", "LINES=50")
	ptm, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 10, Cols: 80}) // setsid + controlling tty
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	})
	out := screen(t, ptm)
	waitScreen(t, out, "--More--")
	if got := out.String(); !strings.Contains(got, "line 9\r\n") || strings.Contains(got, "line 10") {
		t.Errorf("first page of a 10-row terminal is not lines 1-9:\n%q", got)
	}
	start := time.Now()
	ptm.Write([]byte{3}) // Ctrl-C: the terminal sends SIGINT to more
	select {
	case <-exited:
		var ee *exec.ExitError
		if !errors.As(waitErr, &ee) || ee.ExitCode() != 130 {
			t.Errorf("more after Ctrl-C: %v, want exit status 130", waitErr)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("more took %v to stop after Ctrl-C", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("more still waits for Enter after Ctrl-C; screen:\n%q", out.String())
	}
}

// TestMorePrompt checks the --More-- prompt: in reverse video on a terminal that has it,
// plain on a dumb one (or when TERM is unset), and q quits with status 0.
func TestMorePrompt(t *testing.T) {
	file := numberedLines(t, 30)
	for _, tc := range []struct {
		environ []string
		reverse bool
	}{
		{[]string{"TERM=dumb"}, false},
		{nil, false},
		{[]string{"TERM=xterm-256color"}, true},
	} {
		t.Run(fmt.Sprint(tc.environ), func(t *testing.T) {
			ptm, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pty: %v", err)
			}
			t.Cleanup(func() { ptm.Close(); tty.Close() })
			if err := pty.Setsize(tty, &pty.Winsize{Rows: 8, Cols: 80}); err != nil {
				t.Fatal(err)
			}
			out := screen(t, ptm)
			a, _ := tools.Lookup("more")
			done := make(chan int, 1)
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			go func() {
				done <- a.Run(ctx, &tools.Env{Stdin: tty, Stdout: tty, Stderr: tty, Dir: "/", Environ: tc.environ}, []string{"more", file})
			}()
			waitScreen(t, out, "--More--")
			got := out.String()
			if strings.Contains(got, "\x1b") != tc.reverse {
				t.Errorf("prompt %q: escape sequences %v, want %v", got[strings.LastIndex(got, "\n")+1:], !tc.reverse, tc.reverse)
			}
			if !strings.HasSuffix(got, "line 7\r\n"+map[bool]string{true: "\x1b[7m--More--\x1b[0m ", false: "--More-- "}[tc.reverse]) {
				t.Errorf("page of an 8-row terminal does not end with line 7 and the prompt:\n%q", got)
			}
			ptm.Write([]byte("q\n"))
			select {
			case st := <-done:
				if st != 0 {
					t.Errorf("more after q = %d, want 0", st)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("more did not quit on q")
			}
		})
	}
}

// TestMoreCancelled checks the cancelled context alone (the shell's Ctrl-C): more returns
// 130 while it waits at the prompt.
func TestMoreCancelled(t *testing.T) {
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { ptm.Close(); tty.Close() })
	pty.Setsize(tty, &pty.Winsize{Rows: 8, Cols: 80})
	out := screen(t, ptm)
	a, _ := tools.Lookup("more")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- a.Run(ctx, &tools.Env{Stdin: tty, Stdout: tty, Stderr: tty, Dir: "/"}, []string{"more", numberedLines(t, 30)})
	}()
	waitScreen(t, out, "--More--")
	cancel()
	select {
	case st := <-done:
		if st != 130 {
			t.Errorf("more after cancel = %d, want 130", st)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("more ignores a cancelled context at the prompt")
	}
}
