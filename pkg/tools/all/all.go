// Package all puts every applet family into the binary: importing it (for its side
// effect) installs each family's table of applets. That one init is all the toolbox runs
// at start for its applets; nothing per applet (see tools.Install).
package all

import (
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/archive"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/files"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/netx"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/proc"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/shell"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/text"
)

func init() {
	for _, t := range [][]*tools.Applet{
		agent.Applets,
		archive.Applets,
		files.Applets,
		netx.Applets,
		proc.Applets,
		shell.Applets,
		text.Applets,
	} {
		tools.Install(t)
	}
}
