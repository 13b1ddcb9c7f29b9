// Command kubectl-ddebug is the whole product in one binary, multi-call by argv[0]:
// kubectl-ddebug (the kubectl plugin) and ddebug (the container-host tool) run the command
// line; any toolbox applet name (sh, ls, ps, ...) runs that applet.
package main

import (
	"os"
	"path/filepath"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func main() {
	name := filepath.Base(os.Args[0])
	toolbox.HostCLI = true // its ddebug applet runs this binary's command line
	if name != "ddebug" && name != "kubectl-ddebug" &&
		(nsenter.IsSession(os.Args) || nsenter.IsLauncher(os.Args) || name == "ddebug-toolbox" || toolbox.IsApplet(name)) {
		os.Exit(toolbox.Main(os.Args))
	}
	if name != "kubectl-ddebug" {
		name = "ddebug"
	}
	os.Exit(cli.Main(name, os.Args[1:]))
}
