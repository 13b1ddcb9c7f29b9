package nsenter

import (
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// sessionConfigFD is the descriptor Run passes the SessionConfig on.
const sessionConfigFD = 3

// BeginSession is the first thing a session process does (the toolbox calls it when
// IsSession(os.Args)): it makes the process non-dumpable (the kernel already started it so;
// this keeps it so), names it, makes it the reaper of everything it starts, reads its
// configuration, removes what was added to its environment for its start (StartEnv), and
// changes into the target's working directory.
func BeginSession() (SessionConfig, error) {
	var cfg SessionConfig
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return cfg, fmt.Errorf("making the session non-dumpable: %w", err)
	}
	// Die with the host-side parent (the thread of Run that started us); if it is already
	// gone, getppid has changed and the session must not run unattended.
	ppid := unix.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return cfg, fmt.Errorf("setting parent-death signal: %w", err)
	}
	if unix.Getppid() != ppid {
		return cfg, fmt.Errorf("ddebug exited before the session started")
	}
	// ps in the container shows this name rather than the memfd's descriptor number.
	os.WriteFile("/proc/self/comm", []byte("ddebug-session"), 0)
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return cfg, fmt.Errorf("becoming child subreaper: %w", err)
	}
	f := os.NewFile(sessionConfigFD, "ddebug-session-config")
	if f == nil {
		return cfg, fmt.Errorf("no session configuration on fd %d", sessionConfigFD)
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	f.Close()
	if err != nil {
		return cfg, fmt.Errorf("reading session configuration: %w", err)
	}
	if err := cfg.unmarshal(b); err != nil {
		return cfg, fmt.Errorf("decoding session configuration: %w", err)
	}
	for _, k := range cfg.StartEnv {
		os.Unsetenv(k)
	}
	if cfg.Dir == "" || os.Chdir(cfg.Dir) != nil {
		os.Chdir("/")
	}
	return cfg, nil
}

// EndSession kills every process the session started that is still running (background
// jobs, orphans it adopted as subreaper) and reaps them, so nothing of the debugger stays
// in the target, not even a zombie left to a container init that never reaps.
func EndSession() {
	// The session is its descendants' subreaper: the top of every chain of them still
	// running is its child. With no child, living or dead, there is nothing to look for in
	// /proc, whose entries (one per thread listed) the kernel would have to invalidate
	// when the session is reaped: measured, a millisecond of the launcher's wait.
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); err == syscall.ECHILD {
		return
	}
	self := os.Getpid()
	for round := 0; round < 4; round++ {
		ds := descendants(self)
		if len(ds) == 0 {
			break
		}
		for _, p := range ds {
			syscall.Kill(p, syscall.SIGKILL)
		}
		reapChildren(500 * time.Millisecond)
	}
	reapChildren(0)
}

// reapChildren waits for children (killed ones, and orphans reparented to the session)
// until none is left or wait is over; with wait 0 it only collects those already dead.
func reapChildren(wait time.Duration) {
	deadline := time.Now().Add(wait)
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err != nil { // ECHILD: nothing left
			return
		}
		if pid == 0 {
			if time.Now().After(deadline) {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
