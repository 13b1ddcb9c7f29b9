//go:build linux

package text

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCmpGolden compares cmp with diffutils' cmp: output, messages on standard error and
// status, for equal, different and shorter files, -b -l -s -n -i and skip operands.
func TestCmpGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	cmpPath := gnu(t, "cmp", "diffutils")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a": "abc\nxyz\n", "a2": "abc\nxyz\n", "b": "abd\nxyq\n", "c": "abc", "c2": "abc\n", "c3": "abc\nxy",
		"e": "", "hi": "\xff\x80\x00\x01\x7f", "lo": "\x7f\x00\x80\x01\xfe",
	})
	for _, args := range [][]string{
		{"cmp", "a", "a2"}, {"cmp", "a", "a"}, {"cmp", "a", "b"}, {"cmp", "-b", "a", "b"}, {"cmp", "-l", "a", "b"},
		{"cmp", "-lb", "a", "b"}, {"cmp", "-s", "a", "b"}, {"cmp", "-s", "a", "c"}, {"cmp", "a", "c"}, {"cmp", "c", "a"},
		{"cmp", "a", "c2"}, {"cmp", "a", "c3"}, {"cmp", "a", "e"}, {"cmp", "-l", "a", "c"}, {"cmp", "-n", "2", "a", "b"},
		{"cmp", "-n", "5", "-l", "a", "b"}, {"cmp", "-i", "1", "a", "b"}, {"cmp", "-i", "1:2", "a", "b"}, {"cmp", "a", "b", "3", "3"},
		{"cmp", "--bytes=3", "a", "b"}, {"cmp", "-l", "-b", "hi", "lo"}, {"cmp", "-b", "hi", "lo"}, {"cmp", "a"}, {"cmp", "-", "a"},
		{"cmp", "a", "nofile"}, {"cmp", "-l", "-s", "a", "b"}, {"cmp", "-i", "x", "a", "b"}, {"cmp", "a", "b", "1", "2", "3"}, {"cmp"},
		{"cmp", "--verbose", "--print-bytes", "a", "c3"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(cmpPath, args[1:]...)
			cmd.Dir, cmd.Stdin, cmd.Args[0] = dir, strings.NewReader("abc\nxyz"), "cmp"
			var o, e strings.Builder
			cmd.Stdout, cmd.Stderr = &o, &e
			wantCode := 0
			if err := cmd.Run(); err != nil {
				wantCode = err.(*exec.ExitError).ExitCode()
			}
			got, stderr, code := run(t, dir, "abc\nxyz", args...)
			if got != o.String() || code != wantCode || stderr != e.String() {
				t.Errorf("%v = %d %q %q, GNU %d %q %q", args, code, got, stderr, wantCode, o.String(), e.String())
			}
		})
	}
}
