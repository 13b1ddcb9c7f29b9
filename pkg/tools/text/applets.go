package text

import (
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/text/awk"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/text/grep"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/text/patch"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/text/sed"
)

// Applets is every applet of the family, one line each, sorted by name: package all
// installs it, and a new applet (one file, named after it) adds its line here.
var Applets = []*tools.Applet{
	&awk.Awk,
	&Cmp,
	&Comm,
	&Cut,
	&Diff,
	&Expand,
	&Fold,
	&grep.Grep,
	&Nl,
	&Paste,
	&patch.Patch,
	&Rev,
	&sed.Sed,
	&Shuf,
	&Sort,
	&Tac,
	&Tr,
	&Uniq,
}
