package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Cut is cut: print selected parts of lines.
var Cut = tools.Applet{Name: "cut", Summary: "print selected parts of lines", Run: runCut}

// Tr is tr: translate or delete characters.
var Tr = tools.Applet{Name: "tr", Summary: "translate or delete characters", Run: runTr}

// Comm is comm: compare two sorted files line by line.
var Comm = tools.Applet{Name: "comm", Summary: "compare two sorted files line by line", Run: runComm}

// Paste is paste: merge lines of files.
var Paste = tools.Applet{Name: "paste", Summary: "merge lines of files", Run: runPaste}

// Rev is rev: reverse the characters of lines.
var Rev = tools.Applet{Name: "rev", Summary: "reverse the characters of lines", Run: runRev}

// Nl is nl: number lines.
var Nl = tools.Applet{Name: "nl", Summary: "number lines", Run: runNl}

// Fold is fold: wrap lines to a width.
var Fold = tools.Applet{Name: "fold", Summary: "wrap lines to a width", Run: runFold}

// Expand is expand: convert tabs to spaces.
var Expand = tools.Applet{Name: "expand", Summary: "convert tabs to spaces", Run: runExpand}

// eachLine calls fn for every line (without its newline) of the operands.
func eachLine(ctx context.Context, env *tools.Env, name string, ops []string, fn func(line []byte, hadNL bool)) int {
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	st := 0
	for _, op := range ops {
		var r io.Reader = env.Stdin
		if op != "-" {
			f, err := os.Open(env.Abs(op))
			if err != nil {
				env.Errorf(name, "%s: %s", op, tools.Reason(err))
				st = 1
				continue
			}
			r = f
			defer f.Close()
		}
		br := bufio.NewReaderSize(r, 64<<10)
		for ctx.Err() == nil {
			l, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				more, err2 := br.ReadBytes('\n')
				l = append(append([]byte(nil), l...), more...)
				err = err2
			}
			if len(l) > 0 {
				nl := l[len(l)-1] == '\n'
				if nl {
					l = l[:len(l)-1]
				}
				fn(l, nl)
			}
			if err != nil {
				break
			}
		}
	}
	return st
}

type span struct{ lo, hi int } // 1-based, inclusive; hi 0 = to the end

func parseList(s string) ([]span, error) {
	var out []span
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		var sp span
		var err error
		switch {
		case !isRange:
			sp.lo, err = strconv.Atoi(lo)
			sp.hi = sp.lo
		default:
			sp.lo = 1
			if lo != "" {
				if sp.lo, err = strconv.Atoi(lo); err != nil {
					break
				}
			}
			if hi != "" {
				sp.hi, err = strconv.Atoi(hi)
			}
		}
		if err != nil || sp.lo < 1 || sp.hi != 0 && sp.hi < sp.lo {
			return nil, fmt.Errorf("invalid field range")
		}
		out = append(out, sp)
	}
	return out, nil
}

func inList(l []span, i int) bool {
	for _, s := range l {
		if i >= s.lo && (s.hi == 0 || i <= s.hi) {
			return true
		}
	}
	return false
}

func runCut(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("cut", "cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [--complement] [--output-delimiter=S] [FILE]...")
	bytesL := fset.String('b', "bytes", "")
	charsL := fset.String('c', "characters", "")
	fieldsL := fset.String('f', "fields", "")
	delim := fset.String('d', "delimiter", "\t")
	onlyDelim := fset.Bool('s', "only-delimited")
	complement := fset.Bool(0, "complement")
	outDelim, outSet := fset.StringSet(0, "output-delimiter", "")
	fset.Bool('n', "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	n := 0
	for _, s := range []string{*bytesL, *charsL, *fieldsL} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		env.Errorf("cut", "you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.")
		return 2
	}
	if len(*delim) != 1 {
		env.Errorf("cut", "the delimiter must be a single character")
		return 2
	}
	list, err := parseList(*bytesL + *charsL + *fieldsL)
	if err != nil {
		env.Errorf("cut", "%v", err)
		return 2
	}
	d := (*delim)[0]
	if !*outSet {
		*outDelim = *delim
		if *fieldsL == "" {
			*outDelim = ""
		}
	}
	sel := func(i int) bool { return inList(list, i) != *complement }
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	return eachLine(ctx, env, "cut", ops, func(line []byte, _ bool) {
		if *fieldsL != "" {
			if bytes.IndexByte(line, d) < 0 {
				if !*onlyDelim {
					w.Write(line)
					w.WriteByte('\n')
				}
				return
			}
			first := true
			for i, f := range bytes.Split(line, []byte{d}) {
				if sel(i + 1) {
					if !first {
						w.WriteString(*outDelim)
					}
					w.Write(f)
					first = false
				}
			}
			w.WriteByte('\n')
			return
		}
		units := [][]byte{}
		if *charsL != "" {
			for i := 0; i < len(line); {
				_, sz := utf8.DecodeRune(line[i:])
				units = append(units, line[i:i+sz])
				i += sz
			}
		} else {
			for i := range line {
				units = append(units, line[i:i+1])
			}
		}
		prev := -2
		for i, u := range units {
			if sel(i + 1) {
				if *outSet && prev >= 0 && prev != i-1 {
					w.WriteString(*outDelim)
				}
				w.Write(u)
				prev = i
			}
		}
		w.WriteByte('\n')
	})
}

var trClasses = map[string]func(r rune) bool{
	"alpha": func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' },
	"digit": func(r rune) bool { return r >= '0' && r <= '9' },
	"alnum": func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' },
	"upper": func(r rune) bool { return r >= 'A' && r <= 'Z' },
	"lower": func(r rune) bool { return r >= 'a' && r <= 'z' },
	"space": func(r rune) bool { return r == ' ' || r >= '\t' && r <= '\r' },
	"blank": func(r rune) bool { return r == ' ' || r == '\t' },
	"punct": func(r rune) bool {
		return r > 32 && r < 127 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	},
	"print":  func(r rune) bool { return r >= 32 && r < 127 },
	"graph":  func(r rune) bool { return r > 32 && r < 127 },
	"cntrl":  func(r rune) bool { return r < 32 || r == 127 },
	"xdigit": func(r rune) bool { return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' },
}

// expandSet expands a tr set: escapes, ranges a-z, classes [:alpha:], [c*n] repeats.
func expandSet(s string) ([]rune, error) {
	var out []rune
	rs := []rune(s)
	esc := func(i int) (rune, int) {
		if rs[i] != '\\' || i+1 >= len(rs) {
			return rs[i], 1
		}
		switch c := rs[i+1]; c {
		case 'n':
			return '\n', 2
		case 't':
			return '\t', 2
		case 'r':
			return '\r', 2
		case 'v':
			return '\v', 2
		case 'f':
			return '\f', 2
		case 'a':
			return '\a', 2
		case 'b':
			return '\b', 2
		case '\\':
			return '\\', 2
		default:
			if c >= '0' && c <= '7' {
				n, j := 0, i+1
				for j < len(rs) && j < i+4 && rs[j] >= '0' && rs[j] <= '7' {
					n = n*8 + int(rs[j]-'0')
					j++
				}
				return rune(n), j - i
			}
			return c, 2
		}
	}
	for i := 0; i < len(rs); {
		if rs[i] == '[' && i+1 < len(rs) && rs[i+1] == ':' {
			end := strings.Index(string(rs[i+2:]), ":]")
			if end >= 0 {
				name := string(rs[i+2 : i+2+end])
				f, ok := trClasses[name]
				if !ok {
					return nil, fmt.Errorf("invalid character class '%s'", name)
				}
				for r := rune(0); r < 128; r++ {
					if f(r) {
						out = append(out, r)
					}
				}
				i += 2 + len([]rune(name)) + 2
				continue
			}
		}
		if rs[i] == '[' && i+2 < len(rs) && rs[i+2] == '*' {
			end := strings.IndexRune(string(rs[i+3:]), ']')
			if end >= 0 {
				n, _ := strconv.Atoi(string(rs[i+3 : i+3+end]))
				if n == 0 {
					n = -1 // fill: handled by the caller's padding
				}
				for k := 0; k < max(n, 1); k++ {
					out = append(out, rs[i+1])
				}
				i += 3 + end + 1
				continue
			}
		}
		c, n := esc(i)
		i += n
		if i+1 < len(rs) && rs[i] == '-' {
			hi, m := esc(i + 1)
			if hi < c {
				return nil, fmt.Errorf("range-endpoints of '%c-%c' are in reverse collating sequence order", c, hi)
			}
			for r := c; r <= hi; r++ {
				out = append(out, r)
			}
			i += 1 + m
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func runTr(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("tr", "tr [-cdst] SET1 [SET2]   (ranges a-z, classes [:alpha:], escapes \\n \\t \\NNN)")
	comp := fset.Bool('c', "complement")
	fset.BoolFunc('C', "", func() { *comp = true })
	del := fset.Bool('d', "delete")
	squeeze := fset.Bool('s', "squeeze-repeats")
	truncate := fset.Bool('t', "truncate-set1")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 || len(ops) > 2 || !*del && !*squeeze && len(ops) < 2 {
		env.Errorf("tr", "missing operand\nTry 'tr --help' for more information.")
		return 2
	}
	set1, err := expandSet(ops[0])
	if err != nil {
		env.Errorf("tr", "%v", err)
		return 1
	}
	var set2 []rune
	if len(ops) == 2 {
		if set2, err = expandSet(ops[1]); err != nil {
			env.Errorf("tr", "%v", err)
			return 1
		}
	}
	var in1 [256]bool
	for _, r := range set1 {
		if r < 256 {
			in1[r] = true
		}
	}
	if *comp {
		for i := range in1 {
			in1[i] = !in1[i]
		}
	}
	var mapping [256]int
	for i := range mapping {
		mapping[i] = i
	}
	translate := !*del && len(set2) > 0
	if translate {
		if *comp {
			// every byte not in SET1 becomes the last char of SET2
			for i := range mapping {
				if in1[i] {
					mapping[i] = int(set2[len(set2)-1])
				}
			}
		} else {
			if *truncate && len(set1) > len(set2) {
				set1 = set1[:len(set2)]
			}
			for i, r := range set1 {
				t := set2[min(i, len(set2)-1)]
				if r < 256 {
					mapping[r] = int(t)
				}
			}
		}
	}
	var sq [256]bool
	sqSet := set1
	if len(ops) == 2 {
		sqSet = set2
	}
	for _, r := range sqSet {
		if r < 256 {
			sq[r] = true
		}
	}
	if *comp && len(ops) == 1 {
		sq = in1
	}
	br := bufio.NewReaderSize(env.Stdin, 64<<10)
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	last := -1
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := br.Read(buf)
		for _, c := range buf[:n] {
			if *del && in1[c] {
				continue
			}
			o := mapping[c]
			if *squeeze && o < 256 && sq[o] && o == last {
				continue
			}
			if o < 256 {
				w.WriteByte(byte(o))
			} else {
				w.WriteRune(rune(o))
			}
			last = o
		}
		if err != nil {
			break
		}
	}
	return 0
}

func runComm(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("comm", "comm [-123] FILE1 FILE2")
	s1 := fset.Bool('1', "")
	s2 := fset.Bool('2', "")
	s3 := fset.Bool('3', "")
	outDelim := fset.String(0, "output-delimiter", "\t")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) != 2 {
		env.Errorf("comm", "missing operand\nTry 'comm --help' for more information.")
		return 2
	}
	a, st1 := readAllLines(env, "comm", ops[:1], false)
	b, st2 := readAllLines(env, "comm", ops[1:], false)
	if st1 != 0 || st2 != 0 {
		return 1
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	col := func(n int, l []byte) {
		pre := ""
		if n >= 2 && !*s1 {
			pre += *outDelim
		}
		if n == 3 && !*s2 {
			pre += *outDelim
		}
		w.WriteString(pre)
		w.Write(l)
		w.WriteByte('\n')
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || i < len(a) && bytes.Compare(a[i], b[j]) < 0:
			if !*s1 {
				col(1, a[i])
			}
			i++
		case i >= len(a) || bytes.Compare(a[i], b[j]) > 0:
			if !*s2 {
				col(2, b[j])
			}
			j++
		default:
			if !*s3 {
				col(3, a[i])
			}
			i++
			j++
		}
	}
	return 0
}

func runPaste(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("paste", "paste [-s] [-d LIST] [FILE]...")
	delims := fset.String('d', "delimiters", "\t")
	serial := fset.Bool('s', "serial")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	ds, _ := expandSet(*delims)
	if len(ds) == 0 {
		ds = []rune{0}
	}
	delim := func(i int) string {
		d := ds[i%len(ds)]
		if d == 0 {
			return ""
		}
		return string(d)
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	files := make([][][]byte, len(ops))
	longest := 0
	for i, op := range ops {
		l, st := readAllLines(env, "paste", []string{op}, false)
		if st != 0 {
			return 1
		}
		files[i] = l
		longest = max(longest, len(l))
	}
	if *serial {
		for _, f := range files {
			for i, l := range f {
				if i > 0 {
					w.WriteString(delim(i - 1))
				}
				w.Write(l)
			}
			w.WriteByte('\n')
		}
		return 0
	}
	for r := 0; r < longest; r++ {
		for i, f := range files {
			if i > 0 {
				w.WriteString(delim(i - 1))
			}
			if r < len(f) {
				w.Write(f[r])
			}
		}
		w.WriteByte('\n')
	}
	return 0
}

func runRev(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("rev", "rev [FILE]...")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	return eachLine(ctx, env, "rev", ops, func(l []byte, nl bool) {
		rs := []rune(string(l))
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		w.WriteString(string(rs))
		if nl {
			w.WriteByte('\n')
		}
	})
}

func runNl(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("nl", "nl [-b a|t|n] [-n ln|rn|rz] [-w WIDTH] [-s SEP] [-v START] [-i INCR] [FILE]...")
	style := fset.String('b', "body-numbering", "t")
	format := fset.String('n', "number-format", "rn")
	width := fset.Int('w', "number-width", 6)
	sep := fset.String('s', "number-separator", "\t")
	start := fset.Int('v', "starting-line-number", 1)
	incr := fset.Int('i', "line-increment", 1)
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	n := *start
	return eachLine(ctx, env, "nl", ops, func(l []byte, _ bool) {
		number := *style == "a" || *style == "t" && len(l) > 0
		if number {
			s := strconv.Itoa(n)
			switch *format {
			case "ln":
				s = s + strings.Repeat(" ", max(*width-len(s), 0))
			case "rz":
				s = strings.Repeat("0", max(*width-len(s), 0)) + s
			default:
				s = padLeft(s, *width)
			}
			w.WriteString(s + *sep)
			n += *incr
		} else {
			w.WriteString(strings.Repeat(" ", *width+len(*sep)))
		}
		w.Write(l)
		w.WriteByte('\n')
	})
}

func runFold(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("fold", "fold [-bs] [-w WIDTH] [FILE]...")
	width := fset.Int('w', "width", 80)
	spaces := fset.Bool('s', "spaces")
	fset.Bool('b', "bytes")
	a := args[1:]
	for i, s := range a {
		if len(s) > 1 && s[0] == '-' && s[1] >= '0' && s[1] <= '9' {
			a[i] = "-w" + s[1:]
		}
	}
	ops, rc := fset.Parse(env, a)
	if rc >= 0 {
		return rc
	}
	if *width < 1 {
		env.Errorf("fold", "invalid number of columns")
		return 1
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	return eachLine(ctx, env, "fold", ops, func(l []byte, nl bool) {
		for len(l) > *width {
			cut := *width
			if *spaces {
				if i := bytes.LastIndexAny(l[:*width], " \t"); i >= 0 {
					cut = i + 1
				}
			}
			w.Write(l[:cut])
			w.WriteByte('\n')
			l = l[cut:]
		}
		w.Write(l)
		if nl {
			w.WriteByte('\n')
		}
	})
}

func runExpand(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("expand", "expand [-t N] [FILE]...")
	tab := fset.Int('t', "tabs", 8)
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *tab < 1 {
		*tab = 8
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	return eachLine(ctx, env, "expand", ops, func(l []byte, nl bool) {
		col := 0
		for _, c := range string(l) {
			if c == '\t' {
				n := *tab - col%*tab
				w.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			w.WriteRune(c)
			col++
		}
		if nl {
			w.WriteByte('\n')
		}
	})
}
