package shell

import (
	"os"
	"syscall"
	"time"
	"unsafe"
)

// dieOf ends the process by sig, with the signal's default action, so that the parent sees
// it killed by sig. The Go runtime keeps its own handler for every signal and drops the
// ones it only forwards (USR1, USR2, ALRM, ...): the kernel's default is set back first.
func dieOf(sig syscall.Signal) {
	var act [4]uint64 // struct sigaction: SIG_DFL, no flags, no restorer, empty mask
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	syscall.Kill(os.Getpid(), sig)
	time.Sleep(time.Second) // the signal is on its way
}

// fatalSignals end a process by default, but the Go runtime only forwards them (a Go
// program does not die of them): the shell catches them and dies of them itself, unless
// trapped. They are caught only where they are not ignored from the start.
var fatalSignals = []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGVTALRM,
	syscall.SIGXCPU, syscall.SIGXFSZ, syscall.SIGIO, syscall.SIGSTKFLT, syscall.SIGPWR}
