package grep

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// The helpers every test of the package uses (package toolstest).
var (
	run        = toolstest.Run
	gnu        = toolstest.GNU
	runGNU     = toolstest.RunGNU
	writeFiles = toolstest.WriteFiles
	golden     = toolstest.Golden
	textTree   = toolstest.TextTree
	sortLines  = toolstest.SortLines
)

// TestMain installs grep alone (toolstest.Main).
func TestMain(m *testing.M) { toolstest.Main(m, []*tools.Applet{&Grep}) }
