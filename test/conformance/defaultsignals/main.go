// Command defaultsignals runs a command with every signal at its default action and none
// blocked, whatever the caller ignored or blocked (nohup, a background job, a CI runner
// that ignores a real-time signal): BusyBox's ash tests read their own SigIgn and SigBlk,
// so the conformance harness must not pass its parent's dispositions on to them. Nor its
// descriptors above 2: the ash-redir cases list /proc/self/fd, and a runner that leaks a
// descriptor (a session's job pipe, say) would fail them where BusyBox's own runs do not.
//
// It resets each signal with the raw rt_sigaction system call, since the C library and the
// Go runtime both refuse or leave alone signals 32 and 33, then execs the command.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sigaction is the kernel's struct sigaction on linux/amd64 and linux/arm64: handler,
// flags, restorer, mask.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: defaultsignals COMMAND [ARG...]")
		os.Exit(2)
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "defaultsignals: %v\n", err)
		os.Exit(127)
	}
	var dfl sigaction // SIG_DFL is 0
	for sig := 1; sig <= 64; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		// Errors are for signals the kernel does not have; nothing to reset there.
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
	}
	var none uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 2 /* SIG_SETMASK */, uintptr(unsafe.Pointer(&none)), 0, 8, 0, 0)
	// Close-on-exec rather than closed: the Go runtime holds descriptors of its own until
	// the exec. Kernels before 5.11 lack the flag; the suites then see what they were given.
	_ = unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	err = syscall.Exec(path, os.Args[1:], os.Environ())
	fmt.Fprintf(os.Stderr, "defaultsignals: running %s: %v\n", path, err)
	os.Exit(126)
}
