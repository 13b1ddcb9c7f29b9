// Command ddebug-launch is the launcher of `ddebug exec` alone (see nsenter.Launch): the
// stage that joins the target's namespaces and forks the session there. The plugin embeds
// it; being small, its copy into a sealed memfd and its start cost little, where the
// toolbox (which can launch too) would cost a few milliseconds more per session.
//
// Linked with -ldflags=-E=github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry
// (the Makefile and the release do, on amd64 and arm64), it never starts the Go runtime:
// that entry, in assembly, gives the process a stack and a goroutine descriptor that Go
// code can run on without a scheduler, heap or signal handlers, and calls nsenter.LaunchWithoutRuntime, whose raw system calls on static
// memory are the launcher's whole cost. Built plainly (go install), main runs
// nsenter.Launch with the runtime, which does the same.
package main

import (
	"fmt"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

func main() {
	if !nsenter.IsLauncher(os.Args) {
		fmt.Fprintln(os.Stderr, "ddebug-launch: started by ddebug exec, not by hand")
		os.Exit(2)
	}
	os.Exit(nsenter.Launch())
}
