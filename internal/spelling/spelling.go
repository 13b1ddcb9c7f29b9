// Package spelling finds the names closest to a mistyped one, for the "did you mean"
// of every not-found error (containers of every runtime, pods).
package spelling

import (
	"sort"
	"strings"
)

// Suggest returns up to n of names that look like name, closest first: one that starts
// with it or that it starts with, or one within a small edit distance (a third of its
// length plus one, and not a rewrite of a short name). Case is ignored.
func Suggest(name string, names []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	lname := strings.ToLower(name)
	var out []cand
	for _, c := range names {
		lc := strings.ToLower(c)
		d := distance(lname, lc)
		switch {
		case lname == "" || lc == "":
			continue
		case strings.HasPrefix(lc, lname) || strings.HasPrefix(lname, lc):
			d = min(d, 1)
		case d > len(name)/3+1 || d >= len(c):
			continue
		}
		out = append(out, cand{c, d})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].d != out[j].d {
			return out[i].d < out[j].d
		}
		return out[i].name < out[j].name
	})
	var res []string
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].name)
	}
	return res
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
