package grep

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/dfa"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/litfind"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixre"
)

// matcher decides whether a line matches and where.
type matcher struct {
	re      *regexp.Regexp                 // nil: plain fixed string search with lit
	reAfter *regexp.Regexp                 // re after one any character, when re looks behind (^, \b)
	dfa     *dfa.DFA                       // answers for re whether a line matches (nil: ask re)
	lit     []byte                         // every match contains lit (nil: unknown)
	litOnly bool                           // the match is exactly lit (no regexp needed), in any case when litLow
	finder  interface{ Index([]byte) int } // finds lit (lower-cased when foldLit), or a factor
	foldLit bool                           // search lit in an ASCII lower-cased copy of the input
	litLow  bool                           // lit is lower-cased (-i): no byte-exact pre-check
	word    bool
	invert  bool
	low     []byte // scratch: a line lower-cased
	// set finds many literals at once (grep -f with a list of strings), in place of re;
	// lower-cased when litLow. With -x, whole holds them and a line must be one of them.
	set   *litfind.Set
	whole map[string]bool
}

// isWordByte reports whether c is a word character for -w in the C locale, where bytes
// of 0x80 and up are not letters.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// find returns the first match in line at or after from, or -1.
func (m *matcher) find(line []byte, from int) (int, int) {
	return m.findIn(line, nil, from)
}

// findIn is find with line already lower-cased in low, when not nil.
func (m *matcher) findIn(line, low []byte, from int) (int, int) {
	if m.set != nil {
		return m.setFind(line, low, from)
	}
	hay := line
	if m.litOnly && m.litLow {
		if low == nil {
			m.low = litfind.LowerASCII(m.low, line)
			low = m.low
		}
		hay = low
	}
	for from <= len(line) {
		var s, e int
		if m.litOnly {
			i := bytes.Index(hay[from:], m.lit)
			if i < 0 {
				return -1, -1
			}
			s, e = from+i, from+i+len(m.lit)
		} else {
			if s, e = m.reFind(line, from, len(line)); s < 0 {
				return -1, -1
			}
		}
		if !m.word || (s == 0 || !isWordByte(line[s-1])) && (e == len(line) || !isWordByte(line[e])) {
			return s, e
		}
		if !m.litOnly && m.word {
			// Try a shorter match at the same start before moving on, as GNU grep does.
			for k := e - 1; k > s; k-- {
				if ms, me := m.reFind(line[:k], s, k); ms == s && me == k {
					if k == len(line) || !isWordByte(line[k]) {
						if s == 0 || !isWordByte(line[s-1]) {
							return s, k
						}
					}
				}
			}
		}
		from = s + 1
	}
	return -1, -1
}

// reFind returns the leftmost-longest match of re in line[from:end] that starts at or
// after from, with line[from-1] before it as context for ^ and \b, or -1, -1.
func (m *matcher) reFind(line []byte, from, end int) (int, int) {
	if from > 0 && m.reAfter != nil {
		if loc := m.reAfter.FindSubmatchIndex(line[from-1 : end]); loc != nil {
			return from - 1 + loc[2], from - 1 + loc[3]
		}
		return -1, -1
	}
	if loc := m.re.FindIndex(line[from:end]); loc != nil {
		return from + loc[0], from + loc[1]
	}
	return -1, -1
}

// looksBehind reports whether expr has an assertion about what comes before a position.
func looksBehind(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			return true
		}
		for _, sub := range re.Sub {
			if walk(sub) {
				return true
			}
		}
		return false
	}
	return walk(re)
}

// nextMatch returns the bounds of the first line of chunk at or after pos, a line start,
// that contains a match (whatever -v says), or -1, -1. Whole buffers are scanned: with a
// literal the next candidate is found with the literal finder and only its line is
// checked; otherwise the DFA runs over the buffer. low is chunk lower-cased when foldLit.
func (m *matcher) nextMatch(chunk, low []byte, pos int) (int, int) {
	for pos < len(chunk) {
		var ls, le int
		switch {
		case m.finder != nil:
			hay := chunk
			if m.foldLit {
				hay = low
			}
			i := m.finder.Index(hay[pos:])
			if i < 0 {
				return -1, -1
			}
			ls, le = dfa.LineAround(chunk, pos+i)
			var lowLine []byte
			if m.foldLit {
				lowLine = low[ls:le]
			}
			if m.lineMatches(chunk[ls:le], lowLine) {
				return ls, le
			}
		case m.dfa != nil:
			at, sure := m.dfa.Next(chunk, pos)
			if at < 0 {
				return -1, -1
			}
			ls, le = dfa.LineAround(chunk, at)
			if sure && !m.word || m.verify(chunk[ls:le], nil) {
				return ls, le
			}
		default:
			ls, le = dfa.LineAround(chunk, pos)
			if m.verify(chunk[ls:le], nil) {
				return ls, le
			}
		}
		pos = le + 1
	}
	return -1, -1
}

// lineMatches reports whether a line that holds the required literal contains a match.
// low is the line lower-cased, or nil.
func (m *matcher) lineMatches(line, low []byte) bool {
	if m.set != nil && (m.word || m.whole != nil) {
		s, _ := m.setFind(line, low, 0)
		return s >= 0
	}
	if m.litOnly && !m.word {
		return true
	}
	if m.dfa != nil {
		ok, sure := m.dfa.Match(line)
		if !ok {
			return false
		}
		if sure && !m.word {
			return true
		}
	}
	return m.verify(line, low)
}

// verify asks the regexp (and the word rule) whether line contains a match. low is the
// line lower-cased, or nil.
func (m *matcher) verify(line, low []byte) bool {
	if m.word || m.re == nil {
		s, _ := m.findIn(line, low, 0)
		return s >= 0
	}
	return m.re.Match(line)
}

// setFind is findIn for a set of literals: the leftmost match at or after from (the
// longest there) that -w and -x allow.
func (m *matcher) setFind(line, low []byte, from int) (int, int) {
	hay := line
	if m.litLow {
		if low == nil {
			m.low = litfind.LowerASCII(m.low, line)
			low = m.low
		}
		hay = low
	}
	if m.whole != nil {
		if from == 0 && m.whole[string(hay)] {
			return 0, len(line)
		}
		return -1, -1
	}
	bs, be := -1, -1
	m.set.Matches(hay[from:], func(s, e int) bool {
		s, e = s+from, e+from
		if bs >= 0 && e-m.set.MaxLen() >= bs {
			return false // every later match starts after bs
		}
		if m.word && (s > 0 && isWordByte(line[s-1]) || e < len(line) && isWordByte(line[e])) {
			return true
		}
		if bs < 0 || s < bs || s == bs && e > be {
			bs, be = s, e
		}
		return true
	})
	return bs, be
}

// literalSet returns the patterns as the literals they match, lower-cased for fold, when
// every one is a non-empty plain string (no regexp operator; ASCII only under -i, where
// the C locale folds ASCII letters only).
func literalSet(patterns []string, fixed, ere, fold bool) ([][]byte, bool) {
	special := `\.[]*^$`
	if ere {
		special += "+?(){}|"
	}
	lits := make([][]byte, 0, len(patterns))
	for _, p := range patterns {
		if p == "" || !fixed && strings.ContainsAny(p, special) {
			return nil, false
		}
		if fold {
			for i := 0; i < len(p); i++ {
				if p[i] >= 0x80 {
					return nil, false
				}
			}
			lits = append(lits, litfind.LowerASCII(nil, []byte(p)))
		} else {
			lits = append(lits, []byte(p))
		}
	}
	return lits, true
}

func newMatcher(patterns []string, fixed, ere, fold, word, whole bool) (*matcher, error) {
	m := &matcher{word: word}
	if lits, ok := literalSet(patterns, fixed, ere, fold); ok && len(lits) > 1 {
		m.set, m.litOnly, m.litLow, m.foldLit = litfind.NewSet(lits), true, fold, fold
		m.finder = m.set
		if whole {
			m.whole = make(map[string]bool, len(lits))
			for _, l := range lits {
				m.whole[string(l)] = true
			}
		}
		return m, nil
	}
	if fixed && len(patterns) == 1 && !fold && !whole && patterns[0] != "" {
		m.lit, m.litOnly = []byte(patterns[0]), true
		m.finder = litfind.New(m.lit)
		return m, nil
	}
	var parts []string
	for _, p := range patterns {
		var expr string
		var err error
		if fixed {
			expr = regexp.QuoteMeta(p)
		} else if expr, err = posixre.Translate(p, ere); err != nil {
			return nil, err
		}
		if whole {
			expr = "^(?:" + expr + ")$"
		}
		parts = append(parts, expr)
	}
	plain := strings.Join(parts, "|")
	if len(parts) > 1 {
		plain = "(?:" + strings.Join(parts, ")|(?:") + ")"
	}
	expr := plain
	if fold {
		expr = "(?i)" + plain
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("%s", posixre.ErrorText(err))
	}
	re.Longest()
	m.re = re
	if looksBehind(expr) {
		// A search from inside a line must see the byte before it: grep -o '^a' on
		// "aaa" finds one a. The group is the match; the any character, the context.
		if m.reAfter, err = regexp.Compile(`(?s:.)(` + expr + `)`); err != nil {
			return nil, fmt.Errorf("%s", posixre.ErrorText(err))
		}
		m.reAfter.Longest()
	}
	if len(parts) == 1 {
		l := litfind.RequiredLiteral(plain)
		if fold {
			if bytes.IndexFunc(l, func(r rune) bool { return r >= 0x80 || r == 'k' || r == 'K' || r == 's' || r == 'S' }) >= 0 {
				l = nil // letters with non-ASCII case variants (K: Kelvin sign, S: long s)
			}
			l = litfind.LowerASCII(nil, l)
			m.foldLit = len(l) > 0
			m.litLow = true
		}
		if len(l) > 0 {
			m.lit, m.finder = l, litfind.New(l)
			if fold {
				if f := litfind.NewFold(l); f != nil {
					m.finder, m.foldLit = f, false
				}
				// -i with a plain word: ASCII case folding finds exactly what re does.
				m.litOnly = isLiteral(plain, len(l))
			}
		}
		if lp, complete := re.LiteralPrefix(); !fold && complete && lp != "" && !whole {
			m.lit, m.litOnly = []byte(lp), true
			m.finder = litfind.New(m.lit)
			m.re = nil
		}
		// A run of classes around the literal, as in [0-9]x[0-9], finds fewer lines.
		if f := litfind.RequiredFactor(plain); !fold && !m.litOnly && litfind.FactorInfo(f) > 8*float64(len(m.lit)) {
			if ff := litfind.NewFactor(f); ff != nil {
				m.finder = ff
			}
		}
	}
	if m.re != nil && !m.litOnly {
		m.dfa = dfa.New(expr)
	}
	return m, nil
}

// isLiteral reports whether expr matches just one string, of n bytes.
func isLiteral(expr string, n int) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	return re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase == 0 && len(string(re.Rune)) == n
}
