// Package all links every applet family into the binary: import it for its side effects.
package all

import (
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/archive"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/files"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/netx"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/proc"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/shell"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/text"
)
