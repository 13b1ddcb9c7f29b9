package text

import "testing"

// TestCutRegexFields: BusyBox's -F (fields split by a regexp, blanks by default, joined by
// -O or a blank) and -D (in the order listed), which GNU cut lacks.
func TestCutRegexFields(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"Bother, said Pooh. It's your husband\nCheerios are donut seeds.\nalone\n", []string{"-DF", "2,7,5"}, "said your\nare\n\n"},
		{"a b  c\n", []string{"-F", "3,1"}, "a c\n"},
		{"a1b22c\n", []string{"-F", "2-", "-d", "[0-9]+", "-O", ":"}, "b:c\n"},
	}
	for _, c := range cases {
		if o, e, st := run(t, dir, c.stdin, append([]string{"cut"}, c.args...)...); o != c.want || st != 0 {
			t.Errorf("cut %q <%q: %q (status %d, %s), want %q", c.args, c.stdin, o, st, e, c.want)
		}
	}
}
