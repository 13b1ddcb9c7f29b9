//go:build e2e

package e2e

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// console is an interactive ddebug under a pty, as a user's terminal would run it.
type console struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startConsole(t *testing.T, args ...string) *console {
	t.Helper()
	cmd := exec.Command(ddebugBin, args...)
	cmd.Env = append(os.Environ(), "TERM=xterm")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	c := &console{t: t, cmd: cmd, ptmx: ptmx, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			c.mu.Lock()
			c.out.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				close(c.done)
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		ptmx.Close()
	})
	return c
}

// expect waits until the output since the last expect contains s.
func (c *console) expect(s string) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		got := c.out.String()
		if i := strings.Index(got, s); i >= 0 {
			c.out.Next(i + len(s))
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t.Fatalf("no %q on the terminal within 15s; it shows:\n%q", s, c.out.String())
}

func (c *console) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.ptmx, s); err != nil {
		c.t.Fatal(err)
	}
}

func (c *console) wait() int {
	c.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- c.cmd.Wait() }()
	select {
	case <-errc:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(15 * time.Second):
		c.t.Fatal("ddebug did not exit within 15s")
		return -1
	}
}

func TestExecInteractive(t *testing.T) {
	c := startConsole(t, "exec", ctrScratch)
	c.expect("ddebug: in docker://" + ctrScratch)
	c.expect("ddebug:" + ctrScratch + " / #")
	c.send("hostname\r")
	c.expect("scratchhost")
	c.send("ps -o comm= -p 1\r")
	c.expect("app")
	// Ctrl-C stops the foreground command, not the session.
	c.send("sleep 30\r")
	time.Sleep(300 * time.Millisecond)
	c.send("\x03")
	c.expect("ddebug:" + ctrScratch + " / #")
	c.send("exit 3\r")
	if status := c.wait(); status != 3 {
		t.Errorf("exit status %d, want 3", status)
	}
	waitNoSessions(t, ctrScratch)
}

// TestExecHangup: when the user's terminal goes away, the session and everything it
// started are gone too.
func TestExecHangup(t *testing.T) {
	c := startConsole(t, "exec", ctrScratch)
	c.expect("ddebug:" + ctrScratch + " / #")
	c.send("/app -worker &\r")
	c.send("echo started\r")
	c.expect("started")
	// The kernel hangs the terminal up with SIGHUP to its session leader when the last
	// master descriptor closes; the test's own master may still be held by its reader, so
	// deliver that signal as the kernel would.
	c.ptmx.Close()
	c.cmd.Process.Signal(syscall.SIGHUP)
	c.wait()
	waitNoSessions(t, ctrScratch)
}

// TestExecVi edits a new file of the container with the toolbox's vi, in the session's
// shell on the user's terminal, and reads it back.
func TestExecVi(t *testing.T) {
	c := startConsole(t, "exec", ctrScratch)
	c.expect("ddebug:" + ctrScratch + " / #")
	c.send("vi /vi-e2e.txt\r")
	c.expect("[New File]")
	c.send("ihello from vi")
	c.expect("-- INSERT --")
	time.Sleep(200 * time.Millisecond)
	c.send("\x1b") // alone: Escape, not the start of a sequence
	time.Sleep(200 * time.Millisecond)
	c.send("yyp:wq\r")
	c.expect("ddebug:" + ctrScratch + " / #")
	c.send("cat /vi-e2e.txt; rm /vi-e2e.txt\r")
	c.expect("hello from vi\r\nhello from vi\r\n")
	c.send("exit\r")
	if status := c.wait(); status != 0 {
		t.Errorf("exit status %d, want 0", status)
	}
}
