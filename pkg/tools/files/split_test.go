//go:build linux

package files

import (
	"fmt"
	"strings"
	"testing"
)

// TestSplitGolden compares split with GNU split: the pieces written (names and
// contents), --verbose output, messages and status, for every way to split, suffix
// kinds and lengths, the widening of default suffixes, and stdin.
func TestSplitGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	var seq, many strings.Builder
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&seq, "%d\n", i)
	}
	for i := 1; i <= 700; i++ {
		fmt.Fprintf(&many, "%d\n", i)
	}
	files := map[string]string{"in": seq.String(), "many": many.String(), "long": "short\n" + strings.Repeat("L", 30) + "\nx\ny\n", "nonl": "a\nb\nc", "empty": ""}
	for _, args := range [][]string{
		{"split", "in"}, {"split", "-l", "3", "in"}, {"split", "-l3", "in", "pre"}, {"split", "-b", "7", "-d", "in", "p"}, {"split", "-b", "1K", "many"},
		{"split", "-n", "3", "-x", "in", "q"}, {"split", "-n", "l/3", "--verbose", "in", "r"}, {"split", "-n", "l/4", "long"}, {"split", "-n", "l/8", "-e", "long"},
		{"split", "-n", "l/8", "long"}, {"split", "-n", "2/3", "in"}, {"split", "-n", "l/2/3", "in"}, {"split", "-n", "r/3", "in", "rr"}, {"split", "-n", "r/2/3", "in"},
		{"split", "-a", "1", "-l", "1", "in", "s"}, {"split", "-a", "1", "-l", "1", "many", "s"}, {"split", "-l", "1", "many"}, {"split", "-d", "-l", "1", "many"},
		{"split", "-l", "0", "in"}, {"split", "-l", "x", "in"}, {"split", "-C", "8", "in", "c"}, {"split", "-C", "8", "long", "c"},
		{"split", "-l", "2", "--additional-suffix=.txt", "--numeric-suffixes=5", "in", "n"}, {"split", "--hex-suffixes", "-l", "4", "in"},
		{"split", "nofile"}, {"split", "-l", "3", "-"}, {"split", "-l", "2", "nonl"}, {"split", "empty"}, {"split", "-n", "3", "empty"},
		{"split", "-t", ",", "-l", "2", "in"}, {"split", "-l", "2", "-b", "3", "in"}, {"split", "in", "a", "b"}, {"split", "-n", "4/3", "in"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { goldenTree(t, "coreutils", files, args...) })
	}
}
