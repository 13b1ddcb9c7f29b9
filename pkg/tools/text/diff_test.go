package text

import (
	"path/filepath"
	"syscall"
	"testing"
)

// diff -r names a FIFO it meets in the trees, as GNU diff does, and never opens it (an
// open would wait for a writer for ever).
func TestDiffTreeWithFIFOs(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a/f": "x\n", "a/e": "", "b/same": "s\n", "a/same": "s\n", "a/h/k": "k\n"})
	for _, p := range []string{"b/f", "a/g", "b/g", "b/h", "a/only", "b/e"} {
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"diff", "-r", "a", "b"}, {"diff", "-rN", "a", "b"}, {"diff", "-ru", "b", "a"}, {"diff", "a", "b"}} {
		golden(t, dir, "", "diffutils", nil, args...)
	}
}
