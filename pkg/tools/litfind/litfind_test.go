package litfind

import (
	"strings"
	"testing"
)

func TestRequiredFactor(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{`[0-9]x[0-9]`, "[0-9] x [0-9]"},
		{`conn[a-z]+ reset`, "[a-z] ' ' r e s e t"},
		{`^ab\bc$`, "a b c"},
		{`a*b`, "b"},
		{`(fox|dog)`, ""},
		{`é[0-9]`, "[0-9]"},
		{`x.y`, "x"},
	} {
		var parts []string
		for _, s := range RequiredFactor(c.expr) {
			parts = append(parts, describeSet(s))
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("RequiredFactor(%q) = %q, want %q", c.expr, got, c.want)
		}
	}
}

func describeSet(s ByteSet) string {
	if c, ok := s.single(); ok {
		if c == ' ' {
			return "' '"
		}
		return string(c)
	}
	var lo, hi int = -1, -1
	for c := 0; c < 256; c++ {
		if s.has(byte(c)) {
			if lo < 0 {
				lo = c
			}
			hi = c
		}
	}
	return "[" + string(rune(lo)) + "-" + string(rune(hi)) + "]"
}

func TestLowerASCII(t *testing.T) {
	var src []byte
	for c := 0; c < 256; c++ {
		for k := 0; k < 9; k++ {
			src = append(src, byte(c), byte(255-c), byte(c^0x20))
		}
	}
	got := LowerASCII(nil, src)
	for i, c := range src {
		want := c
		if c >= 'A' && c <= 'Z' {
			want += 'a' - 'A'
		}
		if got[i] != want {
			t.Fatalf("byte %d: %#x became %#x, want %#x", i, c, got[i], want)
		}
	}
}
