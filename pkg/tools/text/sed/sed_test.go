package sed

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSedInPlace(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "hello world\n"})
	if _, e, st := run(t, dir, "", "sed", "-i.bak", "s/world/there/", "f"); st != 0 {
		t.Fatalf("sed -i: %s", e)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f"))
	bak, _ := os.ReadFile(filepath.Join(dir, "f.bak"))
	if string(got) != "hello there\n" || string(bak) != "hello world\n" {
		t.Errorf("sed -i: %q, backup %q", got, bak)
	}
	if _, _, st := run(t, dir, "", "sed", "s/a/b", "f"); st != 1 {
		t.Errorf("bad script: status %d", st)
	}
}

// TestSedGNUForms pins GNU sed's behaviour (checked against GNU sed 4.9) in the cases
// BusyBox's testsuite holds: one-line a/i/c text and its escapes, -e pieces joined by
// newlines, a delimiter inside a bracket expression, labels ended by a blank, ranges from
// a line number already passed, and a missing last newline kept only at the very end.
func TestSedGNUForms(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"one": "one", "ab": "a woo\nb woo", "4": "first\nsecond\nthird\nfourth\n"})
	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"2\n", []string{"-e", "i1\na3"}, "1\n2\n3\n"},
		{"2\n", []string{"-e", `i\`, "-e", "1", "-e", `a\`, "-e", "3"}, "1\n2\n3\n"},
		{"line1\n", []string{`/1/a\\t\rzero\none\\ntwo\\\nthree`}, "line1\n\t\rzero\none\\ntwo\\\nthree\n"},
		{"one@two", []string{"s@[@]@@"}, "onetwo"},
		{" a.b\n", []string{"s [^ .]* x g"}, "x x.x\n"},
		{"rrr\n", []string{`s/r/\r/`}, "\rrr\n"},
		{"a\\\nb\nc\n", []string{`: l; /\\$/{ N; b l }; s/\n//`}, "a\\b\nc\n"},
		{"woot", []string{"/woot/a woo"}, "woot\nwoo\n"},
		{"c no\nd woo", []string{"-n", "s/woo/bang/p", "ab", "-"}, "a bang\nb bang\nd bang"},
		{"two", []string{"-e", "/one/a 111", "-e", "/two/i 222", "-e", "p", "one", "-"}, "one\none\n111\n222\ntwo\ntwo"},
		{"", []string{"-n", "1d;1,3p", "4"}, "second\nthird\n"},
		{"", []string{"-n", "2d;2,1p", "4"}, "third\n"},
		{"1\n2\n3\n4\n", []string{"-n", "1{N;N;d};1p;2,3p;3p;4p"}, "4\n4\n"},
		{"", []string{"0,/st/d", "4"}, "second\nthird\nfourth\n"},
		{"", []string{"--version"}, "This is not GNU sed version 4.0\n"},
	}
	for _, c := range cases {
		o, e, st := run(t, dir, c.stdin, append([]string{"sed"}, c.args...)...)
		if o != c.want || st != 0 {
			t.Errorf("sed %q <%q: %q (status %d, %s), want %q", c.args, c.stdin, o, st, e, c.want)
		}
	}
}

// TestSedWriteFileNewline: w FILE leaves off the newline the last line read had not.
func TestSedWriteFileNewline(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"in": "thingy"})
	if _, e, st := run(t, dir, "again", "sed", "-e", "s/i/z/", "-e", "wout", "in", "-"); st != 0 {
		t.Fatalf("sed w: %s", e)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "out")); string(got) != "thzngy\nagazn" {
		t.Errorf("w file: %q, want %q", got, "thzngy\nagazn")
	}
}
