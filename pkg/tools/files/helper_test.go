package files

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
)

// TestMain lets a test run an applet in a child process (toolstest.Command).
func TestMain(m *testing.M) { toolstest.Main(m, Applets) }
