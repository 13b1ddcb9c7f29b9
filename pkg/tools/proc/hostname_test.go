package proc

import (
	"os/exec"
	"testing"
)

// TestHostnameGolden: -f, -d, -i and -s print what Debian's hostname prints.
func TestHostnameGolden(t *testing.T) {
	for _, flag := range []string{"-f", "-d", "-i", "-s"} {
		want, err := exec.Command(requireTool(t, "hostname"), flag).Output()
		if err != nil {
			t.Fatalf("hostname %s: %v", flag, err)
		}
		if got, e, st := run(t, "hostname", flag); got != string(want) || st != 0 {
			t.Errorf("hostname %s: %q (status %d, %s), want %q", flag, got, st, e, want)
		}
	}
}
