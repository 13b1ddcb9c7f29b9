package startgc

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestOn: after On the collector runs at the GOGC the process started with, and a second
// On changes nothing.
func TestOn(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: init left the collector alone")
	}
	if !off {
		t.Fatal("init did not turn the collector off")
	}
	On()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after On = %d, want 100", got)
	}
	debug.SetGCPercent(50)
	On()
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("a second On changed GOGC to %d", got)
	}
}
