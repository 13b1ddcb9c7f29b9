package text

import (
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestDiffRecursiveSpecialFiles: diff -r over trees holding FIFOs, sockets and devices
// (what a hostile target shows) says what GNU diff says of them and opens none; a FIFO
// opened would block for ever, /dev/zero read would never end.
func TestDiffRecursiveSpecialFiles(t *testing.T) {
	dir := toolstest.SpecialTree(t)
	toolstest.GoldenWithin(t, 5*time.Second, dir, "diffutils", nil, "diff", "-r", "a", "b")
	toolstest.GoldenWithin(t, 5*time.Second, dir, "diffutils", nil, "diff", "-rq", "a", "b")
	toolstest.GoldenWithin(t, 5*time.Second, dir, "diffutils", nil, "diff", "a", "b")
}
