//go:build linux

package files

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// accessTime is the time line that reading a symbolic link changes: GNU stat reads the
// link before we do, so its access time may legitimately differ from ours.
var accessTime = regexp.MustCompile(`(?m)^Access: [0-9]{4}-.*$`)

// TestStatDefaultGolden compares stat's default output with GNU coreutils stat: the
// tab-separated fields, names as they are, the device type of a device and the Birth line.
func TestStatDefaultGolden(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f1": "hello\n", "empty": "", "sp ace": "x", "d/inner": "y"})
	for _, l := range [][2]string{{"f1", "l1"}, {"/dev/null", "devlink"}, {"nowhere", "dangling"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	mask := func(s string) string { return accessTime.ReplaceAllString(s, "Access: (masked)") }
	for _, c := range []struct {
		name string
		post func(string) string
		args []string
	}{
		{"regular", nil, []string{"stat", "f1"}},
		{"empty and spaced", nil, []string{"stat", "empty", "sp ace"}},
		{"directory", nil, []string{"stat", "d", "."}},
		{"symlink", mask, []string{"stat", "l1"}},
		{"dangling symlink", mask, []string{"stat", "dangling"}},
		{"dereferenced", nil, []string{"stat", "-L", "l1"}},
		{"device", nil, []string{"stat", "/dev/null"}},
		{"device through a link", nil, []string{"stat", "-L", "devlink"}},
		{"missing", nil, []string{"stat", "f1", "nope"}},
		{"birth", nil, []string{"stat", "-c", "%n %w %W", "f1", "d"}},
	} {
		t.Run(c.name, func(t *testing.T) { golden(t, dir, "", "coreutils", c.post, c.args...) })
	}
	out, _, _ := run(t, dir, "", "stat", "f1")
	if !strings.HasPrefix(out, "  File: f1\n  Size: 6         \tBlocks: ") || !strings.Contains(out, "\n Birth: ") {
		t.Errorf("stat f1 is not in GNU's default layout:\n%s", out)
	}
}
