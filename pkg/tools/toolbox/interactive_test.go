package toolbox_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyShell is the toolbox shell running on a pseudo-terminal, as a user sees it.
type ptyShell struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
	err  error
}

// startPTYShell starts the toolbox as sh (argv[0]) on a new pty, in /, with env.
func startPTYShell(t *testing.T, env ...string) *ptyShell {
	t.Helper()
	cmd := exec.Command(toolboxBinary(t))
	cmd.Args = []string{"sh"}
	cmd.Dir = "/"
	cmd.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "TERM=dumb"}, env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200}) // setsid + controlling tty
	if err != nil {
		t.Fatal(err)
	}
	p := &ptyShell{t: t, cmd: cmd, tty: tty, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				break
			}
		}
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
		tty.Close()
	})
	return p
}

func (p *ptyShell) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *ptyShell) send(s string) {
	p.t.Helper()
	if _, err := p.tty.Write([]byte(s)); err != nil {
		p.t.Fatalf("writing %q: %v", s, err)
	}
}

// waitCount waits until the output holds s at least n times and returns how long it took.
func (p *ptyShell) waitCount(s string, n int, timeout time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	for time.Since(start) < timeout {
		if strings.Count(p.output(), s) >= n {
			return time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.t.Fatalf("after %v: %q not seen %d times in output:\n%q", timeout, s, n, p.output())
	return 0
}

// mark is the current length of the output, for waitAfter.
func (p *ptyShell) mark() int { return len(p.output()) }

// waitAfter waits until s appears in the output written after mark and returns how long
// it took.
func (p *ptyShell) waitAfter(mark int, s string, timeout time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	for time.Since(start) < timeout {
		if strings.Contains(p.output()[mark:], s) {
			return time.Since(start)
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.t.Fatalf("after %v: %q not seen in output after Ctrl-C:\n%q", timeout, s, p.output()[mark:])
	return 0
}

// exitStatus waits for the shell to end and returns its exit status.
func (p *ptyShell) exitStatus(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.t.Fatalf("shell still running after %v; output:\n%q", timeout, p.output())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		p.t.Fatal(p.err)
	}
	return 0
}

// childOf waits for a process whose parent is ppid and whose command is comm, other than
// the pids in not.
func childOf(t *testing.T, ppid int, comm string, not ...int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...
			s := string(b)
			open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
			if open < 0 || close < 0 || s[open+1:close] != comm {
				continue
			}
			var pp int
			var state string
			if _, err := fmtSscan(s[close+2:], &state, &pp); err == nil && pp == ppid {
				var pid int
				fmtSscan(e.Name(), &pid)
				if !slices.Contains(not, pid) {
					return pid
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s child of %d", comm, ppid)
	return 0
}

const prompt = "ddebug:app / # "

func TestInteractiveShell(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the prompt ends in '#' for root; run as root")
	}
	p := startPTYShell(t, "DDEBUG_TARGET=app")
	p.waitCount(prompt, 1, 10*time.Second)

	p.send("echo hi\r")
	p.waitCount("\r\nhi\r\n", 1, 5*time.Second)
	p.waitCount(prompt, 2, 5*time.Second)

	// History: the Up arrow brings back the last line.
	p.send("echo history-$((40+2))\r")
	p.waitCount("history-42\r\n", 1, 5*time.Second)
	p.send("\x1b[A\r")
	p.waitCount("history-42\r\n", 2, 5*time.Second)

	// A background job is in its own process group: Ctrl-C below must not reach it.
	p.send("/bin/sleep 100 &\r")
	bgSleeper := childOf(t, p.cmd.Process.Pid, "sleep")
	p.waitCount(fmt.Sprintf("[1] %d\r\n", bgSleeper), 1, 5*time.Second)

	// Ctrl-C on an external program in the foreground: SIGINT comes from the terminal
	// (the shell does not forward it on a tty), the program dies of it, and $? says so.
	p.send("/bin/sleep 10\r")
	sleeper := childOf(t, p.cmd.Process.Pid, "sleep", bgSleeper)
	m := p.mark()
	p.send("\x03")
	took := p.waitAfter(m, prompt, 2*time.Second)
	t.Logf("external /bin/sleep: prompt back %v after Ctrl-C", took)
	if err := syscall.Kill(sleeper, 0); err == nil {
		t.Errorf("sleep (pid %d) still exists after Ctrl-C", sleeper)
	}
	p.send("echo status=$?\r")
	p.waitCount("status=130\r\n", 1, 5*time.Second)

	// Ctrl-C on in-process applets: their context is cancelled.
	for _, cmd := range []string{"yes > /dev/null", "sleep 10"} {
		p.send(cmd + "\r")
		p.waitCount(cmd+"\r\n", 1, 5*time.Second)
		time.Sleep(300 * time.Millisecond)
		m := p.mark()
		p.send("\x03")
		took := p.waitAfter(m, prompt, 2*time.Second)
		t.Logf("applet %s: prompt back %v after Ctrl-C", cmd, took)
	}

	p.send("jobs -l\r")
	p.waitCount(fmt.Sprintf("[1] %d Running  /bin/sleep 100 &\r\n", bgSleeper), 1, 5*time.Second)

	// An applet reading the terminal (cat typed by mistake) stops on Ctrl-C too.
	p.send("cat\r")
	p.waitCount("cat\r\n", 1, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	m = p.mark()
	p.send("\x03")
	t.Logf("applet cat reading the terminal: prompt back %v after Ctrl-C", p.waitAfter(m, prompt, 2*time.Second))

	// Ctrl-Z cannot stop the session: the shell has no job control and resumes the program.
	p.send("/bin/sleep 1; echo slept\r")
	childOf(t, p.cmd.Process.Pid, "sleep", bgSleeper)
	p.send("\x1a")
	p.waitCount("slept\r\n", 1, 5*time.Second)

	// Tab completes applet names.
	p.send("ech\ttab-completed\r")
	p.waitCount("\r\ntab-completed\r\n", 1, 5*time.Second)

	// Ctrl-C at the prompt drops the line; the shell lives on.
	p.send("echo never")
	p.waitCount("echo never", 1, 5*time.Second)
	m = p.mark()
	p.send("\x03")
	p.waitAfter(m, prompt, 2*time.Second)
	p.send("echo alive\r")
	p.waitCount("\r\nalive\r\n", 1, 5*time.Second)
	if strings.Contains(p.output(), "\r\nnever") {
		t.Errorf("the line dropped by Ctrl-C ran")
	}

	// Ctrl-D on an empty line exits 0 (whatever $? was), and ends the shell's jobs.
	defer func() {
		// Killed, it may linger a moment as a zombie until its new parent reaps it.
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", bgSleeper))
			if err != nil || strings.Contains(string(b), ") Z ") {
				return
			}
		}
		t.Errorf("background job (pid %d) still runs after the shell exited", bgSleeper)
		syscall.Kill(bgSleeper, syscall.SIGKILL)
	}()
	p.send("false\r")
	p.waitCount("false\r\n", 1, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	p.send("\x04")
	if st := p.exitStatus(5 * time.Second); st != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", st)
	}
}

func TestInteractiveExitStatus(t *testing.T) {
	p := startPTYShell(t, "DDEBUG_TARGET=app", "PS1=custom> ")
	p.waitCount("custom> ", 1, 10*time.Second)
	p.send("exit 3\r")
	if st := p.exitStatus(5 * time.Second); st != 3 {
		t.Errorf("exit status = %d, want 3", st)
	}
}

func TestPromptWithoutTarget(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the prompt ends in '#' for root; run as root")
	}
	p := startPTYShell(t)
	p.waitCount("ddebug / # ", 1, 10*time.Second)
	p.send("cd /proc\r")
	p.waitCount("ddebug /proc # ", 1, 5*time.Second)
	p.send("\x04")
	p.exitStatus(5 * time.Second)
}
