package sed

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixre"
)

type sedAddr struct {
	kind  byte // 'n' line, '$' last, 'r' regexp, '~' step, '+' relative (addr2 only)
	n     int
	step  int
	re    *regexp.Regexp
	empty bool // "//": the last regexp used
}

type sedCmd struct {
	a1, a2  *sedAddr
	neg     bool
	name    byte
	text    string // a i c, label, file name
	re      *regexp.Regexp
	reEmpty bool
	repl    []replPart
	global  bool
	nth     int
	print   bool
	from    []rune // y
	to      []rune
	jump    int // for { (index of matching }), b, t
	exit    int
	wfile   string
	// range state
	active bool
	closed bool // a range from a line number, ended
	end    int
}

type replPart struct {
	lit   string
	group int // -1: literal, 0: &, 1..9
}

type sedProg struct {
	cmds []*sedCmd
	ere  bool
}

type sedParser struct {
	s   string
	i   int
	ere bool
}

func (p *sedParser) eof() bool { return p.i >= len(p.s) }

func (p *sedParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

func (p *sedParser) skipSpace() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// delimited reads up to the unescaped delim and returns the text with "\delim" unescaped
// (and "\n" as newline when newline is true).
func (p *sedParser) delimited(delim byte, isRE bool) (string, error) {
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		if c == delim {
			return b.String(), nil
		}
		if c == '[' && isRE {
			// A bracket expression holds the delimiter as a plain character: s@[@]@@.
			if j := bracketEnd(p.s, p.i); j > 0 {
				b.WriteByte(c)
				b.WriteString(p.s[p.i:j])
				p.i = j
				continue
			}
		}
		if c == '\\' && !p.eof() {
			n := p.s[p.i]
			p.i++
			switch {
			case n == delim && delim != '&':
				b.WriteByte(n)
			case n == 'n':
				if isRE {
					b.WriteString(`\n`)
				} else {
					b.WriteByte('\n')
				}
			case n == '\n':
				b.WriteByte('\n')
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			continue
		}
		if c == '\n' && isRE {
			return "", fmt.Errorf("unterminated address regex")
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("unterminated `s' command")
}

// bracketEnd returns the index just past the "]" that closes the bracket expression whose
// "[" is just before s[i] ("[]...]", "[^]...]", "[:alpha:]" inside), or -1 when none does
// on this line.
func bracketEnd(s string, i int) int {
	if i < len(s) && s[i] == '^' {
		i++
	}
	if i < len(s) && s[i] == ']' {
		i++
	}
	for i < len(s) && s[i] != '\n' {
		switch {
		case s[i] == ']':
			return i + 1
		case s[i] == '[' && i+1 < len(s) && strings.IndexByte(":.=", s[i+1]) >= 0:
			end := strings.Index(s[i+2:], string(s[i+1])+"]")
			if end < 0 {
				return -1
			}
			i += 2 + end + 2
		default:
			i++
		}
	}
	return -1
}

func (p *sedParser) compileRE(src string, fold bool) (*regexp.Regexp, error) {
	var expr string
	var err error
	if p.ere {
		expr, err = posixre.ERE(src)
	} else {
		expr, err = posixre.BRE(src)
	}
	if err != nil {
		return nil, err
	}
	flagsPrefix := "(?s)"
	if fold {
		flagsPrefix = "(?si)"
	}
	re, err := regexp.Compile(flagsPrefix + expr)
	if err != nil {
		return nil, fmt.Errorf("-e expression: %s", posixre.ErrorText(err))
	}
	return re, nil
}

func (p *sedParser) addr() (*sedAddr, error) {
	c := p.peek()
	switch {
	case c >= '0' && c <= '9':
		j := p.i
		for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, _ := strconv.Atoi(p.s[j:p.i])
		if p.peek() == '~' {
			p.i++
			k := p.i
			for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			step, _ := strconv.Atoi(p.s[k:p.i])
			return &sedAddr{kind: '~', n: n, step: step}, nil
		}
		return &sedAddr{kind: 'n', n: n}, nil
	case c == '$':
		p.i++
		return &sedAddr{kind: '$'}, nil
	case c == '/' || c == '\\':
		p.i++
		delim := byte('/')
		if c == '\\' {
			delim = p.peek()
			p.i++
		}
		src, err := p.delimited(delim, true)
		if err != nil {
			return nil, err
		}
		fold := false
		for p.peek() == 'I' || p.peek() == 'M' {
			fold = fold || p.peek() == 'I'
			p.i++
		}
		if src == "" {
			return &sedAddr{kind: 'r', empty: true}, nil
		}
		re, err := p.compileRE(src, fold)
		if err != nil {
			return nil, err
		}
		return &sedAddr{kind: 'r', re: re}, nil
	}
	return nil, nil
}

// text reads the argument of a, i, c (GNU's forms): "a\" newline "text", or "a text" on
// one line (leading blanks dropped), the text running to an unescaped newline, which is
// left for the command loop. In the text "\" newline is a newline, \t \n \r and the other
// escapes of escape are converted, and a backslash before any other character is dropped.
func (p *sedParser) text() string {
	p.skipSpace()
	if p.peek() == '\\' {
		p.i++
		if p.peek() == '\n' {
			p.i++
		}
	}
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		if c == '\n' {
			break
		}
		p.i++
		if c == '\\' && !p.eof() {
			n := p.s[p.i]
			p.i++
			if e, ok := escape(n); ok {
				b.WriteByte(e)
			} else {
				b.WriteByte(n)
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// escape is the byte GNU sed's \X stands for in text and replacements (\n newline, \t
// tab, \r carriage return, \a \f \v), ok false for any other X.
func escape(x byte) (byte, bool) {
	switch x {
	case 'n':
		return '\n', true
	case 't':
		return '\t', true
	case 'r':
		return '\r', true
	case 'a':
		return '\a', true
	case 'f':
		return '\f', true
	case 'v':
		return '\v', true
	}
	return 0, false
}

// fileName reads the FILE of r R w W and s///w: the rest of the line, as is.
func (p *sedParser) fileName() string {
	p.skipSpace()
	j := p.i
	for !p.eof() && p.s[p.i] != '\n' {
		p.i++
	}
	return p.s[j:p.i]
}

// label reads the label of b t T, which ends at a blank, ';' or newline (GNU), or of ':'
// (blank when colon), which only ';' or a newline end.
func (p *sedParser) label(colon bool) string {
	p.skipSpace()
	j := p.i
	for !p.eof() && p.s[p.i] != '\n' && p.s[p.i] != ';' && (colon || (p.s[p.i] != ' ' && p.s[p.i] != '\t')) {
		p.i++
	}
	return strings.TrimSpace(p.s[j:p.i])
}

func parseRepl(s string) []replPart {
	var parts []replPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replPart{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			n := s[i]
			switch {
			case n >= '0' && n <= '9':
				flush()
				parts = append(parts, replPart{group: int(n - '0')})
			case n == '\n':
				lit.WriteByte('\n')
			default:
				if e, ok := escape(n); ok {
					lit.WriteByte(e)
					break
				}
				lit.WriteByte(n)
			}
		case c == '&':
			flush()
			parts = append(parts, replPart{group: 0})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}

func parseSed(script string, ere bool) (*sedProg, error) {
	p := &sedParser{s: script, ere: ere}
	prog := &sedProg{ere: ere}
	var blocks []int
	for {
		for !p.eof() && strings.IndexByte(" \t\n;", p.peek()) >= 0 {
			p.i++
		}
		if p.eof() {
			break
		}
		if p.peek() == '#' {
			for !p.eof() && p.peek() != '\n' {
				p.i++
			}
			continue
		}
		cmd := &sedCmd{}
		var err error
		if cmd.a1, err = p.addr(); err != nil {
			return nil, err
		}
		if cmd.a1 != nil && p.peek() == ',' {
			p.i++
			p.skipSpace()
			if p.peek() == '+' {
				p.i++
				j := p.i
				for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
					p.i++
				}
				n, _ := strconv.Atoi(p.s[j:p.i])
				cmd.a2 = &sedAddr{kind: '+', n: n}
			} else if cmd.a2, err = p.addr(); err != nil {
				return nil, err
			} else if cmd.a2 == nil {
				return nil, fmt.Errorf("-e expression #1, char %d: unexpected `,'", p.i)
			}
		}
		p.skipSpace()
		for p.peek() == '!' {
			cmd.neg = true
			p.i++
			p.skipSpace()
		}
		if p.eof() {
			return nil, fmt.Errorf("-e expression #1, char %d: missing command", p.i)
		}
		cmd.name = p.s[p.i]
		p.i++
		switch cmd.name {
		case '{':
			blocks = append(blocks, len(prog.cmds))
		case '}':
			if len(blocks) == 0 {
				return nil, fmt.Errorf("-e expression #1, char %d: unexpected `}'", p.i)
			}
			prog.cmds[blocks[len(blocks)-1]].jump = len(prog.cmds) + 1
			blocks = blocks[:len(blocks)-1]
		case 'p', 'P', 'd', 'D', '=', 'n', 'N', 'h', 'H', 'g', 'G', 'x', 'l', 'z', 'F':
		case 'q', 'Q':
			p.skipSpace()
			j := p.i
			for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			cmd.exit, _ = strconv.Atoi(p.s[j:p.i])
		case 'a', 'i', 'c':
			cmd.text = p.text()
		case ':':
			cmd.text = p.label(true)
			if cmd.text == "" {
				return nil, fmt.Errorf("\":\" lacks a label")
			}
		case 'b', 't', 'T':
			cmd.text = p.label(false)
		case 'r', 'R', 'w', 'W':
			cmd.text = p.fileName()
		case 's':
			delim := p.peek()
			p.i++
			src, err := p.delimited(delim, true)
			if err != nil {
				return nil, err
			}
			repl, err := p.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			cmd.repl = parseRepl(repl)
			fold := false
			for !p.eof() {
				c := p.peek()
				if c >= '0' && c <= '9' {
					j := p.i
					for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
						p.i++
					}
					cmd.nth, _ = strconv.Atoi(p.s[j:p.i])
					continue
				}
				if c == 'g' {
					cmd.global = true
				} else if c == 'p' {
					cmd.print = true
				} else if c == 'I' || c == 'i' {
					fold = true
				} else if c == 'm' || c == 'M' || c == 'e' {
				} else if c == 'w' {
					p.i++
					cmd.wfile = p.fileName()
					break
				} else {
					break
				}
				p.i++
			}
			if src == "" {
				cmd.reEmpty = true
			} else if cmd.re, err = p.compileRE(src, fold); err != nil {
				return nil, err
			}
		case 'y':
			delim := p.peek()
			p.i++
			a, err := p.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			b, err := p.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			cmd.from, cmd.to = []rune(a), []rune(b)
			if len(cmd.from) != len(cmd.to) {
				return nil, fmt.Errorf("strings for `y' command are different lengths")
			}
		default:
			return nil, fmt.Errorf("-e expression #1, char %d: unknown command: `%c'", p.i, cmd.name)
		}
		prog.cmds = append(prog.cmds, cmd)
		p.skipSpace()
		if !p.eof() && p.peek() == '}' {
			continue
		}
		if !p.eof() && p.peek() != ';' && p.peek() != '\n' && p.peek() != '#' {
			if cmd.name != '}' && cmd.name != '{' {
				return nil, fmt.Errorf("-e expression #1, char %d: extra characters after command", p.i+1)
			}
		}
	}
	if len(blocks) > 0 {
		return nil, fmt.Errorf("-e expression #1, char 0: unmatched `{'")
	}
	// resolve labels
	labels := map[string]int{}
	for i, c := range prog.cmds {
		if c.name == ':' {
			labels[c.text] = i
		}
	}
	for _, c := range prog.cmds {
		if c.name == 'b' || c.name == 't' || c.name == 'T' {
			if c.text == "" {
				c.jump = len(prog.cmds)
			} else if j, ok := labels[c.text]; ok {
				c.jump = j
			} else {
				return nil, fmt.Errorf("can't find label for jump to `%s'", c.text)
			}
		}
	}
	return prog, nil
}
