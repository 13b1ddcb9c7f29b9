//go:build linux

package files

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// TestDfTmpfs compares df with GNU df on a small tmpfs of the test's own, whose numbers
// nothing else changes: the layout (Filesystem padded to 14, numbers right-aligned to at
// least 5) and the values must be the same.
func TestDfTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	df := gnu(t, "df", "coreutils")
	dir := filepath.Join(t.TempDir(), "mnt")
	os.Mkdir(dir, 0o755)
	if err := unix.Mount("ddebugtest", dir, "tmpfs", 0, "size=4m,nr_inodes=1000"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	writeFiles(t, dir, map[string]string{"f": strings.Repeat("x", 100<<10)})
	for _, args := range [][]string{
		{"df", "."}, {"df", "-T", "."}, {"df", "-h", "."}, {"df", "-i", "."}, {"df", "-P", "."},
		{"df", "-k", "f"}, {"df", "-hT", "f", "."}, {"df", "-t", "tmpfs", "."},
	} {
		want, wantCode := runGNU(t, dir, "", append([]string{df}, args[1:]...)...)
		got, stderr, code := run(t, dir, "", args...)
		if code != wantCode || got != want {
			t.Errorf("%v = %d %q (-GNU +ours):\n%s", args, code, stderr, cmp.Diff(want, got))
		}
	}
	got, _, _ := run(t, dir, "", "df", ".")
	if first, _, _ := strings.Cut(got, "\n"); first != "Filesystem     1K-blocks  Used Available Use% Mounted on" {
		t.Errorf("df header %q", first)
	}
}

var digits = regexp.MustCompile(`[0-9]`)

// TestDfGolden compares the whole table with GNU df: which file systems are listed (one
// per device without -a, no proc or sysfs) and the columns. Other processes write to the
// disks meanwhile, so digits are compared as digits, not values, and a difference is
// retried before it counts.
func TestDfGolden(t *testing.T) {
	df := gnu(t, "df", "coreutils")
	for _, args := range [][]string{{"df"}, {"df", "-T"}, {"df", "-h"}, {"df", "-i"}, {"df", "-P"}, {"df", "-a"}} {
		var diff string
		for attempt := 0; attempt < 5; attempt++ {
			want, _ := runGNU(t, "/", "", append([]string{df}, args[1:]...)...)
			got, _, _ := run(t, "/", "", args...)
			if diff = cmp.Diff(digits.ReplaceAllString(want, "9"), digits.ReplaceAllString(got, "9")); diff == "" {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if diff != "" {
			t.Errorf("%v, digits masked (-GNU +ours):\n%s", args, diff)
		}
	}
}
