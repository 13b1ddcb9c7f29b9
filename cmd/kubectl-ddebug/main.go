// Command kubectl-ddebug is the whole product in one binary, multi-call by argv[0]:
// kubectl-ddebug (the kubectl plugin) and ddebug (the container-host tool) run the command
// line; any toolbox applet name (sh, ls, ps, ...) runs that applet. toolbox.Main dispatches.
// Started as a stage of `ddebug exec`, it runs that stage from a package's initialisation,
// before the command line's packages initialise: the launcher from internal/launchstart's,
// the session from internal/sessionstart's.
package main

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/internal/launchstart"  // the launcher stage, from init
	_ "github.com/kubectl-ddebug/kubectl-ddebug/internal/sessionstart" // the session stage, from init
	"github.com/kubectl-ddebug/kubectl-ddebug/internal/startgc"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func main() {
	startgc.On() // off while the packages initialised
	os.Exit(toolbox.Main(os.Args, cli.Main))
}
