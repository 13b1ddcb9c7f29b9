package nsenter

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The launcher is the middle stage between ddebug and the session. ddebug starts it in the
// host's PID namespace, where no process of the container can see it, from a sealed memfd
// and with none of its environment: it holds nothing of the caller. It joins the target's
// namespaces on one thread, narrows that thread's capabilities, and forks the session from
// it with a real fork: the session shares no memory with anything on the host, and what it
// copied from the launcher is the launch configuration and nothing else. That matters in
// the instant between the fork and the session's exec, when the child is already in the
// target's PID namespace: a container process holding CAP_SYS_PTRACE may attach it there,
// and Go's own fork (vfork, shared memory) would have handed it ddebug's memory.

// Descriptors the launcher is started with, beside the session's stdio and sessionConfigFD.
const (
	launchConfigFD = 4 // launchConfig
	launchPidFD    = 5 // pidfd of the target
	launchExeFD    = 6 // the sealed memfd of the session program
	launchStatusFD = 7 // back to ddebug: "ok" or "err <message>", then "signal N" if the session died of one
	launchSelfFD   = 8 // the launcher's own memfd, exec'd through /proc/self/fd/8
)

// launcherFailed is the launcher's exit code when the session could not be started.
const launcherFailed = 125

// Launch is the launcher's whole life (a program calls it when IsLauncher(os.Args)): it
// starts the session in the target's namespaces, waits for it, and returns the exit code
// to end with, the session's own (128+N after signal N).
func Launch() int {
	unix.Close(launchSelfFD) // /proc/self/exe holds the program; nothing needs the descriptor
	status := os.NewFile(launchStatusFD, "ddebug-launch-status")
	fail := func(err error) int {
		fmt.Fprintf(status, "err %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		return launcherFailed
	}
	// Non-dumpable, and so is the forked child until its exec (the flag is copied with the
	// memory): without CAP_SYS_PTRACE the container cannot touch it at all.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fail(fmt.Errorf("making the launcher non-dumpable: %w", err))
	}
	// Only stdio and the session's configuration cross the exec into the session.
	if err := unix.CloseRange(launchConfigFD, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		for fd := launchConfigFD; fd <= launchStatusFD; fd++ {
			unix.CloseOnExec(fd)
		}
	}
	var cfg launchConfig
	cf := os.NewFile(launchConfigFD, "ddebug-launch-config")
	b, err := io.ReadAll(io.LimitReader(cf, 4<<20))
	cf.Close()
	if err != nil {
		return fail(fmt.Errorf("reading the launch configuration: %w", err))
	}
	if err := cfg.unmarshal(b); err != nil {
		return fail(err)
	}
	plan, err := newForkPlan(cfg)
	if err != nil {
		return fail(err)
	}
	result := make(chan int, 1)
	go func() {
		// This thread enters the target and is the session's parent: the session's
		// parent-death signal is tied to it, so it is never given back and ends with the
		// goroutine, once the session is gone.
		runtime.LockOSThread()
		result <- launchOnThisThread(cfg, plan, status, fail)
	}()
	return <-result
}

func launchOnThisThread(cfg launchConfig, plan *forkPlan, status *os.File, fail func(error) int) int {
	if cfg.UserNS {
		fd, err := openUserNS(launchPidFD, cfg.PID)
		if err != nil {
			return fail(err)
		}
		defer unix.Close(fd)
		plan.userNSFD = uintptr(fd)
	}
	if err := enterNamespaces(launchPidFD, cfg.PID); err != nil {
		return fail(err)
	}
	unix.Close(launchPidFD)
	cred := sessionCred{keepAll: cfg.KeepAll, bounding: cfg.Bounding, noNewPrivs: cfg.NoNewPrivs, userNS: cfg.UserNS}
	if err := cred.applyToThread(); err != nil {
		return fail(err)
	}
	pid, err := startSession(plan)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(status, "ok\n")
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 255
		}
		// The exit code cannot tell a session killed by a signal from a command that
		// exits 128+N: the last line can.
		if ws.Signaled() {
			fmt.Fprintf(status, "signal %d\n", int(ws.Signal()))
		}
		return statusCode(ws)
	}
}

// openUserNS opens the target's user namespace while /proc is still the host's, for the
// forked child to join (setns through the pidfd could do it too, but not before Linux 5.8).
// The pidfd still naming a live process proves the PID was not reused meanwhile.
func openUserNS(pidfd, pid int) (int, error) {
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/user", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("opening the user namespace of pid %d: %w", pid, err)
	}
	if err := unix.PidfdSendSignal(pidfd, 0, nil, 0); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("%w: pid %d exited", ErrTargetGone, pid)
	}
	return fd, nil
}

// forkPlan is everything the forked child needs, prepared before the fork: between fork
// and exec the child may only make raw system calls on memory that already exists.
type forkPlan struct {
	argv, envv []*byte
	emptyPath  *byte
	tty        bool
	pause      unix.Timespec
	setCred    bool
	userNS     bool    // join the user namespace of userNSFD after setgroups
	userNSFD   uintptr // the target's user namespace
	keepAll    bool
	bounding   uint64
	uid, gid   uintptr
	groups     []uint32
	ambient    []uintptr
	capHdr     unix.CapUserHeader
	capData    [2]unix.CapUserData
	errPipe    [2]int
}

func newForkPlan(cfg launchConfig) (*forkPlan, error) {
	p := &forkPlan{tty: cfg.TTY, setCred: cfg.HasCred, uid: uintptr(cfg.UID), gid: uintptr(cfg.GID),
		groups: cfg.Groups, ambient: cfg.Ambient, userNS: cfg.UserNS, keepAll: cfg.KeepAll, bounding: cfg.Bounding}
	if p.userNS && !p.setCred {
		return nil, errors.New("launch configuration: a user namespace to join, but no ids to take in it")
	}
	p.pause = unix.NsecToTimespec(int64(cfg.PauseMS) * 1e6)
	p.capHdr.Version = unix.LINUX_CAPABILITY_VERSION_3
	for _, c := range p.ambient {
		if c > 63 {
			return nil, fmt.Errorf("launch configuration: capability %d out of range", c)
		}
	}
	if len(cfg.Argv) == 0 {
		return nil, errors.New("launch configuration: no session arguments")
	}
	var err error
	if p.argv, err = syscall.SlicePtrFromStrings(cfg.Argv); err != nil {
		return nil, fmt.Errorf("session arguments: %w", err)
	}
	if p.envv, err = syscall.SlicePtrFromStrings(cfg.Env); err != nil {
		return nil, fmt.Errorf("session environment: %w", err)
	}
	if p.emptyPath, err = syscall.BytePtrFromString(""); err != nil {
		return nil, err
	}
	return p, nil
}

// Steps of the child, reported with the errno of the one that failed.
const (
	stepSetsid = iota + 1
	stepTTY
	stepKeepCaps
	stepSetgroups
	stepJoinUserNS
	stepBounding
	stepSetresgid
	stepSetresuid
	stepNarrow
	stepCapget
	stepCapset
	stepAmbient
	stepExec
)

var childSteps = [...]string{stepSetsid: "setsid", stepTTY: "acquiring the terminal", stepKeepCaps: "keeping capabilities",
	stepSetgroups: "setgroups", stepJoinUserNS: "joining the target's user namespace",
	stepBounding: "narrowing the bounding set in the user namespace", stepSetresgid: "setresgid",
	stepSetresuid: "setresuid", stepNarrow: "narrowing capabilities in the user namespace",
	stepCapget: "reading capabilities", stepCapset: "setting capabilities",
	stepAmbient: "raising ambient capabilities", stepExec: "executing the session program"}

// startSession forks the session from the calling thread and returns its PID once it has
// exec'd (or the error of the step that failed).
func startSession(p *forkPlan) (int, error) {
	if err := unix.Pipe2(p.errPipe[:], unix.O_CLOEXEC); err != nil {
		return 0, fmt.Errorf("creating the session's start pipe: %w", err)
	}
	pid, errno := forkSession(p)
	unix.Close(p.errPipe[1])
	defer unix.Close(p.errPipe[0])
	if errno != 0 {
		return 0, fmt.Errorf("forking the session: %w", errno)
	}
	// The start pipe closes on the exec; before that, the child writes the step that failed.
	var report [2]uint32
	n, err := readFull(p.errPipe[0], (*[8]byte)(unsafe.Pointer(&report))[:])
	if err == nil && n == 0 {
		return pid, nil
	}
	var ws unix.WaitStatus
	unix.Wait4(pid, &ws, 0, nil)
	if err != nil || n != 8 || report[0] < stepSetsid || report[0] > stepExec {
		return 0, errors.New("the session failed to start (garbled report from its child)")
	}
	e := syscall.Errno(report[1])
	if report[0] == stepExec && e == unix.ENOENT {
		return 0, fmt.Errorf("starting the session: %s: %w (the target's root may hide it)", childSteps[report[0]], e)
	}
	return 0, fmt.Errorf("starting the session: %s: %w", childSteps[report[0]], e)
}

func readFull(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n, nil
}

//go:linkname beforeFork syscall.runtime_BeforeFork
func beforeFork()

//go:linkname afterFork syscall.runtime_AfterFork
func afterFork()

//go:linkname afterForkInChild syscall.runtime_AfterForkInChild
func afterForkInChild()

// forkSession forks without CLONE_VM (the child gets a copy of the launcher's memory, not
// a share of it), and in the child sets up the session and execs the memfd. After the fork
// the child runs no Go code that could grow the stack or allocate: only raw system calls on
// what p holds, as in the standard library's forkAndExecInChild.
//
//go:norace
//go:noinline
func forkSession(p *forkPlan) (pid int, err syscall.Errno) {
	var (
		r1     uintptr
		e1     syscall.Errno
		step   uint32
		i      int
		report [2]uint32
	)
	beforeFork()
	r1, _, e1 = syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e1 != 0 || r1 != 0 {
		afterFork()
		return int(r1), e1
	}

	// The child.
	afterForkInChild()
	step = stepSetsid
	if _, _, e1 = syscall.RawSyscall(syscall.SYS_SETSID, 0, 0, 0); e1 != 0 {
		goto fail
	}
	if p.tty {
		step = stepTTY
		if _, _, e1 = syscall.RawSyscall(syscall.SYS_IOCTL, 0, uintptr(syscall.TIOCSCTTY), 0); e1 != 0 {
			goto fail
		}
	}
	if p.setCred {
		if len(p.ambient) > 0 {
			step = stepKeepCaps
			if _, _, e1 = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 1, 0, 0, 0, 0); e1 != 0 {
				goto fail
			}
		}
		// The groups are the host's ids, set while the child is still the host's root: in
		// the target's user namespace, setgroups may be denied, and groups of the host's
		// left in place would still grant access there.
		step = stepSetgroups
		if len(p.groups) > 0 {
			_, _, e1 = syscall.RawSyscall(syscall.SYS_SETGROUPS, uintptr(len(p.groups)), uintptr(unsafe.Pointer(&p.groups[0])), 0)
		} else {
			_, _, e1 = syscall.RawSyscall(syscall.SYS_SETGROUPS, 0, 0, 0)
		}
		if e1 != 0 {
			goto fail
		}
		if p.userNS {
			// The child is single-threaded and shares no filesystem attributes: it may
			// join a user namespace, which gives it every capability there and a full
			// bounding set, narrowed again to the target's right away.
			step = stepJoinUserNS
			if _, _, e1 = syscall.RawSyscall(unix.SYS_SETNS, p.userNSFD, unix.CLONE_NEWUSER, 0); e1 != 0 {
				goto fail
			}
			if !p.keepAll {
				step = stepBounding
				for i = 0; i < 64; i++ {
					if p.bounding&(1<<uint(i)) != 0 {
						continue
					}
					if _, _, e1 = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(i), 0, 0, 0, 0); e1 == syscall.EINVAL {
						break // past the kernel's last capability
					} else if e1 != 0 {
						goto fail
					}
				}
			}
		}
		step = stepSetresgid
		if _, _, e1 = syscall.RawSyscall(syscall.SYS_SETRESGID, p.gid, p.gid, p.gid); e1 != 0 {
			goto fail
		}
		step = stepSetresuid
		if _, _, e1 = syscall.RawSyscall(syscall.SYS_SETRESUID, p.uid, p.uid, p.uid); e1 != 0 {
			goto fail
		}
		if p.userNS {
			// As in applyToThread: nothing beyond the bounding set, nothing inheritable, and
			// no DAC override in effect at the exec, so the session starts non-dumpable.
			step = stepNarrow
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
			for i = 0; i < 2; i++ {
				if !p.keepAll {
					p.capData[i].Permitted &= uint32(p.bounding >> (32 * uint(i)))
				}
				p.capData[i].Inheritable = 0
				p.capData[i].Effective = p.capData[i].Permitted
			}
			p.capData[unix.CAP_DAC_OVERRIDE>>5].Effective &^= 1 << (unix.CAP_DAC_OVERRIDE & 31)
			p.capData[unix.CAP_DAC_READ_SEARCH>>5].Effective &^= 1 << (unix.CAP_DAC_READ_SEARCH & 31)
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
		}
		if len(p.ambient) > 0 {
			step = stepCapget
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
			for i = 0; i < len(p.ambient); i++ {
				p.capData[p.ambient[i]>>5].Permitted |= 1 << (p.ambient[i] & 31)
				p.capData[p.ambient[i]>>5].Inheritable |= 1 << (p.ambient[i] & 31)
			}
			step = stepCapset
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
			step = stepAmbient
			for i = 0; i < len(p.ambient); i++ {
				if _, _, e1 = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, p.ambient[i], 0, 0, 0); e1 != 0 {
					goto fail
				}
			}
		}
	}
	if p.pause.Sec != 0 || p.pause.Nsec != 0 {
		syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&p.pause)), 0, 0)
	}
	// execveat through the memfd needs no /proc in the target.
	step = stepExec
	_, _, e1 = syscall.RawSyscall6(unix.SYS_EXECVEAT, launchExeFD, uintptr(unsafe.Pointer(p.emptyPath)),
		uintptr(unsafe.Pointer(&p.argv[0])), uintptr(unsafe.Pointer(&p.envv[0])), unix.AT_EMPTY_PATH, 0)

fail:
	report[0], report[1] = step, uint32(e1)
	syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p.errPipe[1]), uintptr(unsafe.Pointer(&report[0])), 8)
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
	}
}
