package litfind

// Set finds any of many literals at once (grep -f with thousands of fixed strings), in one
// pass over the input whatever their number: an Aho-Corasick automaton, the multi-pattern
// matcher GNU grep runs for such sets, where one regexp alternative per literal costs time
// in proportion to their number on every byte.
type Set struct {
	root   [256]int32 // the root's transitions, dense: most bytes of the input end there
	edges  [][]edge   // every other state's transitions, few (one, mostly)
	fail   []int32    // the longest proper suffix of the state's string that is a state
	length []int32    // length of the literal that ends at the state, 0 if none
	dict   []int32    // the nearest state down the fail chain where a literal ends, -1 if none
	maxLen int
}

type edge struct {
	c  byte
	to int32
}

// NewSet builds the Set of lits; empty literals are ignored.
func NewSet(lits [][]byte) *Set {
	s := &Set{edges: [][]edge{nil}, fail: []int32{0}, length: []int32{0}, dict: []int32{-1}}
	for i := range s.root {
		s.root[i] = -1
	}
	for _, lit := range lits {
		if len(lit) == 0 {
			continue
		}
		s.maxLen = max(s.maxLen, len(lit))
		st := int32(0)
		for _, c := range lit {
			next := s.child(st, c)
			if next < 0 {
				next = int32(len(s.edges))
				s.edges = append(s.edges, nil)
				s.fail = append(s.fail, 0)
				s.length = append(s.length, 0)
				s.dict = append(s.dict, -1)
				if st == 0 {
					s.root[c] = next
				} else {
					s.edges[st] = append(s.edges[st], edge{c, next})
				}
			}
			st = next
		}
		s.length[st] = int32(len(lit))
	}
	// Fail and dictionary links, breadth first: a state's fail is found from its parent's.
	var queue []int32
	for c := range s.root {
		if t := s.root[c]; t > 0 {
			queue = append(queue, t)
		} else {
			s.root[c] = 0
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		for _, e := range s.edges[st] {
			f := s.fail[st]
			for {
				if t := s.child(f, e.c); t >= 0 {
					s.fail[e.to] = t
					break
				}
				if f == 0 {
					s.fail[e.to] = 0
					break
				}
				f = s.fail[f]
			}
			if ff := s.fail[e.to]; s.length[ff] > 0 {
				s.dict[e.to] = ff
			} else {
				s.dict[e.to] = s.dict[ff]
			}
			queue = append(queue, e.to)
		}
	}
	return s
}

// child is st's transition on c, or -1 (the root's is 0, itself, once built).
func (s *Set) child(st int32, c byte) int32 {
	if st == 0 {
		return s.root[c]
	}
	for _, e := range s.edges[st] {
		if e.c == c {
			return e.to
		}
	}
	return -1
}

// step is the automaton's move from st on c.
func (s *Set) step(st int32, c byte) int32 {
	for st != 0 {
		for _, e := range s.edges[st] {
			if e.c == c {
				return e.to
			}
		}
		st = s.fail[st]
	}
	return s.root[c]
}

// Index returns the index of the last byte of the first literal that ends in hay (so a
// byte inside a match, which is all a line finder needs), or -1.
func (s *Set) Index(hay []byte) int {
	st := int32(0)
	for i, c := range hay {
		st = s.step(st, c)
		if st != 0 && (s.length[st] > 0 || s.dict[st] >= 0) {
			return i
		}
	}
	return -1
}

// Matches calls yield with the bounds of every occurrence of a literal in hay, by
// increasing end; yield returns false to stop.
func (s *Set) Matches(hay []byte, yield func(start, end int) bool) {
	st := int32(0)
	for i, c := range hay {
		st = s.step(st, c)
		for o := st; o > 0; o = s.dict[o] {
			if n := int(s.length[o]); n > 0 && !yield(i+1-n, i+1) {
				return
			}
		}
	}
}

// MaxLen is the length of the longest literal.
func (s *Set) MaxLen() int { return s.maxLen }
