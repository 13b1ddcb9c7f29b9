//go:build !linux

package shell

import (
	"os"
	"syscall"
	"time"
)

// dieOf ends the process by sig as well as this OS lets it (see die_linux.go).
func dieOf(sig syscall.Signal) {
	syscall.Kill(os.Getpid(), sig)
	time.Sleep(time.Second)
}

// fatalSignals: see die_linux.go.
var fatalSignals = []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGVTALRM,
	syscall.SIGXCPU, syscall.SIGXFSZ, syscall.SIGIO}
