package files

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Less is less: page through text both ways, with search.
//
//	less [-N] [-S] [-F] [-X] [-R] [-i] [FILE]...
//
// Keys: j/Enter/Down k/Up, space/f/PgDn b/PgUp, d u (half pages), g G (with a count: that
// line), /RE ?RE n N, :n :p (next, previous file), q. When its output is not a terminal
// it copies its input, as cat.
var Less = tools.Applet{Name: "less", Summary: "page through text both ways, with search", Run: runLess}

type lessView struct {
	name    string
	lines   []string
	rows    []int // for each screen row of the text: the line it shows (wrapped lines take several)
	offsets []int // and the column it starts at
	top     int   // first screen row shown
}

func runLess(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("less", "")
	number := fs.Bool('N', "LINE-NUMBERS")
	chop := fs.Bool('S', "chop-long-lines")
	quitOne := fs.Bool('F', "quit-if-one-screen")
	fs.Bool('X', "no-init")
	fs.Bool('R', "RAW-CONTROL-CHARS")
	icase := fs.Bool('i', "ignore-case")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "less [-N] [-S] [-F] [-i] [FILE]...\n"+
			"Keys: j k (Enter, arrows) a line, space b (f, PgDn, PgUp) a page, d u half a page, g G (NUMg: line NUM),\n"+
			"/RE ?RE search forward and back, n N again, :n :p next and previous file, q quit.\n"+
			"When standard output is not a terminal, less copies its input, as cat.")
	}
	if err != nil {
		env.Errorf("less", "%v (less --help)", err)
		return 2
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	out, ok := env.Stdout.(*os.File)
	if !ok || !tools.IsTerminal(out) {
		return runCat(ctx, env, append([]string{"cat"}, ops...))
	}
	if in, ok := env.Stdin.(*os.File); ok && len(ops) == 1 && ops[0] == "-" && tools.IsTerminal(in) {
		env.Errorf("less", "missing filename (less --help)")
		return 1
	}
	var views []*lessView
	status := tools.Operands{Name: "less"}.Each(ctx, env, ops, func(op string, r io.Reader) error {
		v := &lessView{name: op}
		sc := bufio.NewReader(r)
		for {
			l, err := sc.ReadString('\n')
			if l != "" {
				v.lines = append(v.lines, expandTabs(strings.TrimSuffix(l, "\n")))
			}
			if err != nil {
				break
			}
		}
		if op == "-" {
			v.name = "(standard input)"
		}
		views = append(views, v)
		return nil
	})
	if len(views) == 0 {
		return status
	}
	scr, err := openFullScreen(ctx, out)
	if err != nil {
		return runCat(ctx, env, append([]string{"cat"}, ops...))
	}
	rows, cols := scr.size()
	if *quitOne && len(views) == 1 {
		views[0].layout(cols, *number, *chop)
		if len(views[0].rows) < rows {
			scr.close()
			w := bufio.NewWriter(env.Stdout)
			for _, l := range views[0].lines {
				fmt.Fprintln(w, l)
			}
			w.Flush()
			return status
		}
	}
	defer scr.close()
	cur := 0
	v := views[cur]
	v.layout(cols, *number, *chop)
	var re *regexp.Regexp
	backward := false
	msg := v.name
	if len(views) > 1 {
		msg = fmt.Sprintf("%s (file 1 of %d)", v.name, len(views))
	}
	count := 0
	for {
		rows, cols = scr.size()
		page := rows - 1
		v.layout(cols, *number, *chop)
		v.top = max(0, min(v.top, len(v.rows)-page))
		screen := make([]string, 0, page)
		for i := v.top; i < v.top+page; i++ {
			if i >= len(v.rows) {
				screen = append(screen, "~")
				continue
			}
			screen = append(screen, highlight(v.text(i, cols, *number, *chop), re))
		}
		st := msg
		if st == "" {
			st = ":"
			if v.top+page >= len(v.rows) {
				st = "\x1b[7m(END)\x1b[0m"
			}
		} else {
			st = "\x1b[7m" + st + "\x1b[0m"
		}
		scr.draw(screen, st, rows-1, len(stripANSI(st)))
		msg = ""
		k, err := scr.key()
		if err != nil {
			if ctx.Err() != nil {
				return 130
			}
			return status
		}
		n := max(count, 1)
		if k >= '0' && k <= '9' {
			count = count*10 + int(k-'0')
			continue
		}
		switch k {
		case 'q', 'Q':
			return status
		case 'j', 'e', '\r', '\n', keyDown, 0x0e, 0x05:
			v.top += n
		case 'k', 'y', keyUp, 0x10, 0x19, 0x0b:
			v.top -= n
		case ' ', 'f', keyPgDn, 0x06, 0x16:
			v.top += n * page
		case 'b', keyPgUp, 0x02:
			v.top -= n * page
		case 'd', 0x04:
			v.top += page / 2
		case 'u', 0x15:
			v.top -= page / 2
		case 'g', '<', keyHome:
			v.top = v.rowOf(max(count, 1) - 1)
		case 'G', '>', keyEnd:
			v.top = len(v.rows)
			if count > 0 {
				v.top = v.rowOf(count - 1)
			}
		case '/', '?':
			prompt := string(k)
			pat, ok := scr.readLine(prompt, func(s string) { scr.draw(screen, s, rows-1, len([]rune(s))) })
			if !ok {
				break
			}
			if pat != "" {
				if *icase && strings.ToLower(pat) == pat {
					pat = "(?i)" + pat
				}
				r, err := regexp.Compile(pat)
				if err != nil {
					msg = "Invalid pattern: " + err.Error()
					break
				}
				re = r
			}
			backward = k == '?'
			msg = v.search(re, backward, n, page)
		case 'n', 'N':
			msg = v.search(re, backward != (k == 'N'), n, page)
		case ':':
			cmd, ok := scr.readLine(":", func(s string) { scr.draw(screen, s, rows-1, len([]rune(s))) })
			switch {
			case !ok:
			case cmd == "q":
				return status
			case cmd == "n" && cur+1 < len(views), cmd == "p" && cur > 0:
				if cmd == "n" {
					cur++
				} else {
					cur--
				}
				v = views[cur]
				msg = fmt.Sprintf("%s (file %d of %d)", v.name, cur+1, len(views))
			case cmd == "n" || cmd == "p":
				msg = "No " + map[string]string{"n": "next", "p": "previous"}[cmd] + " file"
			}
		case '=', 0x07:
			msg = fmt.Sprintf("%s lines %d-%d/%d", v.name, v.lineAt(v.top)+1, v.lineAt(min(v.top+page, len(v.rows))-1)+1, len(v.lines))
		}
		count = 0
	}
}

// layout splits the lines into screen rows of cols columns (or one row each with -S).
func (v *lessView) layout(cols int, number, chop bool) {
	width := cols
	if number {
		width -= 8
	}
	width = max(width, 1)
	v.rows, v.offsets = v.rows[:0], v.offsets[:0]
	for i, l := range v.lines {
		n := len([]rune(l))
		for off := 0; ; off += width {
			v.rows, v.offsets = append(v.rows, i), append(v.offsets, off)
			if chop || off+width >= n {
				break
			}
		}
	}
}

// text is screen row i, with its line number (-N) on the line's first row.
func (v *lessView) text(i, cols int, number, chop bool) string {
	l, off := v.rows[i], v.offsets[i]
	width, prefix := cols, ""
	if number {
		width -= 8
		prefix = "        "
		if off == 0 {
			prefix = fmt.Sprintf("%7d ", l+1)
		}
	}
	return prefix + cut(v.lines[l], off, max(width, 1))
}

// rowOf is the first screen row of line l.
func (v *lessView) rowOf(l int) int {
	for i, r := range v.rows {
		if r >= l {
			return i
		}
	}
	return len(v.rows)
}

func (v *lessView) lineAt(row int) int {
	if row < 0 || row >= len(v.rows) {
		return len(v.lines) - 1
	}
	return v.rows[row]
}

// search moves the view to the nth line after (or before) the top one that matches re.
func (v *lessView) search(re *regexp.Regexp, backward bool, n, page int) string {
	if re == nil {
		return "No previous regular expression"
	}
	l := v.lineAt(v.top)
	for found := 0; found < n; {
		if backward {
			l--
		} else {
			l++
		}
		if l < 0 || l >= len(v.lines) {
			return "Pattern not found"
		}
		if re.MatchString(v.lines[l]) {
			found++
		}
	}
	v.top = v.rowOf(l)
	return ""
}

// highlight shows the matches of re in reverse video.
func highlight(s string, re *regexp.Regexp) string {
	if re == nil {
		return s
	}
	return re.ReplaceAllStringFunc(s, func(m string) string { return "\x1b[7m" + m + "\x1b[0m" })
}

// stripANSI drops the reverse-video sequences less puts around its status and matches.
func stripANSI(s string) string {
	return strings.NewReplacer("\x1b[7m", "", "\x1b[0m", "").Replace(s)
}
