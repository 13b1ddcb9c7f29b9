package files

import (
	"os"
	"strings"
	"testing"
)

func TestLsLongNames(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: files must be owned by uid 0 to check the name lookup")
	}
	dir := fixedTree(t)
	out, _, st := run(t, dir, "", "ls", "-l", "a.txt", "link")
	if st != 0 || !strings.Contains(out, " root root ") || !strings.Contains(out, "link -> a.txt") {
		t.Errorf("ls -l: %q", out)
	}
	out, _, _ = run(t, dir, "", "ls", "-n", "a.txt")
	if !strings.Contains(out, " 0 0 ") {
		t.Errorf("ls -n: %q", out)
	}
}

func TestLsDevice(t *testing.T) {
	out, _, st := run(t, "/", "", "ls", "-l", "/dev/null")
	if st != 0 || !strings.HasPrefix(out, "crw-rw-rw-") || !strings.Contains(out, "1, 3 ") {
		t.Errorf("ls -l /dev/null: %q", out)
	}
}
