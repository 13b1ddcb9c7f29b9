package files

import (
	"bytes"
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

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reading test.
type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}
