package text

import (
	"testing"

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

// TestMain installs the family's applets (toolstest.Main).
func TestMain(m *testing.M) { toolstest.Main(m, Applets) }
