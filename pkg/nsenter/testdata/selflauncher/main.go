// Command selflauncher holds pkg/nsenter as a plugin installed alone does, for tests:
// started as the launcher, it launches (nsenter.Launch); else it prints the address of its
// launcher entry (nsenter.LauncherEntry), where a copy of it starts without the Go runtime.
package main

import (
	"fmt"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

func main() {
	if nsenter.IsLauncher(os.Args) {
		os.Exit(nsenter.Launch())
	}
	fmt.Printf("%d\n", nsenter.LauncherEntry())
}
