package toolbox

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// HostCLI is set by a binary that also holds ddebug's own command line (cmd/kubectl-ddebug,
// the binary of the node image): the ddebug applet then runs it. The toolbox alone has none.
var HostCLI bool

// runDdebug runs this very binary as ddebug, through /proc/self/exe: in a node session the
// toolbox is chrooted into the host's root, where the binary has no path.
func runDdebug(ctx context.Context, env *tools.Env, args []string) int {
	if !HostCLI && tools.WantsHelp(args) {
		return tools.Usage(env, "ddebug exec|ps|version ...: ddebug's own command line, to enter any container of the node\n"+
			"from a 'kubectl ddebug node/NAME' session (its image holds it); this toolbox alone does not.")
	}
	if !HostCLI {
		env.Errorf("ddebug", "this toolbox has no ddebug command line; 'kubectl ddebug node/NAME' sessions have it (the node image), or install ddebug on the host")
		return 127
	}
	return tools.RunProgram(ctx, env, "/proc/self/exe", append([]string{"ddebug"}, args[1:]...))
}
