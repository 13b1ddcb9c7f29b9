package humanize

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

var (
	// ErrSyntax is a count that is not digits with a suffix the tool takes.
	ErrSyntax = errors.New("invalid number")
	// ErrRange is a count too large for an int64 once multiplied (GNU's words for EOVERFLOW).
	ErrRange = errors.New("Value too large for defined data type")
)

// SizeSyntax is how one tool spells a count with a multiplier suffix. The GNU tools share
// one parser (xstrtol) but each passes its own set of suffixes, so each applet names its set
// here and the parsing is done once, by ParseSize.
type SizeSyntax struct {
	// Sign takes a leading + or - (truncate, split).
	Sign bool
	// Octal reads digits after a leading 0 as octal (cmp: GNU's base 0).
	Octal bool
	// Hex reads 0x or 0X and hexadecimal digits (xxd, hexdump).
	Hex bool
	// Powers are the letters of 1024, 1024², ... in order ("KMGTPE"); k is always K.
	Powers string
	// FoldCase takes a power letter in either case: m as M (truncate, split, cmp).
	FoldCase bool
	// Units takes KiB for K and KB for 1000 (MB 1000², ...) after a power letter.
	Units bool
	// Blocks takes b (512), c (1) and w (2) as the whole suffix (dd, truncate, split).
	Blocks bool
	// Product takes NxM, both counts of this syntax, for their product (dd).
	Product bool
}

// ParseSize reads s as a count in syntax syn: the digits, then at most one suffix. A bad
// spelling is ErrSyntax, a count over an int64 ErrRange (both wrapped).
func ParseSize(s string, syn SizeSyntax) (int64, error) {
	if syn.Product {
		if a, b, ok := strings.Cut(s, "x"); ok {
			x, err := ParseSize(a, syn)
			if err != nil {
				return 0, err
			}
			y, err := ParseSize(b, syn)
			if err != nil {
				return 0, err
			}
			return multiply(x, y, s)
		}
	}
	n, suf, err := syn.digits(s)
	if err != nil {
		return 0, err
	}
	mult, ok := syn.multiplier(suf)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	return multiply(n, mult, s)
}

// Power is the power of 1024 that letter c stands for in syn (K 1, M 2, ...), 0 for none.
func (syn SizeSyntax) Power(c byte) int {
	if c == 'k' {
		c = 'K'
	} else if syn.FoldCase && c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	return strings.IndexByte(syn.Powers, c) + 1
}

// digits reads the sign and digits that begin s, and returns the rest.
func (syn SizeSyntax) digits(s string) (int64, string, error) {
	i := 0
	if syn.Sign && i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	base, start := 10, i
	if syn.Hex && strings.HasPrefix(s[i:], "0x") || syn.Hex && strings.HasPrefix(s[i:], "0X") {
		base, start = 16, i+2
	} else if syn.Octal && strings.HasPrefix(s[i:], "0") {
		base = 8
	}
	j := start
	for j < len(s) && digitValue(s[j]) < base {
		j++
	}
	if base == 8 {
		// A decimal digit after the 0 makes the whole count invalid, as strtol's base 0.
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	n, err := strconv.ParseInt(s[start:j], base, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, "", fmt.Errorf("%w: %q", ErrRange, s)
		}
		return 0, "", fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if s[:i] == "-" {
		n = -n
	}
	return n, s[j:], nil
}

// multiplier is what suffix suf multiplies by in syn.
func (syn SizeSyntax) multiplier(suf string) (int64, bool) {
	if suf == "" {
		return 1, true
	}
	if syn.Blocks {
		switch suf {
		case "b":
			return 512, true
		case "c":
			return 1, true
		case "w":
			return 2, true
		}
	}
	p := syn.Power(suf[0])
	if p == 0 {
		return 0, false
	}
	base := int64(1024)
	switch {
	case suf[1:] == "":
	case syn.Units && suf[1:] == "iB":
	case syn.Units && suf[1:] == "B":
		base = 1000
	default:
		return 0, false
	}
	mult := int64(1)
	for ; p > 0; p-- {
		if mult > math.MaxInt64/base {
			return -1, true // past an int64: multiply reports it
		}
		mult *= base
	}
	return mult, true
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

// multiply is n*m, or ErrRange when it does not fit (m -1 is a multiplier that did not).
func multiply(n, m int64, s string) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	if m < 0 || m > 1 && (n > math.MaxInt64/m || n < math.MinInt64/m) {
		return 0, fmt.Errorf("%w: %q", ErrRange, s)
	}
	return n * m, nil
}
