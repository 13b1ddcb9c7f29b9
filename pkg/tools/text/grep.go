package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Grep is grep: print lines that match patterns.
var Grep = tools.Applet{Name: "grep", Aliases: []string{"egrep", "fgrep"}, Summary: "print lines that match patterns", Run: runGrep}

const grepUsage = `grep [OPTION]... PATTERN [FILE]...
  -E extended regexp  -F fixed strings  -G basic regexp (default)  -e PAT  -f FILE
  -i ignore case  -v invert  -w whole words  -x whole lines
  -c count  -l files with matches  -L files without  -o only matching  -q quiet  -s no file errors
  -n line numbers  -b byte offsets  -H/-h with/without file names  -m NUM stop after NUM lines
  -A/-B/-C NUM context  -r/-R recursive (-R follows symlinks)  -a binary as text  -I skip binary
  --include=GLOB --exclude=GLOB --exclude-dir=GLOB  --color[=WHEN]  --label=NAME  -Z NUL after names`

// matcher decides whether a line matches and where.
type matcher struct {
	re      *regexp.Regexp                 // nil: plain fixed string search with lit
	reAfter *regexp.Regexp                 // re after one any character, when re looks behind (^, \b)
	dfa     *lineDFA                       // answers for re whether a line matches (nil: ask re)
	lit     []byte                         // every match contains lit (nil: unknown)
	litOnly bool                           // the match is exactly lit (no regexp needed), in any case when litLow
	finder  interface{ index([]byte) int } // finds lit (lower-cased when foldLit), or a factor
	foldLit bool                           // search lit in an ASCII lower-cased copy of the input
	litLow  bool                           // lit is lower-cased (-i): no byte-exact pre-check
	word    bool
	invert  bool
	low     []byte // scratch: a line lower-cased
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
	hay := line
	if m.litOnly && m.litLow {
		if low == nil {
			m.low = lowerASCII(m.low, line)
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
			i := m.finder.index(hay[pos:])
			if i < 0 {
				return -1, -1
			}
			ls, le = lineAround(chunk, pos+i)
			var lowLine []byte
			if m.foldLit {
				lowLine = low[ls:le]
			}
			if m.lineMatches(chunk[ls:le], lowLine) {
				return ls, le
			}
		case m.dfa != nil:
			at, sure := m.dfa.next(chunk, pos)
			if at < 0 {
				return -1, -1
			}
			ls, le = lineAround(chunk, at)
			if sure && !m.word || m.verify(chunk[ls:le], nil) {
				return ls, le
			}
		default:
			ls, le = lineAround(chunk, pos)
			if m.verify(chunk[ls:le], nil) {
				return ls, le
			}
		}
		pos = le + 1
	}
	return -1, -1
}

// lineAround returns the bounds of the line holding chunk[i] (a newline ends its line).
func lineAround(chunk []byte, i int) (int, int) {
	ls := bytes.LastIndexByte(chunk[:i], '\n') + 1
	le := bytes.IndexByte(chunk[i:], '\n')
	if le < 0 {
		return ls, len(chunk)
	}
	return ls, i + le
}

// lineMatches reports whether a line that holds the required literal contains a match.
// low is the line lower-cased, or nil.
func (m *matcher) lineMatches(line, low []byte) bool {
	if m.litOnly && !m.word {
		return true
	}
	if m.dfa != nil {
		ok, sure := m.dfa.matchLine(line)
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

type grepper struct {
	ctx                                    context.Context
	env                                    *tools.Env
	m                                      *matcher
	out                                    *bufio.Writer
	count, listFiles, listNon, onlyMatch   bool
	quiet, noMsgs, lineNum, byteOff, names bool
	nulNames, binText, skipBinary          bool
	color                                  bool
	maxCount                               int64
	after, before                          int
	context                                bool // -A, -B or -C given, even as 0: groups are separated by "--"
	grouped                                bool // a context group was printed, in any file
	includes, excludes, excludeDirs        []string
	follow                                 bool
	buf                                    []byte
	matchedAny, errors                     bool
	label                                  string
}

func runGrep(ctx context.Context, env *tools.Env, args []string) int {
	name := filepath.Base(args[0])
	g := &grepper{ctx: ctx, env: env, maxCount: -1, after: -1, before: -1}
	fset := gnuflag.New("grep", grepUsage)
	ere := name == "egrep"
	fixed := name == "fgrep"
	fset.BoolFunc('E', "extended-regexp", func() { ere, fixed = true, false })
	fset.BoolFunc('F', "fixed-strings", func() { fixed, ere = true, false })
	fset.BoolFunc('G', "basic-regexp", func() { fixed, ere = false, false })
	fset.BoolFunc('P', "perl-regexp", func() { fixed, ere = false, true })
	pats := fset.List('e', "regexp")
	patFiles := fset.List('f', "file")
	fold := fset.Bool('i', "ignore-case")
	fset.BoolFunc('y', "", func() { *fold = true })
	fset.Bool(0, "no-ignore-case")
	invert := fset.Bool('v', "invert-match")
	word := fset.Bool('w', "word-regexp")
	whole := fset.Bool('x', "line-regexp")
	fset.BoolFunc('c', "count", func() { g.count = true })
	fset.BoolFunc('l', "files-with-matches", func() { g.listFiles = true })
	fset.BoolFunc('L', "files-without-match", func() { g.listNon = true })
	fset.BoolFunc('o', "only-matching", func() { g.onlyMatch = true })
	fset.BoolFunc('q', "quiet", func() { g.quiet = true })
	fset.BoolFunc(0, "silent", func() { g.quiet = true })
	fset.BoolFunc('s', "no-messages", func() { g.noMsgs = true })
	fset.BoolFunc('n', "line-number", func() { g.lineNum = true })
	fset.BoolFunc('b', "byte-offset", func() { g.byteOff = true })
	withNames, noNames := false, false
	fset.BoolFunc('H', "with-filename", func() { withNames, noNames = true, false })
	fset.BoolFunc('h', "no-filename", func() { noNames, withNames = true, false })
	fset.BoolFunc('Z', "null", func() { g.nulNames = true })
	fset.BoolFunc('a', "text", func() { g.binText = true })
	fset.BoolFunc('I', "", func() { g.skipBinary = true })
	fset.Func(0, "binary-files", func(v string) error {
		switch v {
		case "text":
			g.binText = true
		case "without-match":
			g.skipBinary = true
		case "binary":
		default:
			return fmt.Errorf("unknown binary-files type")
		}
		return nil
	})
	num := func(dst *int) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("%s: invalid context length argument", v)
			}
			*dst = n
			return nil
		}
	}
	fset.Func('A', "after-context", num(&g.after))
	fset.Func('B', "before-context", num(&g.before))
	ctxBoth := -1
	fset.Func('C', "context", num(&ctxBoth))
	fset.Func('m', "max-count", func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("invalid max count")
		}
		g.maxCount = n
		return nil
	})
	recursive := false
	fset.BoolFunc('r', "recursive", func() { recursive = true })
	fset.BoolFunc('R', "dereference-recursive", func() { recursive, g.follow = true, true })
	fset.Func(0, "include", func(v string) error { g.includes = append(g.includes, v); return nil })
	fset.Func(0, "exclude", func(v string) error { g.excludes = append(g.excludes, v); return nil })
	fset.Func(0, "exclude-dir", func(v string) error { g.excludeDirs = append(g.excludeDirs, v); return nil })
	fset.Func(0, "label", func(v string) error { g.label = v; return nil })
	color := "never"
	fset.Func(0, "color", func(v string) error { color = v; return nil })
	fset.Func(0, "colour", func(v string) error { color = v; return nil })
	fset.Bool('U', "binary")
	fset.Bool(0, "line-buffered")
	a := args[1:]
	for i, s := range a {
		if s == "--color" || s == "--colour" {
			a[i] = "--color=auto"
		}
		// -NUM is -C NUM
		if len(s) > 1 && s[0] == '-' && s[1] >= '0' && s[1] <= '9' {
			if _, err := strconv.Atoi(s[1:]); err == nil {
				a[i] = "-C" + s[1:]
			}
		}
	}
	ops, rc := fset.Parse(env, a)
	if rc >= 0 {
		return rc
	}
	g.context = g.after >= 0 || g.before >= 0 || ctxBoth >= 0
	if g.after < 0 {
		g.after = max(ctxBoth, 0)
	}
	if g.before < 0 {
		g.before = max(ctxBoth, 0)
	}
	patterns := *pats
	for _, pf := range *patFiles {
		var b []byte
		var err error
		if pf == "-" {
			b, err = io.ReadAll(env.Stdin)
		} else {
			b, err = os.ReadFile(env.Abs(pf))
		}
		if err != nil {
			env.Errorf("grep", "%s: %s", pf, tools.Reason(err))
			return 2
		}
		s := strings.TrimSuffix(string(b), "\n")
		if s != "" || len(b) > 0 {
			patterns = append(patterns, strings.Split(s, "\n")...)
		}
	}
	if len(*pats) == 0 && len(*patFiles) == 0 {
		if len(ops) == 0 {
			fmt.Fprintf(env.Stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
			return 2
		}
		patterns = strings.Split(ops[0], "\n")
		ops = ops[1:]
	}
	if len(patterns) == 0 {
		// No patterns at all (-f /dev/null) match nothing: GNU grep makes that -v ''.
		patterns, *invert, *word, *whole = []string{""}, !*invert, false, false
	}
	m, err := newMatcher(patterns, fixed, ere, *fold, *word, *whole)
	if err != nil {
		env.Errorf("grep", "%v", err)
		return 2
	}
	// When no line can be selected GNU grep stops here, without opening a file and
	// without printing counts; only -L still has something to say.
	nothing := g.maxCount == 0 || *invert && !*word && !*whole && len(patterns) == 1 && patterns[0] == ""
	if nothing && !g.listNon {
		return 1
	}
	m.invert = *invert
	g.m = m
	switch color {
	case "always", "yes", "force":
		g.color = true
	case "auto", "tty", "if-tty":
		g.color = tools.IsTerminal(env.Stdout)
	}
	if len(ops) == 0 {
		if recursive {
			ops = []string{"."}
			g.names = !noNames
			g.out = bufio.NewWriterSize(env.Stdout, 64<<10)
			defer g.out.Flush()
			g.walk(".", env.Abs("."), true, "")
			return g.status()
		}
		ops = []string{"-"}
	}
	g.names = (len(ops) > 1 || recursive || withNames) && !noNames
	g.out = bufio.NewWriterSize(env.Stdout, 64<<10)
	defer g.out.Flush()
	g.buf = make([]byte, 256<<10)
	for _, op := range ops {
		if ctx.Err() != nil || g.quiet && g.matchedAny {
			break
		}
		if op == "-" {
			label := "(standard input)"
			if g.label != "" {
				label = g.label
			}
			g.searchReader(env.Stdin, label)
			continue
		}
		p := env.Abs(op)
		fi, err := os.Stat(p)
		if err != nil {
			g.fileErr(op, err)
			continue
		}
		if fi.IsDir() {
			if recursive {
				g.walk(op, p, true, op)
				continue
			}
			if !g.noMsgs {
				g.out.Flush()
				env.Errorf("grep", "%s: Is a directory", op)
			}
			continue
		}
		g.searchFile(p, op)
	}
	return g.status()
}

func (g *grepper) status() int {
	switch {
	case g.errors && !(g.quiet && g.matchedAny):
		return 2
	case g.matchedAny:
		return 0
	}
	return 1
}

func (g *grepper) fileErr(name string, err error) {
	g.errors = true
	if !g.noMsgs {
		g.out.Flush()
		g.env.Errorf("grep", "%s: %s", name, tools.Reason(err))
	}
}

func newMatcher(patterns []string, fixed, ere, fold, word, whole bool) (*matcher, error) {
	m := &matcher{word: word}
	if fixed && len(patterns) == 1 && !fold && !whole && patterns[0] != "" {
		m.lit, m.litOnly = []byte(patterns[0]), true
		m.finder = newLitFinder(m.lit)
		return m, nil
	}
	var parts []string
	for _, p := range patterns {
		var expr string
		var err error
		if fixed {
			expr = regexp.QuoteMeta(p)
		} else if expr, err = goSyntax(p, ere); err != nil {
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
		return nil, fmt.Errorf("%s", cleanRegexpErr(err))
	}
	re.Longest()
	m.re = re
	if looksBehind(expr) {
		// A search from inside a line must see the byte before it: grep -o '^a' on
		// "aaa" finds one a. The group is the match; the any character, the context.
		if m.reAfter, err = regexp.Compile(`(?s:.)(` + expr + `)`); err != nil {
			return nil, fmt.Errorf("%s", cleanRegexpErr(err))
		}
		m.reAfter.Longest()
	}
	if len(parts) == 1 {
		l := requiredLiteral(plain)
		if fold {
			if bytes.IndexFunc(l, func(r rune) bool { return r >= 0x80 || r == 'k' || r == 'K' || r == 's' || r == 'S' }) >= 0 {
				l = nil // letters with non-ASCII case variants (K: Kelvin sign, S: long s)
			}
			l = lowerASCII(nil, l)
			m.foldLit = len(l) > 0
			m.litLow = true
		}
		if len(l) > 0 {
			m.lit, m.finder = l, newLitFinder(l)
			if fold {
				if f := newFoldFinder(l); f != nil {
					m.finder, m.foldLit = f, false
				}
				// -i with a plain word: ASCII case folding finds exactly what re does.
				m.litOnly = isLiteral(plain, len(l))
			}
		}
		if lp, complete := re.LiteralPrefix(); !fold && complete && lp != "" && !whole {
			m.lit, m.litOnly = []byte(lp), true
			m.finder = newLitFinder(m.lit)
			m.re = nil
		}
		// A run of classes around the literal, as in [0-9]x[0-9], finds fewer lines.
		if f := requiredFactor(plain); !fold && !m.litOnly && factorInfo(f) > 8*float64(len(m.lit)) {
			if ff := newFactorFinder(f); ff != nil {
				m.finder = ff
			}
		}
	}
	if m.re != nil && !m.litOnly {
		m.dfa = newLineDFA(expr)
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

func (g *grepper) selected(name string, isDir bool) bool {
	base := path.Base(name)
	if isDir {
		for _, p := range g.excludeDirs {
			if ok, _ := path.Match(p, base); ok {
				return false
			}
		}
		return true
	}
	for _, p := range g.excludes {
		if ok, _ := path.Match(p, base); ok {
			return false
		}
	}
	if len(g.includes) == 0 {
		return true
	}
	for _, p := range g.includes {
		if ok, _ := path.Match(p, base); ok {
			return true
		}
	}
	return false
}

// walk searches a directory tree. shown is the prefix for names ("" for the implicit ".").
func (g *grepper) walk(shown, abs string, top bool, prefix string) {
	if g.ctx.Err() != nil || g.quiet && g.matchedAny {
		return
	}
	if !top && !g.selected(shown, true) {
		return
	}
	d, err := os.Open(abs)
	if err != nil {
		g.fileErr(shown, err)
		return
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		g.fileErr(shown, err)
	}
	sortDirEntries(ents)
	for _, e := range ents {
		if g.ctx.Err() != nil || g.quiet && g.matchedAny {
			return
		}
		n := e.Name()
		childShown := n
		if prefix != "" {
			childShown = strings.TrimSuffix(prefix, "/") + "/" + n
		}
		childAbs := abs + "/" + n
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			if !g.follow {
				continue
			}
			fi, err := os.Stat(childAbs)
			if err != nil {
				g.fileErr(childShown, err)
				continue
			}
			t = fi.Mode().Type()
		}
		switch {
		case t.IsDir():
			g.walk(childShown, childAbs, false, childShown)
		case t.IsRegular():
			if g.selected(n, false) {
				g.searchFile(childAbs, childShown)
			}
		}
	}
}

func (g *grepper) searchFile(abs, shown string) {
	f, err := os.Open(abs)
	if err != nil {
		g.fileErr(shown, err)
		return
	}
	defer f.Close()
	g.searchReader(f, shown)
}

func (g *grepper) writeName(name string, sep byte) {
	if g.color {
		g.out.WriteString("\x1b[35m" + name + "\x1b[m")
	} else {
		g.out.WriteString(name)
	}
	if g.nulNames {
		g.out.WriteByte(0)
	} else {
		g.out.WriteByte(sep)
	}
}

func (g *grepper) prefix(name string, lineNo, off int64, sep byte) {
	if g.names {
		g.writeName(name, sep)
	}
	if g.lineNum {
		g.out.WriteString(strconv.FormatInt(lineNo, 10))
		g.out.WriteByte(sep)
	}
	if g.byteOff {
		g.out.WriteString(strconv.FormatInt(off, 10))
		g.out.WriteByte(sep)
	}
}

func (g *grepper) emitLine(name string, line []byte, lineNo, off int64) {
	if g.onlyMatch {
		if g.m.invert {
			return
		}
		for from := 0; from <= len(line); {
			s, e := g.m.find(line, from)
			if s < 0 {
				break
			}
			if e > s {
				g.prefix(name, lineNo, off+int64(s), ':')
				g.writeMatch(line[s:e])
				g.out.WriteByte('\n')
				from = e
			} else {
				from = e + 1
			}
		}
		return
	}
	g.prefix(name, lineNo, off, ':')
	if g.color && !g.m.invert {
		last := 0
		for from := 0; from < len(line); {
			s, e := g.m.find(line, from)
			if s < 0 {
				break
			}
			if e == s {
				from = e + 1
				continue
			}
			g.out.Write(line[last:s])
			g.writeMatch(line[s:e])
			last, from = e, e
		}
		g.out.Write(line[last:])
	} else {
		g.out.Write(line)
	}
	g.out.WriteByte('\n')
}

func (g *grepper) writeMatch(b []byte) {
	if g.color {
		g.out.WriteString("\x1b[01;31m\x1b[K")
		g.out.Write(b)
		g.out.WriteString("\x1b[m\x1b[K")
		return
	}
	g.out.Write(b)
}

// fileSearch is the state of searching one input.
type fileSearch struct {
	g         *grepper
	name      string
	chunk     []byte // complete lines
	off       int64  // byte offset of chunk[0]
	lineNo    int64  // number of the line at chunk[counted]
	counted   int
	count     int64 // lines selected
	binary    bool
	done      bool
	tail      bool  // -m reached: only the trailing context is left to print
	lastPrint int64 // last line printed (context)
	afterLeft int
	beforeQ   [][]byte
	beforeNo  []int64
	beforeOff []int64
}

// advance brings lineNo to the line that starts at chunk[ls].
func (s *fileSearch) advance(ls int) {
	s.lineNo += int64(bytes.Count(s.chunk[s.counted:ls], []byte{'\n'}))
	s.counted = ls
}

// lines takes (or passes) each line of chunk[from:to], from a line start to a line start
// or the end of chunk, until done.
func (s *fileSearch) lines(from, to int, take bool) {
	for ls := from; ls < to && !s.done; {
		le := bytes.IndexByte(s.chunk[ls:to], '\n')
		if le < 0 {
			le = to
		} else {
			le += ls
		}
		if take && !s.tail {
			s.take(ls, le)
		} else {
			s.pass(ls, le)
		}
		ls = le + 1
	}
}

// pass handles a line that is not selected: only context output wants it.
func (s *fileSearch) pass(ls, le int) {
	g := s.g
	s.advance(ls)
	line := s.chunk[ls:le]
	if s.afterLeft > 0 && !(g.count || g.listFiles || g.listNon || g.quiet) && !s.binary {
		if !g.onlyMatch { // -o prints nothing of context lines, but they join groups
			g.prefix(s.name, s.lineNo, s.off+int64(ls), '-')
			g.out.Write(line)
			g.out.WriteByte('\n')
		}
		s.lastPrint = s.lineNo
		s.afterLeft--
		if s.tail && s.afterLeft == 0 {
			s.done = true
		}
	} else if g.before > 0 && !s.tail {
		s.beforeQ = append(s.beforeQ, append([]byte(nil), line...))
		s.beforeNo = append(s.beforeNo, s.lineNo)
		s.beforeOff = append(s.beforeOff, s.off+int64(ls))
		if len(s.beforeQ) > g.before {
			s.beforeQ, s.beforeNo, s.beforeOff = s.beforeQ[1:], s.beforeNo[1:], s.beforeOff[1:]
		}
	}
}

// take handles a selected line.
func (s *fileSearch) take(ls, le int) {
	g := s.g
	g.matchedAny = true
	s.count++
	if g.quiet || g.listFiles || g.listNon {
		s.done = true
		return
	}
	if s.binary {
		if !g.count {
			g.out.Flush()
			fmt.Fprintf(g.env.Stderr, "grep: %s: binary file matches\n", s.name)
			s.done = true
			return
		}
	} else if !g.count {
		if g.lineNum || g.context {
			s.advance(ls)
		}
		if g.context {
			first := s.lineNo
			if len(s.beforeNo) > 0 {
				first = s.beforeNo[0]
			}
			// As GNU grep, "--" goes between groups that are not adjacent in one
			// file, and between groups of different files.
			if s.lastPrint >= 0 && first > s.lastPrint+1 || s.lastPrint < 0 && g.grouped {
				g.out.WriteString("--\n")
			}
			g.grouped = true
			for i, b := range s.beforeQ {
				if g.onlyMatch {
					break
				}
				g.prefix(s.name, s.beforeNo[i], s.beforeOff[i], '-')
				g.out.Write(b)
				g.out.WriteByte('\n')
			}
			s.beforeQ, s.beforeNo, s.beforeOff = s.beforeQ[:0], s.beforeNo[:0], s.beforeOff[:0]
			s.lastPrint = s.lineNo
			s.afterLeft = g.after
		}
		g.emitLine(s.name, s.chunk[ls:le], s.lineNo, s.off+int64(ls))
	}
	if g.maxCount >= 0 && s.count >= g.maxCount {
		// GNU grep still prints the trailing context of the last line selected.
		if s.afterLeft > 0 && !s.binary && !g.count {
			s.tail = true
		} else {
			s.done = true
		}
	}
}

// scan searches the complete lines in s.chunk.
func (s *fileSearch) scan(low []byte) {
	g, m := s.g, s.g.m
	chunk := s.chunk
	ctx := g.context
	// -c -v counts the lines between matches without looking at them.
	countOnly := g.count && !g.quiet && !g.listFiles && !g.listNon && g.maxCount < 0
	for pos := 0; pos < len(chunk) && !s.done; {
		if s.tail {
			s.lines(pos, len(chunk), false)
			break
		}
		ms, me := m.nextMatch(chunk, low, pos)
		gap := ms // chunk[pos:gap] are lines without a match
		if ms < 0 {
			gap = len(chunk)
		}
		switch {
		case m.invert && countOnly:
			n := int64(bytes.Count(chunk[pos:gap], []byte{'\n'}))
			if gap == len(chunk) && gap > pos && chunk[gap-1] != '\n' {
				n++
			}
			if n > 0 {
				s.count += n
				g.matchedAny = true
			}
		case m.invert:
			s.lines(pos, gap, true)
		case ctx:
			s.lines(pos, gap, false)
		}
		if ms < 0 || s.done {
			break
		}
		if m.invert {
			if ctx {
				s.pass(ms, me)
			}
		} else {
			s.take(ms, me)
		}
		pos = me + 1
	}
	if g.lineNum || ctx {
		s.advance(len(chunk))
	}
}

// searchReader searches one input, a buffer of complete lines at a time.
func (g *grepper) searchReader(r io.Reader, name string) {
	if g.buf == nil {
		g.buf = make([]byte, 256<<10)
	}
	buf := g.buf
	s := &fileSearch{g: g, name: name, lineNo: 1, lastPrint: -1, done: g.maxCount == 0}
	var (
		filled  int
		eof     bool
		checked bool
		low     []byte
	)
	for !eof && !s.done {
		if g.ctx.Err() != nil {
			return
		}
		n, err := io.ReadFull(r, buf[filled:])
		filled += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			eof = true
		} else if err != nil {
			g.fileErr(name, err)
			return
		}
		if !checked {
			checked = true
			if bytes.IndexByte(buf[:min(filled, 32<<10)], 0) >= 0 && !g.binText {
				if g.skipBinary {
					return
				}
				s.binary = true
			}
		}
		// Work on complete lines; the tail waits for the next read.
		end := filled
		if !eof {
			nl := bytes.LastIndexByte(buf[:filled], '\n')
			if nl < 0 {
				// A line longer than the buffer: grow it.
				nb := make([]byte, len(buf)*2)
				copy(nb, buf[:filled])
				buf, g.buf = nb, nb
				continue
			}
			end = nl + 1
		}
		s.chunk, s.counted = buf[:end], 0
		if g.m.foldLit {
			low = lowerASCII(low, s.chunk)
		}
		s.scan(low)
		s.off += int64(end)
		copy(buf, buf[end:filled])
		filled -= end
	}
	count := s.count
	switch {
	case g.quiet:
	case g.listFiles:
		if count > 0 {
			g.writeName(name, '\n')
		}
	case g.listNon:
		if count == 0 {
			g.writeName(name, '\n') // the status stays that of the lines selected, as in GNU grep 3.5+
		}
	case g.count:
		if g.names {
			g.writeName(name, ':')
		}
		g.out.WriteString(strconv.FormatInt(count, 10))
		g.out.WriteByte('\n')
	}
}
