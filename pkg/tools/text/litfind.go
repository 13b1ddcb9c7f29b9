package text

import "bytes"

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

// lowerASCII writes the ASCII lower-case form of src into dst (same length) and returns it.
func lowerASCII(dst, src []byte) []byte {
	if cap(dst) < len(src) {
		dst = make([]byte, len(src))
	}
	dst = dst[:len(src)]
	for i, c := range src {
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
