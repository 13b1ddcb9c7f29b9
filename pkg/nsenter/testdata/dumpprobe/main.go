// Command dumpprobe is a session program for tests: it prints whether the kernel started
// it dumpable (prctl PR_GET_DUMPABLE), before anything could change that, and exits.
package main

import (
	"fmt"
	"syscall"
)

func main() {
	r, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_GET_DUMPABLE, 0, 0)
	if errno != 0 {
		fmt.Println("prctl:", errno)
		return
	}
	fmt.Println("dumpable", r)
}
