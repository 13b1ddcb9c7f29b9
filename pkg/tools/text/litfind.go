package text

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"regexp/syntax"
)

// litFinder finds a literal in a buffer by scanning for its rarest byte with
// bytes.IndexByte (SIMD) and checking the literal around each hit, which is much faster
// than bytes.Index when the literal starts with a common byte such as a space or 'e'.
type litFinder struct {
	fold bool // lit is lower case; compare ASCII case-insensitively around a non-letter
	lit  []byte
	k    int  // index of the rare byte in lit
	rare byte // lit[k]
}

// byteRank is a rough frequency of each byte in text, higher is more frequent.
var byteRank = func() [256]uint8 {
	var r [256]uint8
	for i := range r {
		r[i] = 10
	}
	for c := 'a'; c <= 'z'; c++ {
		r[c] = 150
	}
	for i, c := range "etaoinsrhldcu" {
		r[c] = uint8(230 - i*5)
	}
	for c := 'A'; c <= 'Z'; c++ {
		r[c] = 60
	}
	for c := '0'; c <= '9'; c++ {
		r[c] = 100
	}
	for _, c := range ".,_-/:=()\"'" {
		r[c] = 90
	}
	r[' '], r['\t'] = 255, 160
	for _, c := range "jqxzkv" {
		r[c] = 80
	}
	return r
}()

func newLitFinder(lit []byte) *litFinder {
	f := &litFinder{lit: lit}
	for i, c := range lit {
		if byteRank[c] < byteRank[f.rare] || i == 0 {
			f.k, f.rare = i, c
		}
	}
	return f
}

// index returns the first index of the literal in hay, or -1.
func (f *litFinder) index(hay []byte) int {
	n := len(f.lit)
	if n == 1 {
		return bytes.IndexByte(hay, f.rare)
	}
	misses := 0
	for i := f.k; i < len(hay); {
		j := bytes.IndexByte(hay[i:], f.rare)
		if j < 0 {
			return -1
		}
		p := i + j - f.k
		if p >= 0 && p+n <= len(hay) && (f.fold && equalFoldASCII(hay[p:p+n], f.lit) || !f.fold && bytes.Equal(hay[p:p+n], f.lit)) {
			return p
		}
		i += j + 1
		// The rare byte is not rare in this input: let bytes.Index do the rest.
		if misses++; !f.fold && misses > 64 && misses*256 > i {
			if r := bytes.Index(hay[i-f.k:], f.lit); r >= 0 {
				return r + i - f.k
			}
			return -1
		}
	}
	return -1
}

// byteSet is a set of bytes, a class of one position of a factor.
type byteSet [4]uint64

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) size() int {
	return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1]) + bits.OnesCount64(s[2]) + bits.OnesCount64(s[3])
}

// single returns the byte of a set of one.
func (s *byteSet) single() (byte, bool) {
	if s.size() != 1 {
		return 0, false
	}
	for c := 0; ; c++ {
		if s.has(byte(c)) {
			return byte(c), true
		}
	}
}

// factorInfo scores a factor by how rarely it should occur: about 8 bits a literal byte,
// fewer for a class.
func factorInfo(f []byteSet) float64 {
	info := 0.0
	for i := range f {
		info += 8 - float64(bits.Len(uint(f[i].size()))-1)
	}
	return info
}

// factorFinder finds a factor: a literal with byte classes around it, as in [0-9]x[0-9].
type factorFinder struct {
	lit  *litFinder
	off  int // index of the literal in the factor
	sets []byteSet
}

// newFactorFinder returns a finder for a factor that holds a literal byte, or nil.
func newFactorFinder(sets []byteSet) *factorFinder {
	var lit []byte
	off := 0
	for i := 0; i < len(sets); {
		j := i
		for ; j < len(sets); j++ {
			if sets[j].size() != 1 {
				break
			}
		}
		if j-i > len(lit) {
			lit, off = make([]byte, 0, j-i), i
			for k := i; k < j; k++ {
				c, _ := sets[k].single()
				lit = append(lit, c)
			}
		}
		i = j + 1
	}
	if lit == nil {
		return nil
	}
	return &factorFinder{lit: newLitFinder(lit), off: off, sets: sets}
}

// index returns the first index of the factor in hay, or -1.
func (f *factorFinder) index(hay []byte) int {
	n := len(f.lit.lit)
	for from := 0; ; {
		i := f.lit.index(hay[from:])
		if i < 0 {
			return -1
		}
		p := from + i - f.off
		if p >= 0 && p+len(f.sets) <= len(hay) && f.around(hay[p:p+len(f.sets)], n) {
			return p
		}
		from += i + 1
	}
}

// around reports whether b, which holds the literal at f.off, matches the classes.
func (f *factorFinder) around(b []byte, n int) bool {
	for i, c := range b {
		if (i < f.off || i >= f.off+n) && !f.sets[i].has(c) {
			return false
		}
	}
	return true
}

// requiredFactor returns the most telling run of single-byte classes, such as [0-9]x[0-9],
// that every match of expr (Go syntax, no case folding) contains, or nil.
func requiredFactor(expr string) []byteSet {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return factorOf(re.Simplify())
}

func factorOf(re *syntax.Regexp) []byteSet {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return factorOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return factorOf(re.Sub[0])
		}
	case syntax.OpLiteral, syntax.OpCharClass:
		return byteSets(re)
	case syntax.OpConcat:
		var best, run []byteSet
		keep := func(f []byteSet) {
			if factorInfo(f) > factorInfo(best) {
				best = f
			}
		}
		for _, s := range re.Sub {
			for s.Op == syntax.OpCapture {
				s = s.Sub[0]
			}
			switch s.Op {
			case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
				syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
				continue // takes no bytes: the run goes on
			}
			if sets := byteSets(s); sets != nil {
				run = append(run, sets...)
				continue
			}
			if s.Op == syntax.OpPlus || s.Op == syntax.OpRepeat && s.Min >= 1 {
				// x+ ends with an x right before what follows.
				if sets := byteSets(s.Sub[0]); len(sets) == 1 {
					keep(append(run, sets[0]))
					run = []byteSet{sets[0]}
					continue
				}
			}
			keep(run)
			run = nil
			keep(factorOf(s))
		}
		keep(run)
		return best
	}
	return nil
}

// byteSets returns the classes of the bytes re matches when it always matches the same
// number of ASCII bytes, or nil.
func byteSets(re *syntax.Regexp) []byteSet {
	if re.Flags&syntax.FoldCase != 0 {
		return nil
	}
	switch re.Op {
	case syntax.OpLiteral:
		sets := make([]byteSet, len(re.Rune))
		for i, r := range re.Rune {
			if r >= 0x80 {
				return nil
			}
			sets[i].add(byte(r))
		}
		return sets
	case syntax.OpCharClass:
		var set byteSet
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1] >= 0x80 {
				return nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				set.add(byte(r))
			}
		}
		if set.size() == 0 {
			return nil
		}
		return []byteSet{set}
	}
	return nil
}

// lowerASCII writes the ASCII lower-case form of src into dst (same length) and returns it.
// It works on eight bytes at a time: a byte gets 0x20 added when it is in 'A'..'Z'.
func lowerASCII(dst, src []byte) []byte {
	if cap(dst) < len(src) {
		dst = make([]byte, len(src))
	}
	dst = dst[:len(src)]
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(src); i += 8 {
		x := binary.LittleEndian.Uint64(src[i:])
		low7 := x &^ highs
		geA := low7 + (0x80-'A')*ones   // high bit set where the byte is >= 'A'
		gtZ := low7 + (0x80-'Z'-1)*ones // high bit set where the byte is > 'Z'
		upper := (geA ^ gtZ) &^ x & highs
		binary.LittleEndian.PutUint64(dst[i:], x|upper>>2)
	}
	for ; i < len(src); i++ {
		c := src[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
	return dst
}

// newFoldFinder returns a finder that works on the original (not lower-cased) input for a
// lower-case literal, when the literal has a non-letter byte to scan for; else nil.
func newFoldFinder(lit []byte) *litFinder {
	f := &litFinder{lit: lit, fold: true, k: -1}
	for i, c := range lit {
		if c >= 'a' && c <= 'z' {
			continue
		}
		if f.k < 0 || byteRank[c] < byteRank[f.rare] {
			f.k, f.rare = i, c
		}
	}
	if f.k < 0 || byteRank[f.rare] > 100 {
		return nil
	}
	return f
}

func equalFoldASCII(a, lowered []byte) bool {
	for i, c := range a {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowered[i] {
			return false
		}
	}
	return true
}
