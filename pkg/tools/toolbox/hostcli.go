package toolbox

import (
	"context"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// hasCommandLine says whether this binary also holds ddebug's own command line: Main sets
// it when given one (cmd/kubectl-ddebug, the binary of the node image); the toolbox alone
// has none.
var hasCommandLine bool

// runDdebug runs this very binary as ddebug, through /proc/self/exe: in a node session the
// toolbox is chrooted into the host's root, where the binary has no path.
func runDdebug(ctx context.Context, env *tools.Env, args []string) int {
	if !hasCommandLine && tools.WantsHelp(args) {
		return tools.Usage(env, "ddebug exec|ps|version ...: ddebug's own command line, to enter any container of the node\n"+
			"from a 'kubectl ddebug node/NAME' session (its image holds it); this toolbox alone does not.")
	}
	if !hasCommandLine {
		env.Errorf("ddebug", "this toolbox has no ddebug command line; 'kubectl ddebug node/NAME' sessions have it (the node image), or install ddebug on the host")
		return 127
	}
	return tools.RunProgram(ctx, env, "/proc/self/exe", append([]string{"ddebug"}, args[1:]...))
}
