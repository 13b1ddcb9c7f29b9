package nsenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// capabilities the caller needs: setns into mnt needs SYS_ADMIN and SYS_CHROOT, reading
// another user's /proc/<pid>/environ and ns files needs SYS_PTRACE.
var requiredCaps = []struct {
	bit  uint
	name string
}{
	{unix.CAP_SYS_ADMIN, "CAP_SYS_ADMIN"},
	{unix.CAP_SYS_PTRACE, "CAP_SYS_PTRACE"},
	{unix.CAP_SYS_CHROOT, "CAP_SYS_CHROOT"},
	{unix.CAP_SETPCAP, "CAP_SETPCAP"},
}

// Run starts a session in the namespaces of opts.PID, proxies its input and output, and
// returns its exit status (128+N when it died of signal N). ctx cancelled ends the session
// and every process it started.
//
// The session is not started from this process: ddebug holds the caller's environment and
// more, and a child Go starts shares its memory until it execs. A launcher does it (see
// Launch), exec'd from a sealed memfd in the host's PID namespace with nothing of ours.
func Run(ctx context.Context, opts Options) (int, error) {
	if err := checkPrivileges(); err != nil {
		return 0, err
	}
	if err := closeInheritedOnExec(); err != nil {
		return 0, err
	}
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("making ddebug non-dumpable: %w", err)
	}
	pidfd, err := pinTarget(opts.PID, opts.StartTime)
	if err != nil {
		return 0, err
	}
	pidf := os.NewFile(uintptr(pidfd), "pidfd")
	defer pidf.Close()

	t, err := inspectTarget(opts.PID)
	if err != nil {
		return 0, err
	}
	cred, err := credentialsFor(opts.Identity, opts.PID, t.status, t.userNS)
	if opts.Note != nil {
		for _, n := range cred.notes {
			opts.Note(n)
		}
	}
	if err != nil {
		return 0, err
	}
	pre := opts.Preloaded
	if pre == nil {
		var po []PreloadOption
		if opts.Store != "" {
			po = append(po, WithStore(opts.Store))
		}
		pre = Preload(opts.Session, opts.Launcher, po...)
	}
	defer pre.Close()
	exe, launcher, err := pre.files()
	if err != nil {
		return 0, err
	}

	env, startEnv := withStartEnv(sessionEnv(t.environ, opts))
	cfgR, err := configPipe(SessionConfig{Target: opts.Name, Command: opts.Command, TTY: opts.TTY, Dir: t.cwd, StartEnv: startEnv})
	if err != nil {
		return 0, err
	}
	defer cfgR.Close()
	lc := cred.launchConfig(opts.PID, opts.TTY)
	lc.Argv = []string{SessionArg0, opts.Name}
	lc.Env = env
	lc.PauseMS = int(opts.PauseBeforeExec / time.Millisecond)
	launchR, err := launchPipe(lc)
	if err != nil {
		return 0, err
	}
	defer launchR.Close()
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return 0, fmt.Errorf("creating the launcher's status pipe: %w", err)
	}
	defer statusR.Close()
	defer statusW.Close()

	st, err := newStdio(opts)
	if err != nil {
		return 0, err
	}
	defer st.close()

	// The launcher is exec'd through its own descriptor 8 in the child: the standard
	// library moves its error pipe to the first number above the passed descriptors,
	// which may be where the sealed program was in this process.
	files := []*os.File{st.childIn, st.childOut, st.childErr, cfgR, launchR, pidf, exe, statusW, launcher} // 0..8, see Launch
	started := make(chan startResult, 1)
	done := make(chan waitResult, 1)
	go launch(files, opts.PID, statusR, statusW, started, done)
	r := <-started
	if r.err != nil {
		return 0, r.err
	}
	st.closeChildEnds()
	cfgR.Close()
	launchR.Close()
	if opts.Started != nil {
		opts.Started()
	}
	defer r.session.close()
	return st.proxy(ctx, r.session, done)
}

// launcherEnv is the launcher's whole environment: one OS thread for Go code and no
// collector, for a process that lives a few milliseconds with a small heap. Fewer threads
// make its fork cheaper (fewer CPUs to flush the copied mappings on).
var launcherEnv = []string{"GOMAXPROCS=1", "GOGC=off"}

type waitResult struct {
	status int
	err    error
	signal string // "signal N" when the session died of signal N (the launcher's last line)
}

type startResult struct {
	session sessionProc
	err     error
}

// launch runs on its own OS thread, which it never gives back: the launcher's parent-death
// signal is tied to the thread that started it, so the thread must live as long as the
// launcher does; it dies with the goroutine. It starts the launcher with the plain
// fork and exec of syscall.StartProcess, which hands back a pidfd from the clone itself
// (os/exec would first fork a probe of pidfd support).
func launch(files []*os.File, target int, statusR, statusW *os.File, started chan<- startResult, done chan<- waitResult) {
	runtime.LockOSThread()
	fds := make([]uintptr, len(files))
	for i, f := range files {
		fds[i] = f.Fd()
	}
	pidfd := -1
	pid, _, err := syscall.StartProcess(fmt.Sprintf("/proc/self/fd/%d", launchSelfFD), []string{LauncherArg0}, &syscall.ProcAttr{
		Env:   launcherEnv, // never ours
		Files: fds,
		Sys: &syscall.SysProcAttr{
			Setsid:    true, // the caller's terminal signals reach the session through proxy only
			Pdeathsig: syscall.SIGKILL,
			PidFD:     &pidfd,
		},
	})
	runtime.KeepAlive(files)
	if err != nil {
		started <- startResult{err: explainStart(err)}
		return
	}
	l := launcherProc{pid: pid, pidfd: pidfd}
	defer l.close()
	statusW.Close()
	line, err := readStatusLine(statusR)
	switch {
	case err == nil && line == "ok":
	case err == nil && strings.HasPrefix(line, "err "):
		l.kill()
		l.wait()
		started <- startResult{err: launchFailure(strings.TrimPrefix(line, "err "), target)}
		return
	default:
		l.kill()
		ws, _ := l.wait()
		started <- startResult{err: fmt.Errorf("the session launcher failed (%s)", describeStatus(ws, line, err))}
		return
	}
	started <- startResult{session: findSession(pid)}
	ws, err := l.wait()
	r := waitResult{status: statusCode(ws), err: err}
	if err == nil && ws.Signaled() {
		// The launcher ends with the session's status; killed itself, it said nothing.
		r.err = fmt.Errorf("the session launcher was killed by signal %d (%v)%s", int(ws.Signal()), ws.Signal(), killHint(ws.Signal()))
	} else if end, _ := readStatusLine(statusR); err == nil && strings.HasPrefix(end, "signal ") {
		r.signal = end
	}
	done <- r
}

// What the launcher was doing at each step it reports a failure of (see launchCore): an
// array by step, static data, where a map would be built at every start.
var launchSteps = [...]string{
	stepSetsid: "starting the session: setsid", stepTTY: "starting the session: acquiring the terminal",
	stepKeepCaps: "starting the session: keeping capabilities", stepSetgroups: "starting the session: setgroups",
	stepJoinUserNS: "starting the session: joining the target's user namespace",
	stepBounding:   "starting the session: narrowing the bounding set in the user namespace",
	stepSetresgid:  "starting the session: setresgid", stepSetresuid: "starting the session: setresuid",
	stepNarrow: "starting the session: narrowing capabilities in the user namespace",
	stepCapget: "starting the session: reading capabilities", stepCapset: "starting the session: setting capabilities",
	stepAmbient: "starting the session: raising ambient capabilities", stepExec: "starting the session: executing the session program",
	stepDumpable: "making the launcher non-dumpable", stepReadConfig: "reading the launch configuration",
	stepOpenUserNS: "opening the user namespace of pid %d", stepUnshareFS: "unsharing the thread's filesystem attributes",
	stepSetns: "joining the namespaces of pid %d", stepDropBnd: "dropping capabilities from the bounding set",
	stepClearAmb: "clearing ambient capabilities", stepNoNewPrivs: "setting no_new_privs",
	stepThreadCapget: "reading thread capabilities", stepThreadCapset: "narrowing thread capabilities",
	stepStartPipe: "creating the session's start pipe", stepFork: "forking the session",
}

// launchFailure is the error of the launcher's "err <step> <errno>" line.
func launchFailure(report string, pid int) error {
	var step, errno int
	if n, err := fmt.Sscanf(report, "%d %d", &step, &errno); err != nil || n != 2 {
		return fmt.Errorf("the session launcher failed: %q", report)
	}
	e := syscall.Errno(errno)
	var what string
	if step >= 0 && step < len(launchSteps) {
		what = launchSteps[step]
	}
	ok := what != ""
	switch {
	case step == stepBadConfig:
		return errors.New("launch configuration is not of this version of ddebug")
	case step == stepTargetGone:
		return fmt.Errorf("%w: pid %d exited", ErrTargetGone, pid)
	case step == stepGarbled:
		return errors.New("the session failed to start (garbled report from its child)")
	case step >= stepOpenNS && step < stepOpenNS+len(nsKinds):
		what = "opening the " + strings.TrimSuffix(nsKinds[step-stepOpenNS], "\x00") + " namespace of pid %d"
	case step >= stepJoinNS && step < stepJoinNS+len(nsKinds):
		what = "joining the " + strings.TrimSuffix(nsKinds[step-stepJoinNS], "\x00") + " namespace of pid %d"
	case !ok:
		return fmt.Errorf("the session launcher failed at step %d: %v", step, e)
	}
	if strings.Contains(what, "%d") {
		what = fmt.Sprintf(what, pid)
	}
	if step == stepExec && e == unix.ENOENT {
		return fmt.Errorf("%s: %w (the target's root may hide it)", what, e)
	}
	return fmt.Errorf("%s: %w", what, e)
}

// killHint says who may have sent a SIGKILL that ddebug did not.
func killHint(sig syscall.Signal) string {
	if sig != syscall.SIGKILL {
		return ""
	}
	return ": the kernel's out-of-memory killer (see dmesg) or another process"
}

// launcherProc is the launcher as its parent, this process, holds it: not yet reaped, so
// its PID is its own; the pidfd is closed once it is.
type launcherProc struct {
	pid, pidfd int
}

func (l launcherProc) kill() {
	if l.pidfd >= 0 {
		unix.PidfdSendSignal(l.pidfd, unix.SIGKILL, nil, 0)
		return
	}
	syscall.Kill(l.pid, syscall.SIGKILL)
}

func (l launcherProc) wait() (syscall.WaitStatus, error) {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(l.pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return ws, fmt.Errorf("waiting for the session launcher: %w", err)
		}
		return ws, nil
	}
}

func (l launcherProc) close() {
	if l.pidfd >= 0 {
		unix.Close(l.pidfd)
	}
}

// readStatusLine reads the launcher's one line; EOF before it means the launcher died. The
// session's child holds a copy of the pipe until its exec, so what is read is only ever a
// message to show (the command line escapes what it prints), never a PID or anything else
// acted upon.
func readStatusLine(r *os.File) (string, error) {
	var b []byte
	buf := make([]byte, 1) // no further: the launcher's last line comes later
	for len(b) < 4096 {
		n, err := r.Read(buf)
		b = append(b, buf[:n]...)
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			return string(b[:i]), nil
		}
		if err != nil {
			return string(b), err
		}
	}
	return string(b), errors.New("status line too long")
}

func describeStatus(ws syscall.WaitStatus, line string, err error) string {
	switch {
	case err == io.EOF && line == "" && ws.Signaled():
		return fmt.Sprintf("it was killed by signal %d (%v) before the session started%s", int(ws.Signal()), ws.Signal(), killHint(ws.Signal()))
	case err == io.EOF && line == "":
		return fmt.Sprintf("it ended with status %d before the session started", statusCode(ws))
	case err != nil:
		return fmt.Sprintf("reading its status: %v", err)
	}
	return fmt.Sprintf("unexpected status %q", line)
}

// sessionProc is the session process as ddebug signals it: through a pidfd, so a PID
// reused after the session was reaped is never signalled.
type sessionProc struct {
	pid   int
	pidfd int
}

// findSession finds the session, the launcher's only child. It may already be gone (a
// quick command); then nothing is signalled.
func findSession(launcher int) sessionProc {
	none := sessionProc{pid: 0, pidfd: -1}
	kids := children(launcher)
	if len(kids) != 1 {
		return none
	}
	fd, err := unix.PidfdOpen(kids[0], 0)
	if err != nil {
		return none
	}
	if ppid, err := procParent(kids[0]); err != nil || ppid != launcher {
		unix.Close(fd)
		return none
	}
	return sessionProc{pid: kids[0], pidfd: fd}
}

func (s sessionProc) signal(sig syscall.Signal) {
	if s.pidfd >= 0 {
		unix.PidfdSendSignal(s.pidfd, sig, nil, 0)
	}
}

func (s sessionProc) close() {
	if s.pidfd >= 0 {
		unix.Close(s.pidfd)
	}
}

// closeInheritedOnExec marks every descriptor above stderr close-on-exec. Go opens its own
// that way, but ddebug may have inherited others from whoever started it (a shell's
// redirections, a CI runner's pipes): without this they would cross into the container,
// as runc's leaked host directory did (CVE-2024-21626).
func closeInheritedOnExec() error {
	err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	// Kernels before 5.11: walk the descriptor table.
	ents, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return fmt.Errorf("marking inherited descriptors close-on-exec: %w", err)
	}
	for _, e := range ents {
		var fd int
		if _, serr := fmt.Sscan(e.Name(), &fd); serr == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}

func checkPrivileges() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: entering a container's namespaces needs root: run it with sudo", ErrNotPermitted)
	}
	eff, _, err := threadCaps()
	if err != nil {
		return fmt.Errorf("reading own capabilities: %w", err)
	}
	var missing []string
	for _, c := range requiredCaps {
		if eff&(1<<c.bit) == 0 {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: running as root but without %s (a restricted container or capability set?): run it from the host with full root privileges", ErrNotPermitted, strings.Join(missing, ", "))
	}
	return nil
}

// pinTarget opens a pidfd on pid and checks it is still the process that was resolved.
func pinTarget(pid int, startTime uint64) (int, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return -1, fmt.Errorf("%w: pid %d exited", ErrTargetGone, pid)
		}
		return -1, fmt.Errorf("opening pidfd of pid %d: %w", pid, err)
	}
	if startTime != 0 {
		got, err := procStartTime(pid)
		if err != nil || got != startTime {
			unix.Close(fd)
			return -1, fmt.Errorf("%w: pid %d exited after it was resolved (the PID now belongs to another process, or none)", ErrTargetGone, pid)
		}
	}
	return fd, nil
}

// targetInfo is what is read of the target on the host before any namespace is joined.
type targetInfo struct {
	pid     int
	status  procStatus
	environ []string
	cwd     string
	userNS  *userNS // nil when the target shares the caller's user namespace
}

func inspectTarget(pid int) (targetInfo, error) {
	t := targetInfo{pid: pid}
	gone := func(err error) error {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("%w: pid %d exited", ErrTargetGone, pid)
		}
		return fmt.Errorf("reading pid %d: %w", pid, err)
	}
	mine, err := nsInode(os.Getpid(), "user")
	if err != nil {
		return t, fmt.Errorf("reading own user namespace: %w", err)
	}
	theirs, err := nsInode(pid, "user")
	if err != nil {
		return t, gone(err)
	}
	if mine != theirs {
		// A rootless or userns-remapped container: the session joins its user namespace
		// too, as an id of that namespace (see userNS).
		ns := &userNS{}
		if ns.uids, err = readIDMap(pid, "uid_map"); err != nil {
			return t, gone(err)
		}
		if ns.gids, err = readIDMap(pid, "gid_map"); err != nil {
			return t, gone(err)
		}
		t.userNS = ns
	}
	if t.status, err = readProcStatus(pid); err != nil {
		return t, gone(err)
	}
	if t.environ, err = readEnviron(pid); err != nil {
		return t, gone(err)
	}
	// The working directory as the target sees it; the session changes into it once it
	// runs (it may need capabilities the entering thread has narrowed), else stays at /.
	t.cwd = "/"
	if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil && strings.HasPrefix(cwd, "/") && !strings.HasSuffix(cwd, " (deleted)") {
		t.cwd = cwd
	}
	return t, nil
}

// sessionEnv is the target's environment, never the caller's, plus DDEBUG_TARGET, a PATH
// when the target has none, and TERM for a terminal session.
func sessionEnv(target []string, opts Options) []string {
	env := make([]string, 0, len(target)+3)
	hasPath := false
	for _, kv := range target {
		switch {
		case strings.HasPrefix(kv, "DDEBUG_TARGET="):
			continue
		case opts.TTY && strings.HasPrefix(kv, "TERM="):
			continue
		case strings.HasPrefix(kv, "PATH="):
			hasPath = true
		}
		env = append(env, kv)
	}
	if !hasPath {
		env = append(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	env = append(env, "DDEBUG_TARGET="+opts.Name)
	if opts.TTY {
		term := opts.TermEnv
		if !validTerm(term) {
			term = "xterm"
		}
		env = append(env, "TERM="+term)
	}
	return env
}

// sessionStartEnv is added to the session's environment for its Go runtime's start, unless
// the target sets the variable itself: one P, so the runtime starts no thread for a second
// one (measured: a sixth of the toolbox's start). BeginSession removes it again and the
// toolbox gives an interactive shell the default back (runtime.SetDefaultGOMAXPROCS).
var sessionStartEnv = []string{"GOMAXPROCS=1"}

// withStartEnv returns env with sessionStartEnv in front, and the names it added.
func withStartEnv(env []string) ([]string, []string) {
	var names []string
	var out []string
	for _, kv := range sessionStartEnv {
		k, _, _ := strings.Cut(kv, "=")
		if !hasVar(env, k) {
			out = append(out, kv)
			names = append(names, k)
		}
	}
	return append(out, env...), names
}

func hasVar(env []string, name string) bool {
	for _, kv := range env {
		if k, _, ok := strings.Cut(kv, "="); ok && k == name {
			return true
		}
	}
	return false
}

func validTerm(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '+') {
			return false
		}
	}
	return true
}

// configPipe returns the read end of a pipe holding cfg; the session reads it as fd 3.
func configPipe(cfg SessionConfig) (*os.File, error) {
	b, err := cfg.marshal()
	if err != nil {
		return nil, err
	}
	return dataPipe(b, "session")
}

// launchPipe returns the read end of a pipe holding the launcher's configuration.
func launchPipe(cfg launchConfig) (*os.File, error) {
	b, err := cfg.marshal()
	if err != nil {
		return nil, err
	}
	return dataPipe(b, "launch")
}

// dataPipe returns the read end of a pipe that holds b, which must fit the pipe's buffer.
func dataPipe(b []byte, what string) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("creating the %s configuration pipe: %w", what, err)
	}
	defer w.Close()
	if len(b) > 60<<10 { // more than a pipe holds by default: make room, up to 1 MiB
		if len(b) > 1<<20 {
			r.Close()
			return nil, fmt.Errorf("%s configuration too long (%d bytes): a shorter command or a smaller environment", what, len(b))
		}
		if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, len(b)); err != nil {
			r.Close()
			return nil, fmt.Errorf("growing the %s configuration pipe to %d bytes: %w", what, len(b), err)
		}
	}
	if _, err := w.Write(b); err != nil {
		r.Close()
		return nil, fmt.Errorf("writing the %s configuration: %w", what, err)
	}
	return r, nil
}

func explainStart(err error) error {
	if errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("starting the session launcher: %w (is /proc mounted on the host?)", err)
	}
	return fmt.Errorf("starting the session launcher: %w", err)
}

// statusCode is a wait status as a shell reports it: the exit code, or 128+N after signal N.
func statusCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
