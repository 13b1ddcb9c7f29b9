package awk

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// The helpers every test of the package uses (package toolstest).
var (
	writeFiles = toolstest.WriteFiles
	golden     = toolstest.Golden
	textTree   = toolstest.TextTree
	run        = toolstest.Run
)

// TestMain installs awk alone (toolstest.Main).
func TestMain(m *testing.M) { toolstest.Main(m, []*tools.Applet{&Awk}) }
