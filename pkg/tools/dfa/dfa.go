package dfa

import (
	"bytes"
	"regexp/syntax"
	"slices"
	"unicode/utf8"
)

// States are named by the offset of their row in DFA.trans, 256 times their number,
// which saves a shift a byte. The first three are not states but outcomes.
const (
	dfaUnbuilt uint32 = 0 * 256 // transition not computed yet
	dfaMatch   uint32 = 1 * 256 // the line matches
	dfaUnknown uint32 = 2 * 256 // a byte the DFA does not handle, or too many states: ask the regexp
	dfaFirst   uint32 = 3 * 256
)

// dfaMaxStates bounds the cache (1 KiB a state); past it lines are left to the regexp.
const dfaMaxStates = 4096

// DFA tells whether a line contains a match of a regular expression with one table
// lookup a byte, from a DFA built lazily out of the compiled program, as GNU grep does.
// Go's regexp simulates an NFA instead and runs at tens of MB/s on a pattern without a
// literal to search for. The DFA handles ASCII: a line with another byte is unknown, and
// it assumes \b and \B hold (exact is false then), so the regexp confirms those lines.
// A line the DFA rejects never matches.
type DFA struct {
	prog  *syntax.Prog
	exact bool       // a match of the DFA is a match of the regexp
	trans []uint32   // 256 transitions a state; '\n' goes back to start (or to dfaMatch)
	sets  [][]uint32 // by state number: instructions, runes and $ waiting for the line end
	bol   []bool     // by state number: the state is at the beginning of a line
	eol   []bool     // by state number: the state matches if the line ends here
	ids   map[string]uint32
	start uint32    // state at the beginning of a line (dfaMatch: every line matches)
	idle  uint32    // state inside a line before any part of a match
	stay  [256]bool // bytes that keep idle idle, skipped without the table

	mark  []uint32 // closure: generation an instruction was last visited in
	gen   uint32
	stack []uint32
	set   []uint32
}

// New returns a DFA for expr in Go syntax (as regexp.Compile takes it), or nil.
func New(expr string) *DFA {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	d := &DFA{prog: prog, exact: true, ids: map[string]uint32{}, mark: make([]uint32, len(prog.Inst))}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&(syntax.EmptyWordBoundary|syntax.EmptyNoWordBoundary) != 0 {
			d.exact = false
		}
	}
	d.trans = make([]uint32, dfaFirst)
	d.sets = make([][]uint32, dfaFirst/256)
	d.bol = make([]bool, dfaFirst/256)
	d.eol = make([]bool, dfaFirst/256)
	d.gen++
	d.start = d.state(d.closure(nil, uint32(prog.Start), true, false), true)
	if d.start == dfaUnknown {
		return nil
	}
	if d.start != dfaMatch {
		d.gen++
		d.idle = d.state(d.closure(nil, uint32(prog.Start), false, false), false)
		for c := range utf8.RuneSelf {
			d.stay[c] = c != '\n' && d.step(d.idle, byte(c)) == d.idle
		}
	}
	return d
}

// closure adds to dst the instructions reachable from pc without reading a byte: those
// that read one, Match, and end-of-line assertions that wait for the line end (!eol).
func (d *DFA) closure(dst []uint32, pc uint32, bol, eol bool) []uint32 {
	stack := append(d.stack[:0], pc)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d.mark[pc] == d.gen {
			continue
		}
		d.mark[pc] = d.gen
		in := &d.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&(syntax.EmptyBeginLine|syntax.EmptyBeginText) != 0 && !bol {
				continue
			}
			if op&(syntax.EmptyEndLine|syntax.EmptyEndText) != 0 && !eol {
				dst = append(dst, pc)
				continue
			}
			stack = append(stack, in.Out) // \b and \B are assumed to hold
		case syntax.InstFail:
		default:
			dst = append(dst, pc)
		}
	}
	d.stack = stack
	return dst
}

// state returns the state for a set of instructions, adding it if it is new.
func (d *DFA) state(set []uint32, bol bool) uint32 {
	for _, pc := range set {
		if d.prog.Inst[pc].Op == syntax.InstMatch {
			return dfaMatch
		}
	}
	slices.Sort(set)
	key := make([]byte, 1, 1+4*len(set))
	if bol {
		key[0] = 1
	}
	for _, pc := range set {
		key = append(key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	if id, ok := d.ids[string(key)]; ok {
		return id
	}
	if len(d.sets) >= dfaMaxStates {
		return dfaUnknown
	}
	id := uint32(len(d.sets)) * 256
	d.ids[string(key)] = id
	d.sets = append(d.sets, slices.Clone(set))
	d.bol = append(d.bol, bol)
	// Does the line match if it ends here?
	d.gen++
	var end []uint32
	for _, pc := range set {
		if d.prog.Inst[pc].Op == syntax.InstEmptyWidth {
			end = d.closure(end, pc, bol, true)
		}
	}
	d.eol = append(d.eol, slices.ContainsFunc(end, func(pc uint32) bool { return d.prog.Inst[pc].Op == syntax.InstMatch }))
	d.trans = append(d.trans, make([]uint32, 256)...)
	return id
}

// step computes and records the transition of state s on byte c.
func (d *DFA) step(s uint32, c byte) uint32 {
	var t uint32
	switch {
	case c == '\n':
		t = d.start
		if d.eol[s/256] {
			t = dfaMatch
		}
	case c >= utf8.RuneSelf:
		t = dfaUnknown
	default:
		d.gen++
		set := d.set[:0]
		for _, pc := range d.sets[s/256] {
			in := &d.prog.Inst[pc]
			var ok bool
			switch in.Op {
			case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				ok = true
			case syntax.InstRune, syntax.InstRune1:
				ok = in.MatchRune(rune(c))
			}
			if ok {
				set = d.closure(set, in.Out, false, false)
			}
		}
		set = d.closure(set, uint32(d.prog.Start), false, false) // a match may start at any byte
		d.set = set
		t = d.state(set, false)
	}
	d.trans[s+uint32(c)] = t
	return t
}

// next runs the DFA over buf from pos, the start of a line, and returns the index of the
// byte at which a line was found to match (len(buf) for a last line without a newline),
// and whether that is sure; sure is false when the regexp has to confirm the line.
// It returns -1 when no line of buf[pos:] matches.
func (d *DFA) Next(buf []byte, pos int) (at int, sure bool) {
	if d.start == dfaMatch {
		return pos, d.exact
	}
	i, s, hit := d.walk(buf[pos:])
	if hit {
		return pos + i, s == dfaMatch && d.exact
	}
	if len(buf) > pos && buf[len(buf)-1] != '\n' && d.eol[s/256] {
		return len(buf), d.exact
	}
	return -1, false
}

// Match reports whether line (without its newline) may match, and whether that
// answer is sure. A false ok is always sure.
func (d *DFA) Match(line []byte) (ok, sure bool) {
	if d.start == dfaMatch {
		return true, d.exact
	}
	_, s, hit := d.walk(line)
	if hit {
		return true, s == dfaMatch && d.exact
	}
	return d.eol[s/256], !d.eol[s/256] || d.exact
}

// walk runs the DFA over b from its start state, building states as it meets them. It
// stops at the byte where it reaches a final state (hit: that index and the state), else
// returns the state it ends in.
func (d *DFA) walk(b []byte) (at int, s uint32, hit bool) {
	trans := d.trans
	s = d.start
	for i := 0; i < len(b); i++ {
		if s == d.idle {
			for i < len(b) && d.stay[b[i]] {
				i++
			}
			if i == len(b) {
				break
			}
		}
		c := b[i]
		t := trans[s+uint32(c)]
		if t < dfaFirst {
			if t == dfaUnbuilt {
				t = d.step(s, c)
				trans = d.trans
			}
			if t < dfaFirst {
				return i, t, true
			}
		}
		s = t
	}
	return len(b), s, false
}

// LineAround returns the bounds of the line holding chunk[i] (a newline ends its line).
func LineAround(chunk []byte, i int) (int, int) {
	ls := bytes.LastIndexByte(chunk[:i], '\n') + 1
	le := bytes.IndexByte(chunk[i:], '\n')
	if le < 0 {
		return ls, len(chunk)
	}
	return ls, i + le
}
