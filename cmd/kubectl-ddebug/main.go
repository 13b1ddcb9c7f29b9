// Command kubectl-ddebug is the whole product in one binary, multi-call by argv[0]:
// kubectl-ddebug (the kubectl plugin) and ddebug (the container-host tool) run the command
// line; any toolbox applet name (sh, ls, ps, ...) runs that applet. toolbox.Main dispatches.
// Started as a stage of `ddebug exec` (launcher, session), it runs that stage from
// internal/sessionstart's package initialisation, before the command line's packages
// initialise.
package main

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/internal/sessionstart" // stages of ddebug exec, from init
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func main() {
	os.Exit(toolbox.Main(os.Args, cli.Main))
}
