// Command selflauncher holds pkg/nsenter as a plugin installed alone does, for tests:
// started as the launcher, it launches (nsenter.Launch); with the argument "init", it says
// whether its package's init ran; else it prints the address of its launcher entry
// (nsenter.LauncherEntry), where a copy of it starts without the Go runtime.
package main

import (
	"fmt"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

var initRan bool

func init() { initRan = true }

func main() {
	if nsenter.IsLauncher(os.Args) {
		os.Exit(nsenter.Launch())
	}
	if len(os.Args) > 1 && os.Args[1] == "init" {
		fmt.Println("init ran:", initRan)
		return
	}
	fmt.Printf("%d\n", nsenter.LauncherEntry())
}
