//go:build linux

package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUuencodeUudecodeGolden compares uuencode and uudecode with sharutils': both
// encodings of empty, short, line-long and binary inputs from a file and stdin; decoding
// into the begin line's file (with its mode), -o, to stdout, and missing begin lines.
func TestUuencodeUudecodeGolden(t *testing.T) {
	var bin strings.Builder
	for i := 0; i < 300; i++ {
		bin.WriteByte(byte(i * 7))
	}
	files := map[string]string{"short": "hello world\n", "e": "", "line": strings.Repeat("x", 45), "bin": bin.String(), "junk": "no begin here\n"}
	setup := func(dir string) {
		writeFiles(t, dir, files)
		os.Chmod(filepath.Join(dir, "short"), 0o600)
	}
	for _, args := range [][]string{
		{"uuencode", "short", "name"}, {"uuencode", "e", "name"}, {"uuencode", "line", "l"}, {"uuencode", "bin", "b"},
		{"uuencode", "-m", "short", "name"}, {"uuencode", "-m", "bin", "b"}, {"uuencode", "-m", "e", "x"}, {"uuencode", "stdin-name"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "sharutils", setup, "from stdin\n", args...) })
	}
	for _, in := range []string{"short", "e", "line", "bin"} {
		for _, m := range []string{"", "-m"} {
			args := []string{"uuencode", in, "out." + in}
			if m != "" {
				args = []string{"uuencode", m, in, "out." + in}
			}
			dir := t.TempDir()
			setup(dir)
			encoded, _, code := run(t, dir, "", args...)
			if code != 0 {
				t.Fatalf("%v: %d", args, code)
			}
			for _, dargs := range [][]string{{"uudecode"}, {"uudecode", "-o", "-"}, {"uudecode", "-o", "named"}} {
				t.Run(strings.Join(append(args, dargs...), " "), func(t *testing.T) {
					goldenTree(t, "sharutils", setup, encoded, dargs...)
				})
			}
		}
	}
	// sharutils' message for a missing input is its internals' ("fserr 2 ... freopen");
	// ours is the one every applet gives.
	if _, stderr, code := run(t, t.TempDir(), "", "uuencode", "nofile", "x"); code != 1 || stderr != "uuencode: nofile: No such file or directory\n" {
		t.Errorf("uuencode nofile x = %d %q", code, stderr)
	}
	for _, args := range [][]string{{"uudecode", "junk"}, {"uudecode", "nofile"}, {"uudecode"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "sharutils", setup, "junk\n", args...) })
	}
}
