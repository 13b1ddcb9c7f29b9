//go:build linux

package files

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// fullScreenApp is a full-screen applet running on a pty of its own (10x40).
type fullScreenApp struct {
	t      *testing.T
	ptm    *os.File
	out    *toolstest.SyncBuffer
	exited chan struct{}
	cmd    *exec.Cmd
}

func startFullScreen(t *testing.T, args ...string) *fullScreenApp {
	t.Helper()
	cmd := toolstest.Command(t, args...)
	cmd.Env = append(cmd.Env, "TERM=xterm")
	ptm, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 10, Cols: 40})
	if err != nil {
		t.Fatalf("no pty: %v", err)
	}
	a := &fullScreenApp{t: t, ptm: ptm, out: screen(t, ptm), exited: make(chan struct{}), cmd: cmd}
	go func() { cmd.Wait(); close(a.exited) }()
	t.Cleanup(func() {
		select {
		case <-a.exited:
		default:
			cmd.Process.Kill()
			<-a.exited
		}
		ptm.Close()
	})
	return a
}

// frame is the last full screen drawn.
func (a *fullScreenApp) frame() string {
	s := a.out.String()
	if i := strings.LastIndex(s, "\x1b[?25l\x1b[H"); i >= 0 {
		s = s[i:]
	}
	return strings.NewReplacer("\x1b[?25l\x1b[H", "", "\x1b[K", "", "\x1b[7m", "", "\x1b[0m", "").Replace(s)
}

// send types keys, then waits until the last frame holds want.
func (a *fullScreenApp) send(keys, want string) {
	a.t.Helper()
	a.ptm.Write([]byte(keys))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(a.frame(), want) {
		if time.Now().After(deadline) {
			a.t.Fatalf("after %q: %q never shown; last frame:\n%q", keys, want, a.frame())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// status waits for the applet to exit and returns its exit status.
func (a *fullScreenApp) status() int {
	a.t.Helper()
	select {
	case <-a.exited:
		return a.cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		a.t.Fatalf("still running; last frame:\n%q", a.frame())
		return -1
	}
}

func TestLessPty(t *testing.T) {
	file := numberedLines(t, 200)
	a := startFullScreen(t, "less", file)
	a.send("", "line 9\r\n")
	if f := a.frame(); !strings.HasPrefix(f, "line 1\r\n") || strings.Contains(f, "line 10\r\n") {
		t.Errorf("first page of a 10-row terminal is not lines 1-9:\n%q", f)
	}
	a.send("G", "(END)")
	if f := a.frame(); !strings.HasPrefix(f, "line 192\r\n") || !strings.Contains(f, "line 200\r\n") {
		t.Errorf("G: %q, want lines 192-200", f)
	}
	a.send("g", "line 1\r\n")
	a.send("/line 15\r", "line 15\r\nline 16")
	a.send("n", "line 150\r\nline 151")
	a.send("N", "line 15\r\nline 16")
	a.send("3j", "line 18\r\nline 19")
	a.send("k", "line 17\r\nline 18")
	a.send(" ", "line 26\r\nline 27")
	a.send("b", "line 17\r\nline 18")
	a.send("50g", "line 50\r\nline 51")
	a.send("/nomatch\r", "Pattern not found")
	a.ptm.Write([]byte("q"))
	if st := a.status(); st != 0 {
		t.Errorf("less after q = %d, want 0", st)
	}

	a = startFullScreen(t, "less", "-N", file)
	a.send("", "      9 line 9\r\n")
	a.ptm.Write([]byte(":q\r"))
	if st := a.status(); st != 0 {
		t.Errorf("less -N after :q = %d, want 0", st)
	}
}

// TestLessNotTerminal: less whose output is not a terminal copies its input, as cat.
func TestLessNotTerminal(t *testing.T) {
	file := numberedLines(t, 30)
	out, _, code := toolstest.Status(t, toolstest.Command(t, "less", "-N", file))
	want, _ := os.ReadFile(file)
	if code != 0 || out != string(want) {
		t.Errorf("less FILE | ... = %d %q, want the file", code, out)
	}
}

// TestLessNoInput: less with neither a file nor piped input says so, as GNU less.
func TestLessNoInput(t *testing.T) {
	a := startFullScreen(t, "less")
	waitScreen(t, a.out, "less: missing filename")
	if st := a.status(); st != 1 {
		t.Errorf("less on a terminal alone = %d, want 1", st)
	}
}
