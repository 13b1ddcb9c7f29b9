//go:build linux

package files

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTeeGolden runs tee and GNU tee on the same input in two directories: standard
// output, messages, status and the files written must be the same, including when an
// output cannot be opened or written (the others still get everything).
func TestTeeGolden(t *testing.T) {
	tee := gnu(t, "tee", "coreutils")
	const input = "one\ntwo\n"
	for _, args := range [][]string{
		{"tee"}, {"tee", "a"}, {"tee", "a", "b", "c"}, {"tee", "-a", "old"}, {"tee", "--append", "old", "a"},
		{"tee", "old"}, {"tee", "a", "nodir/x", "b"}, {"tee", "/dev/full", "a"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			mine, theirs := t.TempDir(), t.TempDir()
			for _, d := range []string{mine, theirs} {
				writeFiles(t, d, map[string]string{"old": "before\n"})
			}
			want, wantCode := runGNU(t, theirs, input, append([]string{tee}, args[1:]...)...)
			got, stderr, code := run(t, mine, input, args...)
			if got != want || code != wantCode {
				t.Errorf("%v = %d %q, GNU %d %q", args, code, got, wantCode, want)
			}
			if strings.Contains(strings.Join(args, " "), "/") != (stderr != "") {
				t.Errorf("%v stderr %q", args, stderr)
			}
			if diff := cmp.Diff(dirFiles(t, theirs), dirFiles(t, mine)); diff != "" {
				t.Errorf("%v files (-GNU +ours):\n%s", args, diff)
			}
		})
	}
	_, stderr, _ := run(t, t.TempDir(), input, "tee", "/dev/full")
	if stderr != "tee: /dev/full: No space left on device\n" {
		t.Errorf("tee /dev/full stderr %q", stderr)
	}
}

// dirFiles maps the names of the files in dir to their contents.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m[e.Name()] = string(b)
	}
	return m
}
