package litfind

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"regexp/syntax"
	"sync"
)

// Finder finds a literal in a buffer by scanning for its rarest byte with
// bytes.IndexByte (SIMD) and checking the literal around each hit, which is much faster
// than bytes.Index when the literal starts with a common byte such as a space or 'e'.
type Finder struct {
	fold bool // lit is lower case; compare ASCII case-insensitively around a non-letter
	lit  []byte
	k    int  // index of the rare byte in lit
	rare byte // lit[k]
}

// byteRank is a rough frequency of each byte in text, higher is more frequent; built on
// first use (ranks), not at start-up.
var (
	byteRank     [256]uint8
	byteRankOnce sync.Once
)

func ranks() *[256]uint8 {
	byteRankOnce.Do(func() {
		r := &byteRank
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
	})
	return &byteRank
}

// New returns a Finder of lit.
func New(lit []byte) *Finder {
	f := &Finder{lit: lit}
	byteRank := ranks()
	for i, c := range lit {
		if byteRank[c] < byteRank[f.rare] || i == 0 {
			f.k, f.rare = i, c
		}
	}
	return f
}

// Index returns the first index of the literal in hay, or -1.
func (f *Finder) Index(hay []byte) int {
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

// ByteSet is a set of bytes, a class of one position of a factor.
type ByteSet [4]uint64

func (s *ByteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *ByteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *ByteSet) size() int {
	return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1]) + bits.OnesCount64(s[2]) + bits.OnesCount64(s[3])
}

// single returns the byte of a set of one.
func (s *ByteSet) single() (byte, bool) {
	if s.size() != 1 {
		return 0, false
	}
	for c := 0; ; c++ {
		if s.has(byte(c)) {
			return byte(c), true
		}
	}
}

// FactorInfo scores a factor by how rarely it should occur: about 8 bits a literal byte,
// fewer for a class.
func FactorInfo(f []ByteSet) float64 {
	info := 0.0
	for i := range f {
		info += 8 - float64(bits.Len(uint(f[i].size()))-1)
	}
	return info
}

// FactorFinder finds a factor: a literal with byte classes around it, as in [0-9]x[0-9].
type FactorFinder struct {
	lit  *Finder
	off  int // index of the literal in the factor
	sets []ByteSet
}

// NewFactor returns a finder for a factor that holds a literal byte, or nil.
func NewFactor(sets []ByteSet) *FactorFinder {
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
	return &FactorFinder{lit: New(lit), off: off, sets: sets}
}

// Index returns the first index of the factor in hay, or -1.
func (f *FactorFinder) Index(hay []byte) int {
	n := len(f.lit.lit)
	for from := 0; ; {
		i := f.lit.Index(hay[from:])
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
func (f *FactorFinder) around(b []byte, n int) bool {
	for i, c := range b {
		if (i < f.off || i >= f.off+n) && !f.sets[i].has(c) {
			return false
		}
	}
	return true
}

// RequiredFactor returns the most telling run of single-byte classes, such as [0-9]x[0-9],
// that every match of expr (Go syntax, no case folding) contains, or nil.
func RequiredFactor(expr string) []ByteSet {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return factorOf(re.Simplify())
}

func factorOf(re *syntax.Regexp) []ByteSet {
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
		var best, run []ByteSet
		keep := func(f []ByteSet) {
			if FactorInfo(f) > FactorInfo(best) {
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
					run = []ByteSet{sets[0]}
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
func byteSets(re *syntax.Regexp) []ByteSet {
	if re.Flags&syntax.FoldCase != 0 {
		return nil
	}
	switch re.Op {
	case syntax.OpLiteral:
		sets := make([]ByteSet, len(re.Rune))
		for i, r := range re.Rune {
			if r >= 0x80 {
				return nil
			}
			sets[i].add(byte(r))
		}
		return sets
	case syntax.OpCharClass:
		var set ByteSet
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
		return []ByteSet{set}
	}
	return nil
}

// LowerASCII writes the ASCII lower-case form of src into dst (same length) and returns it.
// It works on eight bytes at a time: a byte gets 0x20 added when it is in 'A'..'Z'.
func LowerASCII(dst, src []byte) []byte {
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

// NewFold returns a finder that works on the original (not lower-cased) input for a
// lower-case literal, when the literal has a non-letter byte to scan for; else nil.
func NewFold(lit []byte) *Finder {
	f := &Finder{lit: lit, fold: true, k: -1}
	byteRank := ranks()
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

// RequiredLiteral returns a byte string that every match of re must contain (case
// sensitive), or nil. grep searches buffers for it with bytes.Index before running the
// regexp on the lines that contain it.
func RequiredLiteral(expr string) []byte {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	return literalOf(re)
}

func literalOf(re *syntax.Regexp) []byte {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []byte(string(re.Rune))
	case syntax.OpCapture:
		return literalOf(re.Sub[0])
	case syntax.OpPlus:
		return literalOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalOf(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []byte
		// Adjacent literal pieces join into one longer literal.
		var cur []byte
		for _, s := range re.Sub {
			if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
				cur = append(cur, string(s.Rune)...)
				continue
			}
			if len(cur) > len(best) {
				best = cur
			}
			cur = nil
			if l := literalOf(s); len(l) > len(best) {
				best = l
			}
		}
		if len(cur) > len(best) {
			best = cur
		}
		return best
	}
	return nil
}
