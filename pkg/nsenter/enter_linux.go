package nsenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Namespaces joined, in the order setns is called when a pidfd cannot join them at once.
var joinedNamespaces = []struct {
	kind string
	flag int
}{
	{"ipc", unix.CLONE_NEWIPC},
	{"uts", unix.CLONE_NEWUTS},
	{"net", unix.CLONE_NEWNET},
	{"cgroup", unix.CLONE_NEWCGROUP},
	{"pid", unix.CLONE_NEWPID},
	{"mnt", unix.CLONE_NEWNS},
}

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
func Run(ctx context.Context, opts Options) (int, error) {
	if err := checkPrivileges(); err != nil {
		return 0, err
	}
	if err := closeInheritedOnExec(); err != nil {
		return 0, err
	}
	// The child shares this process's memory until it execs (Go forks with CLONE_VM), and
	// it does so inside the target's PID namespace: this process must be non-dumpable, so
	// the container's processes cannot read or ptrace it through that child.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("making ddebug non-dumpable: %w", err)
	}
	pidfd, err := pinTarget(opts.PID, opts.StartTime)
	if err != nil {
		return 0, err
	}
	defer unix.Close(pidfd)

	t, err := inspectTarget(opts.PID)
	if err != nil {
		return 0, err
	}
	if err := checkPtraceRisk(t, opts.TrustTarget); err != nil {
		return 0, err
	}
	cred, err := credentialsFor(opts.Identity, opts.PID, t.status)
	if err != nil {
		return 0, err
	}
	exe, err := sealedCopy(opts.Session)
	if err != nil {
		return 0, err
	}
	defer exe.Close()

	cfg := SessionConfig{Target: opts.Name, Command: opts.Command, TTY: opts.TTY, Dir: t.cwd}
	cfgR, err := configPipe(cfg)
	if err != nil {
		return 0, err
	}
	defer cfgR.Close()

	st, err := newStdio(opts)
	if err != nil {
		return 0, err
	}
	defer st.close()

	cmd := &exec.Cmd{
		Path:       fmt.Sprintf("/proc/self/fd/%d", exe.Fd()),
		Args:       []string{SessionArg0, opts.Name},
		Env:        sessionEnv(t.environ, opts),
		Stdin:      st.childIn,
		Stdout:     st.childOut,
		Stderr:     st.childErr,
		ExtraFiles: []*os.File{cfgR},
		SysProcAttr: &syscall.SysProcAttr{
			Setsid:     true,
			Setctty:    opts.TTY,
			Ctty:       0,
			Credential: cred.credential,
			Ptrace:     true,
		},
	}
	cmd.SysProcAttr.AmbientCaps = cred.ambient

	started := make(chan error, 1)
	done := make(chan waitResult, 1)
	go enterAndStart(pidfd, t, cred, cmd, started, done)
	if err := <-started; err != nil {
		return 0, err
	}
	st.closeChildEnds()
	cfgR.Close()
	if opts.Started != nil {
		opts.Started()
	}
	return st.proxy(ctx, cmd.Process.Pid, done)
}

type waitResult struct {
	status int
	err    error
}

// enterAndStart runs on its own OS thread, which it never gives back: the thread joins the
// target's namespaces, narrows its capabilities, starts the session and waits for it. The
// session's parent-death signal is tied to this thread, so it must live as long as the
// session; it dies with the goroutine. (The session sets that signal itself: Go's own
// SysProcAttr.Pdeathsig check compares getppid() with the parent's PID, which reads 0 in a
// child born in another PID namespace, and so kills every such child at once.)
func enterAndStart(pidfd int, t targetInfo, cred sessionCred, cmd *exec.Cmd, started chan<- error, done chan<- waitResult) {
	runtime.LockOSThread()
	if err := enterNamespaces(pidfd, t); err != nil {
		started <- err
		return
	}
	if err := cred.applyToThread(); err != nil {
		started <- err
		return
	}
	if err := cmd.Start(); err != nil {
		started <- explainStart(err, cmd)
		return
	}
	// The child asked to be traced by this thread just before its exec (Ptrace), so from
	// then until the toolbox runs nothing in the container can ptrace it: a process has
	// one tracer. It stops at the exec; let it go.
	if err := detachAfterExec(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		started <- err
		return
	}
	started <- nil
	err := cmd.Wait()
	done <- waitResult{status: exitStatus(cmd.ProcessState), err: nonExitError(err)}
}

// detachAfterExec waits for the traced child's stop at its exec and detaches from it.
func detachAfterExec(pid int) error {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, unix.WALL|unix.WSTOPPED, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("waiting for the session to start: %w", err)
		}
		break
	}
	if !ws.Stopped() {
		return fmt.Errorf("the session ended before it started (wait status %#x)", uint32(ws))
	}
	if err := unix.PtraceDetach(pid); err != nil {
		return fmt.Errorf("releasing the session after its exec: %w", err)
	}
	return nil
}

func enterNamespaces(pidfd int, t targetInfo) error {
	// Go's threads share one fs_struct; a thread must own its own to join a mount namespace.
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("unsharing the thread's filesystem attributes: %w", err)
	}
	flags := 0
	for _, ns := range joinedNamespaces {
		flags |= ns.flag
	}
	err := unix.Setns(pidfd, flags)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("joining the namespaces of pid %d: %w", t.pid, err)
	}
	// Kernels before 5.8 cannot setns through a pidfd: join one namespace file at a time.
	// The pidfd call joins all or none, so the thread is still in the caller's namespaces
	// and /proc is still the host's while the files are opened.
	files, err := openNamespaceFiles(t.pid)
	if err != nil {
		return err
	}
	defer func() {
		for _, fd := range files {
			unix.Close(fd)
		}
	}()
	for _, ns := range joinedNamespaces {
		fd, ok := files[ns.kind]
		if !ok {
			continue
		}
		if err := unix.Setns(fd, ns.flag); err != nil {
			return fmt.Errorf("joining the %s namespace of pid %d: %w", ns.kind, t.pid, err)
		}
	}
	return nil
}

// openNamespaceFiles opens /proc/<pid>/ns/<kind> of every joined namespace.
func openNamespaceFiles(pid int) (map[string]int, error) {
	files := map[string]int{}
	for _, ns := range joinedNamespaces {
		fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/%s", pid, ns.kind), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			if errors.Is(err, unix.ENOENT) && ns.kind == "cgroup" {
				continue // kernels without cgroup namespaces
			}
			for _, fd := range files {
				unix.Close(fd)
			}
			if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH) {
				return nil, fmt.Errorf("%w: pid %d exited", ErrTargetGone, pid)
			}
			return nil, fmt.Errorf("opening the %s namespace of pid %d: %w", ns.kind, pid, err)
		}
		files[ns.kind] = fd
	}
	return files, nil
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

// checkPtraceRisk refuses a target in another PID namespace whose bounding set holds
// CAP_SYS_PTRACE (a --cap-add SYS_PTRACE or --privileged container). Go starts the session
// with vfork semantics: from the fork until the exec, the child is already visible in the
// target's PID namespace and shares ddebug's memory; with CAP_SYS_PTRACE a process there
// could read it (the caller's environment) or write it (/proc/<pid>/mem) in that instant.
// Processes in the caller's own PID namespace gain nothing from that, so pid:// targets
// on the host are entered as usual.
func checkPtraceRisk(t targetInfo, trusted bool) error {
	if trusted || t.status.CapBnd&(1<<unix.CAP_SYS_PTRACE) == 0 {
		return nil
	}
	mine, err1 := nsInode(os.Getpid(), "pid")
	theirs, err2 := nsInode(t.pid, "pid")
	if err1 == nil && err2 == nil && mine == theirs {
		return nil
	}
	return fmt.Errorf("%w: its capability bounding set includes CAP_SYS_PTRACE, so while the session starts a process in it could read or write ddebug's memory; enter it only if you trust it, with --trust-target", ErrTargetCanPtrace)
}

// targetInfo is what is read of the target on the host before any namespace is joined.
type targetInfo struct {
	pid     int
	status  procStatus
	environ []string
	cwd     string
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
		return t, fmt.Errorf("%w (rootless or userns-remapped container): ddebug cannot join it yet; use 'nsenter -t %d -a' or the runtime's own exec", ErrUserNamespace, pid)
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
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("creating config pipe: %w", err)
	}
	defer w.Close()
	if len(b) > 60<<10 {
		r.Close()
		return nil, fmt.Errorf("session command too long (%d bytes)", len(b))
	}
	if _, err := w.Write(b); err != nil {
		r.Close()
		return nil, fmt.Errorf("writing session config: %w", err)
	}
	return r, nil
}

func explainStart(err error, cmd *exec.Cmd) error {
	switch {
	case errors.Is(err, unix.ENOENT) && strings.Contains(err.Error(), "/proc/self/fd"):
		return fmt.Errorf("starting the session: the container has no /proc mounted, which ddebug needs to start its toolbox: %w", err)
	}
	return fmt.Errorf("starting the session: %w", err)
}

func exitStatus(ps *os.ProcessState) int {
	if ps == nil {
		return 255
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

func nonExitError(err error) error {
	var ee *exec.ExitError
	if err == nil || errors.As(err, &ee) {
		return nil
	}
	return err
}

// sealedCopy copies the session program into a memfd that is sealed against writes and
// executable but not readable (mode 0111): the container can never reach or change the
// host's binary through /proc/<session>/exe, and an exec without read access makes the
// kernel start the session non-dumpable.
func sealedCopy(e Executable) (*os.File, error) {
	fd, err := unix.MemfdCreate("ddebug-toolbox", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) { // kernels before 6.3 have no MFD_EXEC
		fd, err = unix.MemfdCreate("ddebug-toolbox", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	}
	if err != nil {
		return nil, fmt.Errorf("creating memfd for the session binary: %w", err)
	}
	// A high descriptor number, so the dup2s of the child's stdio and extra files never land on it.
	hi, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 100)
	unix.Close(fd)
	if err != nil {
		return nil, fmt.Errorf("moving memfd: %w", err)
	}
	f := os.NewFile(uintptr(hi), "memfd:ddebug-toolbox")
	if err := fillMemfd(f, e); err != nil {
		f.Close()
		return nil, err
	}
	if err := unix.Fchmod(hi, 0o111); err != nil {
		f.Close()
		return nil, fmt.Errorf("chmod memfd: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(uintptr(hi), unix.F_ADD_SEALS, seals|unix.F_SEAL_EXEC); err != nil {
		if _, err := unix.FcntlInt(uintptr(hi), unix.F_ADD_SEALS, seals); err != nil {
			f.Close()
			return nil, fmt.Errorf("sealing memfd: %w", err)
		}
	}
	return f, nil
}

func fillMemfd(f *os.File, e Executable) error {
	if e.Bytes != nil {
		if _, err := f.Write(e.Bytes); err != nil {
			return fmt.Errorf("copying session binary into memfd: %w", err)
		}
		return nil
	}
	if e.Path == "" {
		return errors.New("no session binary given")
	}
	src, err := os.Open(e.Path)
	if err != nil {
		return fmt.Errorf("opening session binary: %w", err)
	}
	defer src.Close()
	if _, err := io.Copy(f, src); err != nil {
		return fmt.Errorf("copying session binary %s into memfd: %w", e.Path, err)
	}
	return nil
}
