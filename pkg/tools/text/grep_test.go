package text

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func textTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.txt":        "alpha one\nBeta two\ngamma three\nalphabet soup\nfoo-bar baz\n\nlast line alpha",
		"sub/b.txt":    "nothing here\nALPHA upper\nfoo bar\n",
		"sub/c.log":    "alpha in log\nx1y2\n",
		"sub/deep/d.c": "int main() { return 0; }\n// alpha\n",
		"bin.dat":      "alpha\x00binary\n",
		"nums":         "10\n9\n100\n-3\n2.5\n1e3\n0x10\n 7\n",
	})
	return dir
}

func golden(t *testing.T, dir, stdin, pkg string, post func(string) string, args ...string) {
	t.Helper()
	p := gnu(t, args[0], pkg)
	want, wantSt := runGNU(t, dir, stdin, append([]string{p}, args[1:]...)...)
	got, stderr, gotSt := run(t, dir, stdin, args...)
	if post != nil {
		want, got = post(want), post(got)
	}
	if d := cmp.Diff(want, got); d != "" || wantSt != gotSt {
		t.Errorf("%v: status gnu %d ours %d (stderr %q); output (-gnu +ours):\n%s", args, wantSt, gotSt, stderr, d)
	}
}

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
