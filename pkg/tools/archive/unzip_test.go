//go:build linux

package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnzipGolden compares unzip with Info-ZIP's on archives made by zip: listing,
// testing, extraction (stored and deflated members, directories, a symbolic link made
// last), -d -j -p -q -o -n, member patterns and -x, an existing file with no answer, a
// missing archive and a member outside the directory.
func TestUnzipGolden(t *testing.T) {
	zipTool := gnu(t, "zip", "zip")
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"a.txt": "hello\n", "d/b": "x\n", "d/e/c.log": strings.Repeat("line\n", 300), "evil": "outside\n"})
	os.Symlink("a.txt", filepath.Join(src, "l"))
	shell(t, src, "touch -d '2024-03-04 05:06:07' a.txt d d/b d/e d/e/c.log; "+zipTool+" -qry t.zip a.txt d l && "+zipTool+" -q0 s.zip a.txt && "+
		"mkdir -p x && cd x && "+zipTool+" -q ../evil.zip ../evil")
	arch := map[string][]byte{}
	for _, n := range []string{"t.zip", "s.zip", "evil.zip"} {
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			t.Fatal(err)
		}
		arch[n] = b
	}
	setup := func(existing bool) func(string) {
		return func(dir string) {
			for n, b := range arch {
				os.WriteFile(filepath.Join(dir, n), b, 0o644)
			}
			if existing {
				os.WriteFile(filepath.Join(dir, "a.txt"), []byte("old\n"), 0o644)
			}
		}
	}
	for _, c := range []struct {
		existing bool
		stdin    string
		args     []string
	}{
		{false, "", []string{"unzip", "t.zip"}}, {false, "", []string{"unzip", "-l", "t.zip"}}, {false, "", []string{"unzip", "-t", "t.zip"}},
		{false, "", []string{"unzip", "s.zip"}}, {false, "", []string{"unzip", "t"}}, {false, "", []string{"unzip", "-d", "out/sub", "t.zip"}},
		{false, "", []string{"unzip", "-j", "t.zip"}}, {false, "", []string{"unzip", "-p", "t.zip", "a.txt", "d/b"}}, {false, "", []string{"unzip", "-q", "t.zip"}},
		{false, "", []string{"unzip", "t.zip", "d/*"}}, {false, "", []string{"unzip", "t.zip", "-x", "d/e/*"}}, {false, "", []string{"unzip", "-l", "t.zip", "nomatch"}},
		{false, "", []string{"unzip", "nonexist.zip"}}, {false, "", []string{"unzip", "evil.zip"}}, {false, "", []string{"unzip", "-qq", "-l", "t.zip"}},
		{true, "", []string{"unzip", "s.zip"}}, {true, "", []string{"unzip", "-o", "s.zip"}}, {true, "", []string{"unzip", "-n", "t.zip"}},
		{true, "y\n", []string{"unzip", "s.zip"}}, {true, "n\n", []string{"unzip", "s.zip"}},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) { goldenTree(t, "unzip", setup(c.existing), c.stdin, c.args...) })
	}
}
