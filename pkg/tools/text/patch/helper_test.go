package patch

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// The helpers every test of the package uses (package toolstest).
var (
	run        = toolstest.Run
	gnu        = toolstest.GNU
	writeFiles = toolstest.WriteFiles
)

// TestMain installs patch alone (toolstest.Main).
func TestMain(m *testing.M) { toolstest.Main(m, []*tools.Applet{&Patch}) }
