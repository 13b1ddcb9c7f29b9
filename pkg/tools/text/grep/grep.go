package grep

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	// One matcher, as GNU grep: naming another (egrep -F, grep -E -G) is an error.
	matcher, conflict := byte(0), false
	switch {
	case ere:
		matcher = 'E'
	case fixed:
		matcher = 'F'
	}
	choose := func(m byte, e, f bool) func() {
		return func() {
			if matcher != 0 && matcher != m {
				conflict = true
			}
			matcher, ere, fixed = m, e, f
		}
	}
	fset.BoolFunc('E', "extended-regexp", choose('E', true, false))
	fset.BoolFunc('F', "fixed-strings", choose('F', false, true))
	fset.BoolFunc('G', "basic-regexp", choose('G', false, false))
	fset.BoolFunc('P', "perl-regexp", choose('P', true, false))
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
	if conflict {
		env.Errorf("grep", "conflicting matchers specified")
		return 2
	}
	g.context = g.after >= 0 || g.before >= 0 || ctxBoth >= 0
	if g.after < 0 {
		g.after = max(ctxBoth, 0)
	}
	if g.before < 0 {
		g.before = max(ctxBoth, 0)
	}
	// An -e PATTERNS holds one pattern a line, as the operand and -f do.
	var patterns []string
	for _, p := range *pats {
		patterns = append(patterns, strings.Split(p, "\n")...)
	}
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
