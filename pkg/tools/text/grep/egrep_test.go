package grep

import (
	"strings"
	"testing"
)

// TestEgrepFgrepGolden compares egrep and fgrep (grep called by those names) with GNU's:
// egrep reads an ERE, fgrep fixed strings, and a later -G, -E or -F still wins. (GNU's
// also warn on stderr that they are obsolescent; ours, as BusyBox's, do not.)
func TestEgrepFgrepGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := textTree(t)
	for _, args := range [][]string{
		{"egrep", "^(alpha|gamma) ", "a.txt"}, {"egrep", "o+", "a.txt"}, {"egrep", "-c", "a|b", "a.txt", "sub/b.txt"},
		{"egrep", "-G", "o+", "a.txt"}, {"egrep", "-F", "a|b", "a.txt"}, {"egrep", "-i", "ALPHA{1}", "sub/b.txt"},
		{"fgrep", "foo-bar", "a.txt"}, {"fgrep", "a.*", "a.txt"}, {"fgrep", "-E", "a.*e", "a.txt"}, {"fgrep", "-v", "alpha", "a.txt"},
		{"fgrep", "-e", "one", "-e", "soup", "a.txt"}, {"grep", "-E", "-F", "x", "a.txt"}, {"grep", "-E", "-E", "o+", "a.txt"}, {"grep", "-P", "-G", "x", "a.txt"},
		{"fgrep", "-rn", "alpha", "sub"}, {"egrep", "zzz", "a.txt"}, {"fgrep", "x", "nope"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { golden(t, dir, "", "grep", sortLines, args...) })
	}
}
