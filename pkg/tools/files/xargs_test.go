package files

import (
	"strings"
	"testing"
)

func TestXargsNul(t *testing.T) {
	out, _, st := run(t, "", "x/a b\x00y/c\x00", "xargs", "-0", "dirname")
	if st != 0 || out != "x\ny\n" {
		t.Errorf("xargs -0: %d %q", st, out)
	}
}

// The end-of-file string (-E, -e[EOF]) and -I's skipping of blank lines and leading
// white space, as GNU xargs does them.
func TestXargsEOFAndReplace(t *testing.T) {
	dir := t.TempDir()
	in := "a\n_\nb\n"
	for _, args := range [][]string{
		{"xargs", "-E", "_"}, {"xargs", "-E", ""}, {"xargs", "-e"}, {"xargs", "-e_"},
		{"xargs", "--eof=_"}, {"xargs", "-n", "1", "-E", "b"}, {"xargs", "-0", "-E", "_"},
	} {
		golden(t, dir, in, "xargs", nil, args...)
	}
	for _, in := range []string{"1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 00\n", "a\n", strings.Repeat("word ", 50)} {
		golden(t, dir, in, "xargs", nil, "xargs", "-s25", "echo")
		golden(t, dir, in, "xargs", nil, "xargs", "-s7", "echo", "x")
	}
	golden(t, dir, " \n2\n\n4\n\n 6 6 \n \v \t 7\n\t\n\v\n", "xargs", nil, "xargs", "-I%", "echo", "[%]")
}
