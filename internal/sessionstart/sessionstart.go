package sessionstart

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func init() {
	if nsenter.IsSession(os.Args) {
		os.Exit(toolbox.Main(os.Args, nil))
	}
}
