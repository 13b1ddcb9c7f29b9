//go:build linux

package text

import (
	"strings"
	"testing"
)

// TestTacGolden compares tac with GNU tac: lines, a last line without newline, other and
// multi-byte separators, -b, -r, stdin and files that cannot be read.
func TestTacGolden(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"lines": "one\ntwo\nthree\n", "nonl": "one\ntwo\nthree", "empty": "", "blank": "\n\n\na\n",
		"csv": "a,b,,c,", "multi": "1::2::3", "re": "a1b22c333d",
	})
	for _, args := range [][]string{
		{"tac", "lines"}, {"tac", "nonl"}, {"tac", "empty"}, {"tac", "blank"}, {"tac", "lines", "nonl"},
		{"tac"}, {"tac", "-"}, {"tac", "-s", ",", "csv"}, {"tac", "-b", "-s", ",", "csv"}, {"tac", "-b", "lines"},
		{"tac", "-b", "nonl"}, {"tac", "-s", "::", "multi"}, {"tac", "--separator=::", "-b", "multi"},
		{"tac", "-r", "-s", "[0-9][0-9]*", "re"}, {"tac", "-r", "-b", "-s", "[0-9][0-9]*", "re"},
		{"tac", "nofile"}, {"tac", "lines", "nofile", "nonl"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { golden(t, dir, "x\ny\n", "coreutils", nil, args...) })
	}
	_, stderr, _ := run(t, dir, "", "tac", "nofile")
	if stderr != "tac: failed to open 'nofile' for reading: No such file or directory\n" {
		t.Errorf("tac nofile stderr %q", stderr)
	}
}
