package nsenter

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// outputGrace is how long output is still copied after the session exited, for data that
// was in flight when it did.
const outputGrace = 2 * time.Second

// terminateGrace is how long a session asked to end may take before it is killed.
const terminateGrace = 3 * time.Second

// stdio holds the session's standard streams. The child never gets one of the caller's
// descriptors: with a TTY it gets a new pty's slave, else pipes; the caller's streams are
// copied to and from them here.
type stdio struct {
	opts                        Options
	master                      *os.File // pty master (TTY)
	childIn, childOut, childErr *os.File
	toChild                     *os.File // write end of the child's stdin pipe
	fromOut, fromErr            *os.File // read ends of the child's output pipes
}

func newStdio(opts Options) (*stdio, error) {
	s := &stdio{opts: opts}
	if opts.TTY {
		m, slave, err := openPTY()
		if err != nil {
			return nil, err
		}
		s.master, s.childIn, s.childOut, s.childErr = m, slave, slave, slave
		if opts.Terminal != nil {
			if ws, err := unix.IoctlGetWinsize(int(opts.Terminal.Fd()), unix.TIOCGWINSZ); err == nil {
				unix.IoctlSetWinsize(int(m.Fd()), unix.TIOCSWINSZ, ws)
			}
		}
		return s, nil
	}
	var err error
	if s.childIn, s.toChild, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("creating stdin pipe: %w", err)
	}
	if s.fromOut, s.childOut, err = os.Pipe(); err != nil {
		s.close()
		return nil, fmt.Errorf("creating stdout pipe: %w", err)
	}
	if s.fromErr, s.childErr, err = os.Pipe(); err != nil {
		s.close()
		return nil, fmt.Errorf("creating stderr pipe: %w", err)
	}
	return s, nil
}

// openPTY opens a new pty pair on the host's devpts; the slave is opened through the master
// (TIOCGPTPEER), never by a path a container could have swapped.
func openPTY() (master, slave *os.File, err error) {
	m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("opening /dev/ptmx: %w", err)
	}
	if err := unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(m)
		return nil, nil, fmt.Errorf("unlocking pty: %w", err)
	}
	r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(m), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		unix.Close(m)
		return nil, nil, fmt.Errorf("opening pty peer: %w", errno)
	}
	return os.NewFile(uintptr(m), "/dev/ptmx"), os.NewFile(r, "pty-slave"), nil
}

// closeChildEnds closes this process's copies of the child's ends once it started.
func (s *stdio) closeChildEnds() {
	for _, f := range []*os.File{s.childIn, s.childOut, s.childErr} {
		if f != nil {
			f.Close()
		}
	}
}

func (s *stdio) close() {
	s.closeChildEnds()
	for _, f := range []*os.File{s.master, s.toChild, s.fromOut, s.fromErr} {
		if f != nil {
			f.Close()
		}
	}
}

// proxy copies the streams, forwards signals and window size changes, and returns the
// session's exit status once it ended. A cancelled ctx or a hang-up kills the session and
// everything it started.
func (s *stdio) proxy(ctx context.Context, session sessionProc, done <-chan waitResult) (int, error) {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGWINCH)
	defer signal.Stop(sigs)

	var outputs sync.WaitGroup
	copyOut := func(dst io.Writer, src *os.File) {
		outputs.Add(1)
		go func() {
			defer outputs.Done()
			if dst == nil {
				dst = io.Discard
			}
			io.Copy(dst, src) // ends with EOF, or EIO on a pty master once the slave is gone
		}()
	}
	if s.opts.TTY {
		if t := s.opts.Terminal; t != nil {
			if restore, err := makeRaw(int(t.Fd())); err == nil {
				defer restore()
			}
		}
		copyOut(s.opts.Stdout, s.master)
		if s.opts.Stdin != nil {
			go io.Copy(s.master, s.opts.Stdin)
		}
	} else {
		copyOut(s.opts.Stdout, s.fromOut)
		copyOut(s.opts.Stderr, s.fromErr)
		go func() {
			if s.opts.Stdin != nil {
				io.Copy(s.toChild, s.opts.Stdin)
			}
			s.toChild.Close()
		}()
	}

	finish := func(r waitResult, killed bool) (int, error) {
		drained := make(chan struct{})
		go func() { outputs.Wait(); close(drained) }()
		select {
		case <-drained:
		case <-time.After(outputGrace):
		}
		if s.opts.Notice != nil {
			switch {
			case killed:
				s.opts.Notice(fmt.Sprintf("the session did not end within %v of the hang-up: killed it and everything it started", terminateGrace))
			case r.signal == fmt.Sprintf("signal %d", int(syscall.SIGKILL)):
				s.opts.Notice("the session was killed by SIGKILL, not by ddebug" + killHint(syscall.SIGKILL))
			default:
				if msg := signalNotice(r.signal); msg != "" {
					s.opts.Notice(msg)
				}
			}
		}
		if r.err != nil {
			return r.status, fmt.Errorf("waiting for the session: %w", r.err)
		}
		return r.status, nil
	}
	for {
		select {
		case r := <-done:
			return finish(r, false)
		case <-ctx.Done():
			return finish(terminate(session, done))
		case sig := <-sigs:
			switch sig {
			case syscall.SIGWINCH:
				if s.opts.TTY && s.opts.Terminal != nil {
					if ws, err := unix.IoctlGetWinsize(int(s.opts.Terminal.Fd()), unix.TIOCGWINSZ); err == nil {
						unix.IoctlSetWinsize(int(s.master.Fd()), unix.TIOCSWINSZ, ws)
					}
				}
			case syscall.SIGHUP:
				// The user's terminal is gone: nothing of the session may stay behind.
				return finish(terminate(session, done))
			default:
				session.signal(sig.(syscall.Signal))
			}
		}
	}
}

// signalNotice is the line said when the session died of the signal its launcher reported
// ("signal N"): as a shell says "Terminated" or "Segmentation fault", for every signal but
// SIGINT (the user's own Ctrl-C) and SIGPIPE (a reader that went away), which a shell
// leaves unsaid too.
func signalNotice(line string) string {
	var n int
	if _, err := fmt.Sscanf(line, "signal %d", &n); err != nil || n <= 0 {
		return ""
	}
	sig := syscall.Signal(n)
	if sig == syscall.SIGINT || sig == syscall.SIGPIPE {
		return ""
	}
	return fmt.Sprintf("the session was killed by signal %d (%v)", n, sig)
}

// terminate asks the session to end with a hang-up (it kills and reaps what it started,
// so no zombie is left to a container init that never reaps), and kills the whole tree if
// it does not within terminateGrace (killed says so).
func terminate(session sessionProc, done <-chan waitResult) (r waitResult, killed bool) {
	session.signal(syscall.SIGHUP)
	select {
	case r := <-done:
		return r, false
	case <-time.After(terminateGrace):
	}
	if session.pid > 0 {
		killTree(session.pid)
	}
	return <-done, true
}

// killTree stops the session and all its descendants (so none can fork or be reparented
// away while the tree is walked), then kills them.
func killTree(pid int) {
	stopped := map[int]bool{}
	for round := 0; round < 4; round++ {
		fresh := false
		for _, p := range append([]int{pid}, descendants(pid)...) {
			if !stopped[p] {
				syscall.Kill(p, syscall.SIGSTOP)
				stopped[p], fresh = true, true
			}
		}
		if !fresh {
			break
		}
	}
	for p := range stopped {
		syscall.Kill(p, syscall.SIGKILL)
	}
}

// descendants lists every process below pid, from /proc/<pid>/task/*/children.
func descendants(pid int) []int {
	var out []int
	queue := []int{pid}
	seen := map[int]bool{pid: true}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children(p) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}

// children lists the children of every thread of pid.
func children(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// makeRaw puts the terminal fd in raw mode (cfmakeraw) and returns the restore function.
func makeRaw(fd int) (func(), error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}
