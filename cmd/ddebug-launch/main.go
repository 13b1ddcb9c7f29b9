// Command ddebug-launch is the launcher of `ddebug exec` alone (see nsenter.Launch): the
// stage that joins the target's namespaces and forks the session there. The plugin embeds
// it; being small, its copy into a sealed memfd and its start cost little, where the
// toolbox (which can launch too) would cost a few milliseconds more per session.
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
