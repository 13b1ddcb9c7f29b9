package signals

import (
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParse(t *testing.T) {
	for s, want := range map[string]syscall.Signal{"9": 9, "0": 0, "64": 64, "KILL": syscall.SIGKILL, "SIGKILL": syscall.SIGKILL,
		"kill": syscall.SIGKILL, "sigterm": syscall.SIGTERM, "IO": syscall.SIGIO, "USR1": syscall.SIGUSR1} {
		if got, ok := Parse(s); !ok || got != want {
			t.Errorf("Parse(%q) = %d %v, want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"65", "-1", "NOPE", "SIG", ""} {
		if got, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %d, want no signal", s, got)
		}
	}
}

// TestTableAsUnix: the table names every signal x/sys/unix names, by the same number.
func TestTableAsUnix(t *testing.T) {
	var n int
	for i := 1; i < 65; i++ {
		want := strings.TrimPrefix(unix.SignalName(syscall.Signal(i)), "SIG")
		if got := Name(syscall.Signal(i)); got != want {
			t.Errorf("Name(%d) = %q, want %q", i, got, want)
		}
		if want != "" {
			n++
		}
	}
	if l := List(); len(l) != n {
		t.Errorf("List() has %d signals, unix %d", len(l), n)
	}
}
