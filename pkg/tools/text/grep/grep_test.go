package grep

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestGrepGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := textTree(t)
	cases := [][]string{
		{"grep", "alpha", "a.txt"},
		{"grep", "-n", "alpha", "a.txt"},
		{"grep", "-c", "alpha", "a.txt", "sub/b.txt"},
		{"grep", "-i", "ALPHA", "a.txt", "sub/b.txt"},
		{"grep", "-v", "alpha", "a.txt"},
		{"grep", "-w", "alpha", "a.txt"},
		{"grep", "-x", "foo bar", "sub/b.txt"},
		{"grep", "-o", "al[a-z]*", "a.txt"},
		{"grep", "-on", "a", "a.txt"},
		{"grep", "-E", "^(alpha|gamma) ", "a.txt"},
		{"grep", "a\\(l\\)p", "a.txt"},
		{"grep", "-E", "o+", "a.txt"},
		{"grep", "-F", "foo-bar", "a.txt"},
		{"grep", "-e", "one", "-e", "two", "a.txt"},
		{"grep", "-l", "alpha", "a.txt", "sub/b.txt", "sub/c.log"},
		{"grep", "-L", "alpha", "a.txt", "sub/b.txt", "sub/c.log"},
		{"grep", "-q", "alpha", "a.txt"},
		{"grep", "-q", "zzz", "a.txt"},
		{"grep", "zzz", "a.txt"},
		{"grep", "alpha", "nope"},
		{"grep", "-s", "alpha", "nope"},
		{"grep", "-h", "alpha", "a.txt", "sub/c.log"},
		{"grep", "-H", "alpha", "a.txt"},
		{"grep", "-m1", "alpha", "a.txt"},
		{"grep", "-A1", "Beta", "a.txt"},
		{"grep", "-B2", "foo", "a.txt"},
		{"grep", "-C1", "-n", "gamma", "a.txt"},
		{"grep", "-n", "-A1", "a", "a.txt"},
		{"grep", "-b", "gamma", "a.txt"},
		{"grep", "-c", "", "a.txt"},
		{"grep", "[[:digit:]]", "sub/c.log"},
		{"grep", "-rn", "alpha", "."},
		{"grep", "-r", "alpha", "sub"},
		{"grep", "-r", "--include=*.txt", "alpha", "."},
		{"grep", "-r", "--exclude=*.txt", "-l", "alpha", "."},
		{"grep", "-r", "--exclude-dir=deep", "-l", "alpha", "sub"},
		{"grep", "-rc", "alpha", "sub"},
		{"grep", "-ri", "ALPHA", "sub"},
		{"grep", "-riw", "alpha", "sub"},
	}
	for _, c := range cases {
		post := (func(string) string)(nil)
		if c[1] == "-rn" || c[1] == "-r" || c[1] == "-rc" || c[1] == "-ri" || c[1] == "-riw" {
			post = sortLines
		}
		golden(t, dir, "", "grep", post, c...)
	}
	// stdin and the binary file message
	golden(t, dir, "one\ntwo\nthree\n", "grep", nil, "grep", "-n", "t")
	_, stderr, st := run(t, dir, "", "grep", "alpha", "bin.dat")
	if st != 0 || stderr != "grep: bin.dat: binary file matches\n" {
		t.Errorf("binary file: %d %q", st, stderr)
	}
	// grep -r with no operand searches "." and names files without "./"
	golden(t, filepath.Join(dir, "sub"), "", "grep", sortLines, "grep", "-r", "alpha")
}

// blockTree holds inputs whose lines sit where the buffer-at-a-time search could go wrong:
// across the 256 KiB read boundary, in a line longer than the buffer, a last line without
// a newline, CRLF, NUL bytes, non-ASCII bytes and empty lines.
func blockTree(t *testing.T) string {
	t.Helper()
	var big strings.Builder
	for i := 0; big.Len() < 560<<10; i++ {
		line := strings.Repeat("ab c", i%41) + fmt.Sprintf(" line %d", i)
		if i%37 == 0 {
			line += " 7x8"
		}
		// A match that straddles the end of the first buffer.
		if n := big.Len(); n < 256<<10 && n+len(line)+1 > 256<<10 {
			line += " 1x2 " + strings.Repeat("z", 200)
		}
		big.WriteString(line + "\n")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"big.txt":   big.String(),
		"long.txt":  "head 3x3\n" + strings.Repeat("q", 300<<10) + " 9x9 end\ntail 1x1\n",
		"noeol.txt": "a1x2\nfoo\nbar 3x4",
		"crlf.txt":  "1x2\r\nfoo\r\n\r\nend 5x6\r\n",
		"nul.bin":   "abc\x00\n1x2\n",
		"utf8.txt":  "ünïcode 1x2\nçava\n1x2é\n\xff1x2\nfox 4x4\n",
		"empty.txt": "\n\n1x2\n\nfox\n",
	})
	return dir
}

// TestGrepBlockEdges compares the buffer-at-a-time search with GNU grep. Left out is one
// difference older than it: GNU treats NUL as a line end in binary files.
func TestGrepBlockEdges(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := blockTree(t)
	text := []string{"big.txt", "long.txt", "noeol.txt", "crlf.txt", "utf8.txt", "empty.txt"}
	patterns := [][]string{
		{"[0-9]x[0-9]"}, {"^$"}, {"x[0-9]$"}, {"^[a-z]"}, {"-E", "(fox|1x)2"}, {"o\\b"},
		{""}, {".x."}, {"[^a-z]x[0-9]"}, {"c.*v"}, {"-E", "[0-9]x[0-9]+ (end|line)"}, {"-F", "x1"},
		{"-e", "foo", "-e", "^[0-9]"}, {"-i", "X[0-9]"},
	}
	flagSets := [][]string{
		nil, {"-v"}, {"-c"}, {"-vc"}, {"-n"}, {"-vn"}, {"-o"}, {"-b"}, {"-l"},
		{"-m2"}, {"-vm3"}, {"-A1"}, {"-B2"}, {"-m2", "-A1"}, {"-x"}, {"-w"}, {"-i"}, {"-on"},
	}
	for _, p := range patterns {
		for _, f := range flagSets {
			args := append(append([]string{"grep"}, f...), p...)
			golden(t, dir, "", "grep", nil, append(args, text...)...)
		}
	}
	for _, p := range []string{"[0-9]x[0-9]", ".x.", "^[a-z]", "c.*v"} {
		for _, f := range []string{"-H", "-c", "-l", "-a", "-an", "-ac"} {
			golden(t, dir, "", "grep", nil, "grep", f, p, "nul.bin")
		}
	}
}

// TestGrepNothingSelectable covers inputs where GNU grep sees at once that no line can be
// selected: it exits 1 without output, except for -L, which lists every file.
func TestGrepNothingSelectable(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := textTree(t)
	writeFiles(t, dir, map[string]string{"none": ""})
	for _, c := range [][]string{
		{"grep", "-m", "0", "alpha", "a.txt"},
		{"grep", "-m0", "-c", "alpha", "a.txt", "sub/b.txt"},
		{"grep", "-m0", "-l", "alpha", "a.txt", "sub/b.txt"},
		{"grep", "-m0", "-L", "alpha", "a.txt", "sub/b.txt"},
		{"grep", "-m0", "alpha", "nope"},
		{"grep", "-v", "", "a.txt"},
		{"grep", "-vc", "", "a.txt"},
		{"grep", "-vx", "", "a.txt"},
		{"grep", "-vL", "", "a.txt"},
		{"grep", "-f", "none", "a.txt"},
		{"grep", "-c", "-f", "none", "a.txt"},
		{"grep", "-v", "-f", "none", "a.txt"},
	} {
		golden(t, dir, "", "grep", nil, c...)
	}
}

// TestGrepListNonStatus: since GNU grep 3.5, -L exits 0 when some line was selected, in
// any file, and 1 otherwise, whether or not it listed a file.
func TestGrepListNonStatus(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := textTree(t)
	for _, c := range [][]string{
		{"grep", "-L", "alpha", "a.txt", "sub/b.txt"},
		{"grep", "-L", "alpha", "a.txt"},
		{"grep", "-L", "zzz", "a.txt", "sub/b.txt"},
		{"grep", "-L", "nothing", "sub/b.txt"},
		{"grep", "-vL", "alpha", "a.txt"},
		{"grep", "-L", "alpha", "sub/b.txt", "nope"},
	} {
		golden(t, dir, "", "grep", nil, c...)
	}
}

// TestGrepContextGroups: GNU grep prints "--" between context groups that are apart in one
// file and between groups of different files, also for -A0, -B0 and -C0.
func TestGrepContextGroups(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c1": "1\nm\n3\n4\n5\nm\n",
		"c2": "1\nm\n3\n4\n5\nm\n",
		"o":  "m1\nm2\nx\nm3\n",
		"y":  "nothing\n",
	})
	for _, flags := range [][]string{
		{"-A1"}, {"-B1"}, {"-C1", "-n"}, {"-A0"}, {"-B0"}, {"-C0"}, {"-A0", "-C2"}, {"-C2", "-B0"},
		{"-o", "-A1"}, {"-o", "-B1"}, {"-c", "-A1"}, {"-l", "-A1"}, {"-h", "-A1"}, {"-m1", "-A1"},
		{"-v", "-m1", "-A2"}, {"-m2", "-B1", "-A3"}, {"-o", "-m1", "-A2"},
	} {
		golden(t, dir, "", "grep", nil, append(append([]string{"grep"}, flags...), "m", "c1", "y", "o", "c2")...)
	}
}

// TestGrepOnlyMatchingContext: -o and --color go on searching a line after a match, where
// ^ no longer matches and \b, \<, \B see the byte before.
func TestGrepOnlyMatchingContext(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"in": "aaa\nabab\nab ab\nxab\naXa\nfoo foofoo\n"})
	for _, c := range [][]string{
		{"grep", "-o", "^a"}, {"grep", "-ob", "^a"}, {"grep", "-o", "-E", "^a|X"}, {"grep", "-o", `\bab`},
		{"grep", "-o", `\<ab`}, {"grep", "-o", `\Bab`}, {"grep", "-o", `a$`}, {"grep", "-o", "^a*"},
		{"grep", "-ow", "foo"}, {"grep", "-ow", "^foo"}, {"grep", "-oi", "^A"}, {"grep", "-o", "-e", "^a", "-e", "b"},
		{"grep", "--color=always", "^a"}, {"grep", "--color=always", `\<f`},
	} {
		golden(t, dir, "", "grep", nil, append(c, "in")...)
	}
}

// TestGrepWordEdges: -w takes an empty match between two non-word characters, and in the C
// locale bytes of 0x80 and up are not word characters.
func TestGrepWordEdges(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"in": "abc\n\n b\nb \na b\nxa\naab\n\xe9abc\xe9\n\xc3\xa9t\xc3\xa9 abc\nabc\xff\n"})
	for _, c := range [][]string{
		{"grep", "-nw", ""}, {"grep", "-nw", "a*"}, {"grep", "-cw", "^$"}, {"grep", "-ow", "a*"}, {"grep", "-w", "x*a"},
		{"grep", "-nw", "abc"}, {"grep", "-ow", "abc"}, {"grep", "-nwF", "abc"}, {"grep", "-nwi", "ABC"}, {"grep", "-nw", "t"},
		{"grep", "--color=always", "-w", "b*"}, {"grep", "-vw", "abc"},
	} {
		golden(t, dir, "", "grep", nil, append(c, "in")...)
	}
}

// TestGrepPatternSet compares grep -f with a list of plain strings (one automaton for all
// of them) with GNU grep: every flag that decides where a match is (-o, -w, -x, -i, -v),
// overlapping strings and strings that are prefixes of others.
func TestGrepPatternSet(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := blockTree(t)
	var many strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&many, "line %d\n", i*7)
	}
	writeFiles(t, dir, map[string]string{
		"small.pat": "ab\nab c\nc a\nline 1\nfoo\n1x2\nFOX\nbar\n",
		"many.pat":  many.String() + "q9x9\nzzzz\n",
		"words.pat": "foo\nfoo-b\nab\nc\n",
	})
	text := []string{"big.txt", "long.txt", "noeol.txt", "crlf.txt", "utf8.txt", "empty.txt"}
	for _, pat := range []string{"small.pat", "many.pat", "words.pat"} {
		for _, f := range [][]string{nil, {"-F"}, {"-c"}, {"-o"}, {"-w"}, {"-x"}, {"-i"}, {"-iw"}, {"-v", "-c"}, {"-on"}, {"-ow"}, {"-E"}} {
			args := append(append([]string{"grep"}, f...), "-f", pat)
			golden(t, dir, "", "grep", nil, append(args, text...)...)
		}
	}
	golden(t, dir, "foo-bar\nfoo bar\nxfoo\n", "grep", nil, "grep", "-w", "-f", "words.pat")
	// -e PATTERNS is a list too, one a line.
	golden(t, dir, "foo\nbar\nbaz\n", "grep", nil, "grep", "-Fv", "-e", "foo\nbar")
	golden(t, dir, "foo\nbar\nbaz\n", "grep", nil, "grep", "-e", "fo\nba.", "-e", "z")
}
