package nsenter

import (
	"runtime"
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
	launchStatusFD = 7 // back to ddebug: "ok" or "err <step> <errno>", then "signal N" if the session died of one
	launchSelfFD   = 8 // the launcher's own memfd, exec'd through /proc/self/fd/8
)

// launcherFailed is the launcher's exit code when the session could not be started.
const launcherFailed = 125

// The launcher's memory is static: it may run without the Go runtime (LaunchWithoutRuntime),
// with no heap and no stack growth, so everything it keeps lives in these variables.
// None holds a Go pointer (the garbage collector of a program that launches with the
// runtime has nothing to scan in them).
var (
	launchBuf  [launchMaxConfig / 8]uint64   // the configuration as read (uint64: aligned)
	launchPtrs [launchMaxStrings + 2]uintptr // argv, NULL, envp, NULL: pointers into launchBuf
	launchPath [64]byte                      // /proc/<pid>/ns/<kind>, NUL-terminated
	launchNS   [len(nsKinds)]int32           // namespace descriptors (kernels before 5.8)
	launchPlan forkPlan
)

// The namespaces joined, in the order setns is called when a pidfd cannot join them at
// once; the names end with a NUL, for the system call.
var (
	nsKinds = [...]string{"ipc\x00", "uts\x00", "net\x00", "cgroup\x00", "pid\x00", "mnt\x00"}
	nsFlags = [...]uintptr{unix.CLONE_NEWIPC, unix.CLONE_NEWUTS, unix.CLONE_NEWNET, unix.CLONE_NEWCGROUP, unix.CLONE_NEWPID, unix.CLONE_NEWNS}
)

// Launch is the launcher's whole life in a program that runs with the Go runtime (one
// calls it when IsLauncher(os.Args)): it starts the session in the target's namespaces,
// waits for it, and returns the exit code to end with, the session's own (128+N after
// signal N). It does what LaunchWithoutRuntime does, on a thread of its own.
func Launch() int {
	result := make(chan int, 1)
	go func() {
		// This thread enters the target and is the session's parent: the session's
		// parent-death signal is tied to it, so it is never given back and ends with the
		// goroutine, once the session is gone.
		runtime.LockOSThread()
		result <- launchCore(true)
	}()
	return <-result
}

// LaunchWithoutRuntime is Launch for a program entered without the Go runtime (see
// cmd/ddebug-launch): no thread, heap or signal handler was ever set up, and none may be
// needed. argv0 is the process's argv[0] as the kernel laid it out (nil if none). Only raw
// system calls on static memory run here: the launcher's start costs no more than its
// exec, where the Go runtime's start took over a millisecond.
func LaunchWithoutRuntime(argv0 *byte) int {
	if !isLauncherArg(argv0) {
		const msg = "ddebug-launch: started by ddebug exec, not by hand\n"
		syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(unsafe.StringData(msg))), uintptr(len(msg)))
		return 2
	}
	return launchCore(false)
}

// LauncherEntry is the address, in this program, of an entry point that calls
// LaunchWithoutRuntime without starting the Go runtime (0 where there is none: not amd64).
// A copy of this very program whose ELF header names it as its entry is a launcher that
// costs no more than cmd/ddebug-launch linked with -E: a plugin installed alone keeps one
// in the store (Executable.Entry), where starting itself as the launcher would start its
// runtime and initialise 150 packages first.
func LauncherEntry() uint64 { return uint64(launchEntryPC()) }

// isLauncherArg is IsLauncher for a C string.
func isLauncherArg(s *byte) bool {
	if s == nil {
		return false
	}
	for i := 0; i <= len(LauncherArg0); i++ {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(s), i))
		if i == len(LauncherArg0) {
			return c == 0
		}
		if c != LauncherArg0[i] {
			return false
		}
	}
	return false
}

// Codes of the launcher's failures before the session's child runs (the child's own are
// the steps below), reported as "err <step> <errno>": launchFailure makes them messages.
const (
	stepDumpable = 32 + iota
	stepReadConfig
	stepBadConfig
	stepOpenUserNS
	stepTargetGone
	stepUnshareFS
	stepSetns
	stepDropBnd
	stepClearAmb
	stepNoNewPrivs
	stepThreadCapget
	stepThreadCapset
	stepStartPipe
	stepFork
	stepGarbled
	stepOpenNS = 64 // + the namespace's index in nsKinds
	stepJoinNS = 80 // + the namespace's index in nsKinds
)

// launchCore is Launch and LaunchWithoutRuntime: rt says whether the Go runtime runs (its
// fork hooks must run then, and blocking calls tell the scheduler).
func launchCore(rt bool) int {
	raw(unix.SYS_CLOSE, launchSelfFD, 0, 0) // /proc/self/exe holds the program; nothing needs the descriptor
	// Non-dumpable, and so is the forked child until its exec (the flag is copied with the
	// memory): without CAP_SYS_PTRACE the container cannot touch it at all.
	if e := raw(unix.SYS_PRCTL, unix.PR_SET_DUMPABLE, 0, 0); e != 0 {
		return fail(stepDumpable, e)
	}
	// Only stdio and the session's configuration cross the exec into the session.
	if e := raw(unix.SYS_CLOSE_RANGE, launchConfigFD, ^uintptr(0), unix.CLOSE_RANGE_CLOEXEC); e != 0 {
		for fd := uintptr(launchConfigFD); fd <= launchStatusFD; fd++ {
			raw(unix.SYS_FCNTL, fd, unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
	buf := (*[launchMaxConfig]byte)(unsafe.Pointer(&launchBuf))
	n := 0
	for n < len(buf) {
		m, e := blocking(rt, unix.SYS_READ, launchConfigFD, uintptr(unsafe.Pointer(&buf[n])), uintptr(len(buf)-n), 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return fail(stepReadConfig, e)
		}
		if m == 0 {
			break
		}
		n += int(m)
	}
	raw(unix.SYS_CLOSE, launchConfigFD, 0, 0)
	p := &launchPlan
	h, ok := parseLaunch(buf[:n], p)
	if !ok || n == len(buf) {
		return fail(stepBadConfig, 0)
	}
	if p.userNS {
		// The target's user namespace, opened while /proc is still the host's, for the
		// forked child to join (setns through the pidfd could do it too, but not before
		// Linux 5.8). The pidfd still naming a live process proves the PID was not reused.
		fd, _, e := syscall.RawSyscall6(unix.SYS_OPENAT, atFDCWD, nsPath(h.pid, "user\x00"), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
		if e != 0 {
			return fail(stepOpenUserNS, e)
		}
		if _, _, e = syscall.RawSyscall6(unix.SYS_PIDFD_SEND_SIGNAL, launchPidFD, 0, 0, 0, 0, 0); e != 0 {
			return fail(stepTargetGone, e)
		}
		p.userNSFD = uintptr(fd)
	}
	if step, e := enterNamespaces(h.pid); e != 0 {
		return fail(step, e)
	}
	raw(unix.SYS_CLOSE, launchPidFD, 0, 0)
	if step, e := narrowThread(p, h.flags&launchNoNewPrivs != 0); e != 0 {
		return fail(step, e)
	}
	pid, step, e := startSession(p, rt)
	if e != 0 || step != 0 {
		return fail(step, e)
	}
	say("ok\n", 0)
	var ws syscall.WaitStatus
	for {
		_, e := blocking(rt, unix.SYS_WAIT4, uintptr(pid), uintptr(unsafe.Pointer(&ws)), 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 255
		}
		// The exit code cannot tell a session killed by a signal from a command that
		// exits 128+N: the last line can.
		if ws.Signaled() {
			say("signal ", uint32(ws.Signal()))
		}
		return statusCode(ws)
	}
}

// atFDCWD is unix.AT_FDCWD as a system call's argument.
const atFDCWD = ^uintptr(0) - 99 // -100

// raw makes a system call that does not block and returns its error.
func raw(trap, a1, a2, a3 uintptr) syscall.Errno {
	_, _, e := syscall.RawSyscall(trap, a1, a2, a3)
	return e
}

// blocking makes a system call that may block: with the runtime, through syscall.Syscall6,
// so the scheduler knows.
func blocking(rt bool, trap, a1, a2, a3, a4 uintptr) (uintptr, syscall.Errno) {
	if rt {
		r, _, e := syscall.Syscall6(trap, a1, a2, a3, a4, 0, 0)
		return r, e
	}
	r, _, e := syscall.RawSyscall6(trap, a1, a2, a3, a4, 0, 0)
	return r, e
}

// say writes a line on the status descriptor: msg, then num in decimal and a newline if
// num is not 0 (msg alone must end with its newline then).
func say(msg string, num uint32) {
	var line [64]byte
	n := copy(line[:], msg)
	if num != 0 {
		n += putNum(line[n:], num)
		line[n] = '\n'
		n++
	}
	syscall.RawSyscall(unix.SYS_WRITE, launchStatusFD, uintptr(unsafe.Pointer(&line[0])), uintptr(n))
}

// fail reports a failure ("err <step> <errno>") and returns the launcher's exit code.
func fail(step int, e syscall.Errno) int {
	var line [32]byte
	n := copy(line[:], "err ")
	n += putNum(line[n:], uint32(step))
	line[n] = ' '
	n++
	n += putNum(line[n:], uint32(e))
	line[n] = '\n'
	n++
	syscall.RawSyscall(unix.SYS_WRITE, launchStatusFD, uintptr(unsafe.Pointer(&line[0])), uintptr(n))
	return launcherFailed
}

// putNum writes v in decimal at the start of b and returns its length.
func putNum(b []byte, v uint32) int {
	var d [10]byte
	i := len(d)
	for {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return copy(b, d[i:])
}

// nsPath writes /proc/<pid>/ns/<kind> into launchPath and returns its address; kind ends
// with a NUL.
func nsPath(pid uint32, kind string) uintptr {
	n := copy(launchPath[:], "/proc/")
	n += putNum(launchPath[n:], pid)
	n += copy(launchPath[n:], "/ns/")
	copy(launchPath[n:], kind)
	return uintptr(unsafe.Pointer(&launchPath[0]))
}

// launchHeader is the fixed head of the launch configuration (see launchConfig).
type launchHeader struct {
	magic             uint64
	flags, pid        uint32
	bounding, ambient uint64
	uid, gid          uint32
	ngroups, pauseMS  uint32
	argc, envc        uint32
}

// parseLaunch checks the configuration in b (8-byte aligned, in launchBuf or a copy of
// its layout) and fills p from it; the session's argv and environment are pointers into b,
// gathered in launchPtrs.
func parseLaunch(b []byte, p *forkPlan) (*launchHeader, bool) {
	if len(b) < launchHeaderSize {
		return nil, false
	}
	h := (*launchHeader)(unsafe.Pointer(&b[0]))
	const known = launchTTY | launchKeepAll | launchNoNewPrivs | launchHasCred | launchUserNS
	if h.magic != launchMagic || h.flags&^known != 0 || h.pid == 0 || h.pid > 1<<31-1 ||
		h.ngroups > launchMaxGroups || h.argc == 0 || h.argc > launchMaxStrings || h.envc > launchMaxStrings-h.argc {
		return nil, false
	}
	off := launchHeaderSize + (int(h.ngroups)*4+7)&^7
	if off > len(b) {
		return nil, false
	}
	*p = forkPlan{tty: h.flags&launchTTY != 0, setCred: h.flags&launchHasCred != 0, userNS: h.flags&launchUserNS != 0,
		keepAll: h.flags&launchKeepAll != 0, bounding: h.bounding, ambient: h.ambient, uid: uintptr(h.uid), gid: uintptr(h.gid),
		ngroups: uintptr(h.ngroups)}
	if h.ngroups > 0 {
		p.groups = uintptr(unsafe.Pointer(&b[launchHeaderSize]))
	}
	if p.userNS && !p.setCred {
		return nil, false // a user namespace to join, but no ids to take in it
	}
	p.pause = unix.NsecToTimespec(int64(h.pauseMS) * 1e6)
	p.capHdr.Version = unix.LINUX_CAPABILITY_VERSION_3
	// argv, then a NULL, then the environment and a NULL.
	slot := 0
	for i := uint32(0); i < h.argc+h.envc; i++ {
		if i == h.argc {
			launchPtrs[slot] = 0
			slot++
		}
		if off >= len(b) {
			return nil, false
		}
		launchPtrs[slot] = uintptr(unsafe.Pointer(&b[off]))
		slot++
		for off < len(b) && b[off] != 0 {
			off++
		}
		if off == len(b) {
			return nil, false // no NUL
		}
		off++
	}
	if off != len(b) {
		return nil, false
	}
	if h.envc == 0 {
		launchPtrs[slot] = 0
		slot++
	}
	launchPtrs[slot] = 0
	p.argv = uintptr(unsafe.Pointer(&launchPtrs[0]))
	p.envv = uintptr(unsafe.Pointer(&launchPtrs[h.argc+1]))
	return h, true
}

// enterNamespaces joins the namespaces of the target on the calling thread, through the
// pidfd at once, else (kernels before 5.8) through /proc/<pid>/ns one by one.
func enterNamespaces(pid uint32) (int, syscall.Errno) {
	// Go's threads share one fs_struct; a thread must own its own to join a mount namespace.
	if e := raw(unix.SYS_UNSHARE, unix.CLONE_FS, 0, 0); e != 0 {
		return stepUnshareFS, e
	}
	var flags uintptr
	for _, f := range nsFlags {
		flags |= f
	}
	e := raw(unix.SYS_SETNS, launchPidFD, flags, 0)
	if e != unix.EINVAL {
		if e != 0 {
			return stepSetns, e
		}
		return 0, 0
	}
	// The pidfd call joins all or none, so the thread is still in the caller's namespaces
	// and /proc is still the host's while the files are opened.
	for i := range nsKinds {
		fd, _, e := syscall.RawSyscall6(unix.SYS_OPENAT, atFDCWD, nsPath(pid, nsKinds[i]), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
		launchNS[i] = int32(fd)
		if e != 0 {
			launchNS[i] = -1
			if e == unix.ENOENT && nsFlags[i] == unix.CLONE_NEWCGROUP {
				continue // kernels without cgroup namespaces
			} else if e == unix.ENOENT || e == unix.ESRCH {
				return stepTargetGone, e
			} else {
				return stepOpenNS + i, e
			}
		}
	}
	for i := range nsKinds {
		if launchNS[i] < 0 {
			continue
		}
		if e := raw(unix.SYS_SETNS, uintptr(launchNS[i]), nsFlags[i], 0); e != 0 {
			return stepJoinNS + i, e
		}
		raw(unix.SYS_CLOSE, uintptr(launchNS[i]), 0, 0)
	}
	return 0, 0
}

// narrowThread narrows the calling thread's capabilities so the child it forks gets
// exactly the session's: a bounding set equal to the target's, no inheritable or ambient
// capabilities leaking from the caller, and DAC_OVERRIDE/DAC_READ_SEARCH out of the
// effective set, so that exec of the unreadable session program makes the session
// non-dumpable from its first instruction (the exec'd root process gets its effective set
// back).
func narrowThread(p *forkPlan, noNewPrivs bool) (int, syscall.Errno) {
	if !p.keepAll {
		for c := uintptr(0); c <= 63; c++ {
			if p.bounding&(1<<c) != 0 {
				continue
			}
			if e := raw(unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, c, 0); e == unix.EINVAL {
				break // past the kernel's last capability
			} else if e != 0 {
				return stepDropBnd, e
			}
		}
	}
	if e := raw(unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0); e != 0 && e != unix.EINVAL {
		return stepClearAmb, e
	}
	if noNewPrivs {
		if e := raw(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); e != 0 {
			return stepNoNewPrivs, e
		}
	}
	if p.userNS {
		// The child needs CAP_SYS_ADMIN of the host to join the target's user namespace,
		// and narrows its capabilities there itself (forkSession). Until it has, its
		// credentials and memory belong to the host's user namespace, where no process of
		// the container holds any capability: the container cannot touch it.
		return 0, 0
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if e := raw(unix.SYS_CAPGET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return stepThreadCapget, e
	}
	// Between fork and exec the child is already in the target's PID namespace, visible to
	// its processes: it must hold no more than the session will, so the thread's permitted
	// and effective sets shrink to the bounding set too (exec then gives root exactly that).
	keep := p.bounding
	if p.keepAll {
		keep = ^uint64(0)
	}
	for i := range data {
		data[i].Inheritable = 0
		data[i].Permitted &= uint32(keep >> (32 * i))
		data[i].Effective &= data[i].Permitted
	}
	data[unix.CAP_DAC_OVERRIDE>>5].Effective &^= 1 << (unix.CAP_DAC_OVERRIDE & 31)
	data[unix.CAP_DAC_READ_SEARCH>>5].Effective &^= 1 << (unix.CAP_DAC_READ_SEARCH & 31)
	if e := raw(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return stepThreadCapset, e
	}
	return 0, 0
}

// forkPlan is everything the forked child needs, prepared before the fork: between fork
// and exec the child may only make raw system calls on memory that already exists.
type forkPlan struct {
	argv, envv uintptr // NULL-terminated arrays of C strings (launchPtrs)
	emptyPath  [1]byte
	tty        bool
	pause      unix.Timespec
	setCred    bool
	userNS     bool    // join the user namespace of userNSFD after setgroups
	userNSFD   uintptr // the target's user namespace
	keepAll    bool
	bounding   uint64
	ambient    uint64 // capabilities to raise
	uid, gid   uintptr
	groups     uintptr // ngroups uint32s
	ngroups    uintptr
	capHdr     unix.CapUserHeader
	capData    [2]unix.CapUserData
	errPipe    [2]int32
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

// startSession forks the session from the calling thread and returns its PID once it has
// exec'd, or the step that failed and its error.
func startSession(p *forkPlan, rt bool) (int, int, syscall.Errno) {
	if e := raw(unix.SYS_PIPE2, uintptr(unsafe.Pointer(&p.errPipe[0])), unix.O_CLOEXEC, 0); e != 0 {
		return 0, stepStartPipe, e
	}
	pid, e := forkSession(p, rt)
	raw(unix.SYS_CLOSE, uintptr(p.errPipe[1]), 0, 0)
	if e != 0 {
		raw(unix.SYS_CLOSE, uintptr(p.errPipe[0]), 0, 0)
		return 0, stepFork, e
	}
	// The start pipe closes on the exec; before that, the child writes the step that failed.
	var report [2]uint32
	n := 0
	for n < 8 {
		m, e := blocking(rt, unix.SYS_READ, uintptr(p.errPipe[0]), uintptr(unsafe.Pointer(&report))+uintptr(n), uintptr(8-n), 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 || m == 0 {
			break
		}
		n += int(m)
	}
	raw(unix.SYS_CLOSE, uintptr(p.errPipe[0]), 0, 0)
	if n == 0 {
		return pid, 0, 0
	}
	var ws syscall.WaitStatus
	for {
		if _, e := blocking(rt, unix.SYS_WAIT4, uintptr(pid), uintptr(unsafe.Pointer(&ws)), 0, 0); e != unix.EINTR {
			break
		}
	}
	if n != 8 || report[0] < stepSetsid || report[0] > stepExec {
		return 0, stepGarbled, 0
	}
	return 0, int(report[0]), syscall.Errno(report[1])
}

//go:linkname beforeFork syscall.runtime_BeforeFork
func beforeFork()

//go:linkname afterFork syscall.runtime_AfterFork
func afterFork()

//go:linkname afterForkInChild syscall.runtime_AfterForkInChild
func afterForkInChild()

// forkSession forks without CLONE_VM (the child gets a copy of the launcher's memory, not
// a share of it), and in the child sets up the session and execs the session program.
// After the fork the child runs no Go code that could grow the stack or allocate: only raw
// system calls on what p holds, as in the standard library's forkAndExecInChild. rt says
// whether the Go runtime runs, whose fork hooks must run then.
//
//go:norace
//go:noinline
func forkSession(p *forkPlan, rt bool) (pid int, err syscall.Errno) {
	var (
		r1     uintptr
		e1     syscall.Errno
		step   uint32
		i      uintptr
		report [2]uint32
	)
	if rt {
		beforeFork()
	}
	r1, _, e1 = syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e1 != 0 || r1 != 0 {
		if rt {
			afterFork()
		}
		return int(r1), e1
	}

	// The child.
	if rt {
		afterForkInChild()
	}
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
		if p.ambient != 0 {
			step = stepKeepCaps
			if _, _, e1 = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_KEEPCAPS, 1, 0, 0, 0, 0); e1 != 0 {
				goto fail
			}
		}
		// The groups are the host's ids, set while the child is still the host's root: in
		// the target's user namespace, setgroups may be denied, and groups of the host's
		// left in place would still grant access there.
		step = stepSetgroups
		if _, _, e1 = syscall.RawSyscall(syscall.SYS_SETGROUPS, p.ngroups, p.groups, 0); e1 != 0 {
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
					if p.bounding&(1<<i) != 0 {
						continue
					}
					if _, _, e1 = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_CAPBSET_DROP, i, 0, 0, 0, 0); e1 == syscall.EINVAL {
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
			// As in narrowThread: nothing beyond the bounding set, nothing inheritable, and
			// no DAC override in effect at the exec, so the session starts non-dumpable.
			step = stepNarrow
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
			for i = 0; i < 2; i++ {
				if !p.keepAll {
					p.capData[i].Permitted &= uint32(p.bounding >> (32 * i))
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
		if p.ambient != 0 {
			step = stepCapget
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
			for i = 0; i < 64; i++ {
				if p.ambient&(1<<i) != 0 {
					p.capData[i>>5].Permitted |= 1 << (i & 31)
					p.capData[i>>5].Inheritable |= 1 << (i & 31)
				}
			}
			step = stepCapset
			if _, _, e1 = syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&p.capHdr)), uintptr(unsafe.Pointer(&p.capData[0])), 0); e1 != 0 {
				goto fail
			}
			step = stepAmbient
			for i = 0; i < 64; i++ {
				if p.ambient&(1<<i) == 0 {
					continue
				}
				if _, _, e1 = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, i, 0, 0, 0); e1 != 0 {
					goto fail
				}
			}
		}
	}
	if p.pause.Sec != 0 || p.pause.Nsec != 0 {
		syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&p.pause)), 0, 0)
	}
	// execveat through the sealed descriptor needs no /proc in the target.
	step = stepExec
	_, _, e1 = syscall.RawSyscall6(unix.SYS_EXECVEAT, launchExeFD, uintptr(unsafe.Pointer(&p.emptyPath[0])),
		p.argv, p.envv, unix.AT_EMPTY_PATH, 0)

fail:
	report[0], report[1] = step, uint32(e1)
	syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p.errPipe[1]), uintptr(unsafe.Pointer(&report[0])), 8)
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
	}
}
