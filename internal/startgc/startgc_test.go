package startgc

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
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

// TestLeaveOn: the stages of ddebug exec and a process given a GOGC keep the collector on.
func TestLeaveOn(t *testing.T) {
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"kubectl-ddebug", "version"}, false},
		{[]string{"ddebug", "exec", "pid://1"}, false},
		{[]string{nsenter.LauncherArg0}, true},
		{[]string{nsenter.SessionArg0}, true},
		{nil, false},
	} {
		if got := leaveOn(c.args); got != c.want {
			t.Errorf("leaveOn(%q) = %v, want %v", c.args, got, c.want)
		}
	}
	t.Setenv("GOGC", "200")
	if !leaveOn([]string{"kubectl-ddebug"}) {
		t.Error("leaveOn with GOGC=200 = false")
	}
}
