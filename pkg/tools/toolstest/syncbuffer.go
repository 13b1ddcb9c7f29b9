package toolstest

import (
	"bytes"
	"sync"
)

// SyncBuffer is a bytes.Buffer that a writer goroutine (an applet, a child process, a
// pseudo-terminal's reader) and the reading test may use at once.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
