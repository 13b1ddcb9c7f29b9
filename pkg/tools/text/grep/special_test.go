package grep

import (
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestGrepRecursiveSpecialFiles: grep -r skips the FIFOs, sockets and devices it meets in
// a tree, unopened, as GNU grep does.
func TestGrepRecursiveSpecialFiles(t *testing.T) {
	dir := toolstest.SpecialTree(t)
	toolstest.GoldenWithin(t, 5*time.Second, dir, "grep", sortLines, "grep", "-r", "x", "a", "b")
	toolstest.GoldenWithin(t, 5*time.Second, dir, "grep", sortLines, "grep", "-rc", "x", ".")
}
