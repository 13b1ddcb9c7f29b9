package shell

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestMain installs the family's applets (toolstest.Main).
func TestMain(m *testing.M) { toolstest.Main(m, Applets) }
