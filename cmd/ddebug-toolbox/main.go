// Command ddebug-toolbox is the toolbox alone: a static multi-call binary holding the shell
// and the applets, and nothing of Kubernetes or the container runtimes. It is what goes into
// the toolbox image and what `ddebug exec` runs inside a container.
package main

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func main() {
	os.Exit(toolbox.Main(os.Args, nil))
}
