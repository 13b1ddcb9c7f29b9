// Command kubectl-ddebug is the whole product in one binary, multi-call by argv[0]:
// kubectl-ddebug (the kubectl plugin) and ddebug (the container-host tool) run the command
// line; any toolbox applet name (sh, ls, ps, ...) runs that applet. toolbox.Main dispatches.
package main

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func main() {
	os.Exit(toolbox.Main(os.Args, cli.Main))
}
