package litfind

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The Set finds what a naive search for each literal finds: every occurrence, and the
// first end.
func TestSetMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc"[r.IntN(3)]
		}
		return b
	}
	for round := 0; round < 300; round++ {
		var lits [][]byte
		for i := r.IntN(8); i >= 0; i-- {
			lits = append(lits, word(1+r.IntN(4)))
		}
		hay := word(r.IntN(30))
		set := NewSet(lits)
		want := map[string]bool{}
		firstEnd := -1
		for _, l := range lits {
			for i := 0; i+len(l) <= len(hay); i++ {
				if bytes.Equal(hay[i:i+len(l)], l) {
					want[fmt.Sprint(i, i+len(l))] = true
					if e := i + len(l) - 1; firstEnd < 0 || e < firstEnd {
						firstEnd = e
					}
				}
			}
		}
		got := map[string]bool{}
		set.Matches(hay, func(s, e int) bool { got[fmt.Sprint(s, e)] = true; return true })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("lits %q in %q: matches %v, want %v", lits, hay, got, want)
		}
		if i := set.Index(hay); i != firstEnd {
			t.Fatalf("lits %q in %q: Index %d, want %d", lits, hay, i, firstEnd)
		}
	}
}
