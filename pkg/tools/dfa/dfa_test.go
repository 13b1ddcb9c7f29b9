package dfa

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestLineDFAAgreesWithRegexp checks the DFA against the regexp it stands for on random
// lines: a line it rejects must not match, and a sure match must match.
func TestLineDFAAgreesWithRegexp(t *testing.T) {
	exprs := []string{
		`[0-9]x[0-9]`, `^$`, `^`, `$`, `x[0-9]$`, `^[a-z]+$`, `(fox|1x)2`, `o\b`, `\Bx`, ``,
		`.x.`, `[^a-z]x[0-9]`, `c.*v`, `a|b|^c`, `(?i)AB`, `(?i)k`, `a{2,3}b`, `(ab)*c$`,
		`^(?:foo)$`, `é`, `[^é]x`, `x*`, `\x00`, `\r$`,
	}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := "abcfovxKk 0129\t\r\x00é\xffA_-"
	var lines []string
	for range 3000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		lines = append(lines, b.String())
	}
	for _, expr := range exprs {
		re := regexp.MustCompile(expr)
		d := New(expr)
		if d == nil {
			t.Fatalf("%q: no DFA", expr)
		}
		for _, l := range lines {
			ok, sure := d.Match([]byte(l))
			want := re.MatchString(l)
			if !ok && want || ok && sure && !want || !ok && !sure {
				t.Errorf("%q on %q: dfa ok=%v sure=%v, regexp %v", expr, l, ok, sure, want)
			}
		}
		// The same lines in one buffer: next finds exactly the matching lines.
		buf := []byte(strings.Join(lines, "\n"))
		var got []int
		for pos := 0; pos < len(buf); {
			at, sure := d.Next(buf, pos)
			if at < 0 {
				break
			}
			ls, le := LineAround(buf, at)
			if sure || re.Match(buf[ls:le]) {
				got = append(got, strings.Count(string(buf[:ls]), "\n"))
			}
			pos = le + 1
		}
		var want []int
		for i, l := range lines {
			if re.MatchString(l) {
				want = append(want, i)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%q: next found %d lines, want %d", expr, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: next found line %d, want %d", expr, got[i], want[i])
				break
			}
		}
	}
}
