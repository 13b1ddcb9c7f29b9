package files

import (
	"os"
	"os/exec"
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

// TestLsSizeGolden: -s prints the KiB each file uses, and the total, as GNU ls does.
func TestLsSizeGolden(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a": strings.Repeat("x", 5000), "b": "", "c/d": "d", "big": strings.Repeat("y", 200000)})
	for _, args := range [][]string{{"-1s"}, {"-s"}, {"-1si"}, {"-sh"}, {"-1s", "c"}} {
		cmd := exec.Command("ls", args...)
		cmd.Dir, cmd.Env = dir, []string{"LC_ALL=C", "COLUMNS=80"}
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("GNU ls %v: %v", args, err)
		}
		if got, e, _ := run(t, dir, "", append([]string{"ls"}, args...)...); got != string(want) {
			t.Errorf("ls %v: %q %s, want %q", args, got, e, want)
		}
	}
}

// TestLsInodeWidthGolden: inode numbers are right-aligned to the widest in the listing, in
// columns and one per line, as GNU ls does. /proc's inode is always 1; a temporary
// directory's has several digits, so the padding shows whatever the machine.
func TestLsInodeWidthGolden(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"-1id", "/proc", dir}, {"-id", "/proc", dir}, {"-1sid", "/proc", dir}} {
		cmd := exec.Command("ls", args...)
		cmd.Env = []string{"LC_ALL=C", "COLUMNS=80"}
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("GNU ls %v: %v", args, err)
		}
		if !strings.HasPrefix(string(want), " ") {
			t.Fatalf("GNU ls %v: %q: the inode column is not padded, so this case checks nothing", args, want)
		}
		if got, e, _ := run(t, "/", "", append([]string{"ls"}, args...)...); got != string(want) {
			t.Errorf("ls %v: %q %s, want %q", args, got, e, want)
		}
	}
}
