package posixre

import "testing"

func TestTranslate(t *testing.T) {
	for _, c := range []struct {
		p    string
		ere  bool
		want string
		err  bool
	}{
		{p: `a\(b\)*c`, want: `a(b)*c`},
		{p: `a(b)+c?`, want: `a\(b\)\+c\?`},
		{p: `a\{2\}`, want: `a{2}`},
		{p: `a\|b`, want: `a|b`},
		{p: `*a`, want: `\*a`},
		{p: `^*a`, want: `^\*a`},
		{p: `\<w\>`, want: `\bw\b`},
		{p: `[]a]`, want: `[\]a]`},
		{p: `[^]a]`, want: `[^\]a]`},
		{p: `[[:digit:]]x`, want: `[[:digit:]]x`},
		{p: `\(a\)\1`, err: true},
		{p: `a\`, err: true},
		{p: `a(b)+`, ere: true, want: `a(b)+`},
		{p: `*a`, ere: true, want: `\*a`},
		{p: `(+a)`, ere: true, want: `(\+a)`},
		{p: `a{`, ere: true, want: `a\{`},
		{p: `a{2,3}`, ere: true, want: `a{2,3}`},
		{p: `{2}`, ere: true, want: `\{2}`},
		{p: `[\]`, ere: true, want: `[\\]`},
		{p: `\<w\>`, ere: true, want: `\bw\b`},
		{p: `(a)\1`, ere: true, err: true},
	} {
		got, err := Translate(c.p, c.ere)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("Translate(%q, ere=%v) = %q, %v; want %q (error %v)", c.p, c.ere, got, err, c.want, c.err)
		}
	}
}

func TestCompile(t *testing.T) {
	re, expr, err := Compile(`x\(ab\)*`, false, true)
	if err != nil || expr != `(?i)x(ab)*` || !re.MatchString("XABab") {
		t.Fatalf("Compile = %v %q %v", re, expr, err)
	}
	if _, _, err := Compile(`a\(b`, false, false); err == nil || err.Error() != "invalid regular expression 'a\\(b': missing closing ): `a(b`" {
		t.Errorf("Compile(a\\(b) error = %v", err)
	}
}
