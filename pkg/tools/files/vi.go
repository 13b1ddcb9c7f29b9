package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Vi is vi: edit a file on the terminal, the common subset of vi.
//
//	vi [FILE]
//
// Normal mode: h j k l (arrows), w b e, 0 ^ $, gg G, counts, x dd yy D J r p P, i a I A o O,
// u (undo), /RE ?RE n N, ZZ, Ctrl-F Ctrl-B Ctrl-D Ctrl-U. Ex: :w [FILE] :q :q! :wq :x :N :$.
var Vi = tools.Applet{Name: "vi", Summary: "edit a file on the terminal (the common subset of vi)", Run: runVi}

type viSnapshot struct {
	lines    []string
	row, col int
}

type viEditor struct {
	name      string
	lines     [][]rune
	row, col  int
	top, left int
	insert    bool
	dirty     bool
	undo      []viSnapshot
	reg       [][]rune // the unnamed register: lines, or characters when !regLines
	regLines  bool
	re        *regexp.Regexp
	back      bool
	msg       string
	quit      bool
}

func runVi(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("vi", "vi [FILE]\nNormal mode: h j k l w b e 0 ^ $ gg G (counts), x dd yy D J r p P, i a I A o O, u, /RE ?RE n N, ZZ;\n"+
		"Escape leaves insert mode. Ex: :w [FILE] :q :q! :wq :x :NUMBER :$.")
	ops, st := fs.Parse(env, args[1:])
	if st >= 0 {
		return st
	}
	if len(ops) > 1 {
		env.Errorf("vi", "one file at a time")
		return 2
	}
	out, ok := env.Stdout.(*os.File)
	if !ok || !tools.IsTerminal(out) {
		env.Errorf("vi", "standard output is not a terminal")
		return 1
	}
	e := &viEditor{lines: [][]rune{{}}}
	if len(ops) == 1 {
		e.name = ops[0]
		if err := e.load(env.Abs(e.name)); err != nil {
			env.Errorf("vi", "%s: %s", e.name, tools.Reason(err))
			return 1
		}
	}
	scr, err := openFullScreen(ctx, out)
	if err != nil {
		env.Errorf("vi", "%v", err)
		return 1
	}
	defer scr.close()
	count, pending := 0, ""
	for !e.quit {
		rows, cols := scr.size()
		page := rows - 1
		text, crow, ccol := e.render(page, cols)
		status := e.msg
		if e.insert && status == "" {
			status = "-- INSERT --"
		}
		scr.draw(text, status, crow, ccol)
		k, err := scr.key()
		if err != nil {
			return 1 // the session ended under us
		}
		e.msg = ""
		if e.insert {
			e.insertKey(k)
			continue
		}
		if pending == "" && (k >= '1' && k <= '9' || k == '0' && count > 0) {
			count = count*10 + int(k-'0')
			continue
		}
		n := max(count, 1)
		if pending != "" {
			e.operator(pending+string(k), n, count, env, scr, page)
			pending, count = "", 0
			continue
		}
		switch k {
		case 'd', 'y', 'g', 'Z', 'r':
			pending = string(k)
			continue
		}
		e.command(k, n, count, env, scr, page)
		count = 0
	}
	return 0
}

func (e *viEditor) load(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		e.msg = fmt.Sprintf("%q [New File]", e.name)
		return nil
	}
	if err != nil {
		return err
	}
	s := strings.TrimSuffix(string(b), "\n")
	e.lines = e.lines[:0]
	for _, l := range strings.Split(s, "\n") {
		e.lines = append(e.lines, []rune(l))
	}
	e.msg = fmt.Sprintf("%q %dL, %dB", e.name, len(e.lines), len(b))
	return nil
}

// render returns the text rows of the screen and where the cursor is on it.
func (e *viEditor) render(page, cols int) ([]string, int, int) {
	e.top = min(e.top, e.row)
	if e.row >= e.top+page {
		e.top = e.row - page + 1
	}
	dcol := len([]rune(expandTabs(string(e.lines[e.row][:e.col]))))
	if !e.insert && e.col < len(e.lines[e.row]) && e.lines[e.row][e.col] == '\t' {
		dcol += len([]rune(expandTabs(string(e.lines[e.row][:e.col+1])))) - dcol - 1
	}
	e.left = min(e.left, dcol)
	if dcol >= e.left+cols {
		e.left = dcol - cols + 1
	}
	rows := make([]string, page)
	for i := range rows {
		if e.top+i < len(e.lines) {
			rows[i] = cut(expandTabs(string(e.lines[e.top+i])), e.left, cols)
		} else {
			rows[i] = "~"
		}
	}
	return rows, e.row - e.top, dcol - e.left
}

func (e *viEditor) save() {
	snap := viSnapshot{lines: make([]string, len(e.lines)), row: e.row, col: e.col}
	for i, l := range e.lines {
		snap.lines[i] = string(l)
	}
	e.undo = append(e.undo, snap)
	e.dirty = true
}

// clamp keeps the cursor on the text: in normal mode on a character, not after the last.
func (e *viEditor) clamp() {
	e.row = max(0, min(e.row, len(e.lines)-1))
	end := len(e.lines[e.row])
	if !e.insert && end > 0 {
		end--
	}
	e.col = max(0, min(e.col, end))
}

func (e *viEditor) command(k rune, n, count int, env *tools.Env, scr *fullScreen, page int) {
	line := e.lines[e.row]
	switch k {
	case 'h', keyLeft, 0x7f, 8:
		e.col -= n
	case 'l', keyRight, ' ':
		e.col = min(e.col+n, len(line)-1)
	case 'j', keyDown, 0x0e, '+', '\r':
		e.row += n
		if k == '+' || k == '\r' {
			e.col = firstNonBlank(e.lines[min(e.row, len(e.lines)-1)])
		}
	case 'k', keyUp, 0x10, '-':
		e.row -= n
	case '0', keyHome:
		e.col = 0
	case '^':
		e.col = firstNonBlank(line)
	case '$', keyEnd:
		e.row += n - 1
		e.col = 1 << 30
	case 'w', 'b', 'e':
		for i := 0; i < n; i++ {
			e.row, e.col = e.wordMotion(k, e.row, e.col)
		}
	case 'G':
		e.row = len(e.lines) - 1
		if count > 0 {
			e.row = count - 1
		}
		e.col = firstNonBlank(e.lines[max(0, min(e.row, len(e.lines)-1))])
	case 0x06, keyPgDn:
		e.row += n * (page - 2)
		e.top += n * (page - 2)
	case 0x02, keyPgUp:
		e.row -= n * (page - 2)
		e.top = max(0, e.top-n*(page-2))
	case 0x04:
		e.row += page / 2
	case 0x15:
		e.row -= page / 2
	case 'x', keyDelete:
		if len(line) > 0 {
			e.save()
			end := min(e.col+n, len(line))
			e.reg, e.regLines = [][]rune{append([]rune(nil), line[e.col:end]...)}, false
			e.lines[e.row] = append(line[:e.col:e.col], line[end:]...)
		}
	case 'D':
		e.save()
		e.reg, e.regLines = [][]rune{append([]rune(nil), line[e.col:]...)}, false
		e.lines[e.row] = line[:e.col:e.col]
	case 'J':
		if e.row+1 < len(e.lines) {
			e.save()
			for i := 0; i < max(n-1, 1) && e.row+1 < len(e.lines); i++ {
				next := []rune(strings.TrimLeft(string(e.lines[e.row+1]), " \t"))
				cur := []rune(strings.TrimRight(string(e.lines[e.row]), " \t"))
				e.col = len(cur)
				if len(cur) > 0 && len(next) > 0 {
					cur = append(cur, ' ')
				}
				e.lines[e.row] = append(cur, next...)
				e.lines = append(e.lines[:e.row+1], e.lines[e.row+2:]...)
			}
		}
	case 'p', 'P':
		if e.reg == nil {
			break
		}
		e.save()
		if e.regLines {
			at := e.row
			if k == 'p' {
				at++
			}
			var ins [][]rune
			for i := 0; i < n; i++ {
				for _, l := range e.reg {
					ins = append(ins, append([]rune(nil), l...))
				}
			}
			e.lines = append(e.lines[:at], append(ins, e.lines[at:]...)...)
			e.row, e.col = at, firstNonBlank(e.lines[at])
		} else {
			at := e.col
			if k == 'p' && len(line) > 0 {
				at++
			}
			var ins []rune
			for i := 0; i < n; i++ {
				ins = append(ins, e.reg[0]...)
			}
			e.lines[e.row] = append(append(append([]rune(nil), line[:at]...), ins...), line[at:]...)
			e.col = at + len(ins) - 1
		}
	case 'i':
		e.startInsert()
	case 'a':
		e.startInsert()
		e.col = min(e.col+1, len(line))
	case 'I':
		e.startInsert()
		e.col = firstNonBlank(line)
	case 'A':
		e.startInsert()
		e.col = len(line)
	case 'o', 'O':
		e.startInsert()
		at := e.row
		if k == 'o' {
			at++
		}
		e.lines = append(e.lines[:at], append([][]rune{{}}, e.lines[at:]...)...)
		e.row, e.col = at, 0
	case 'u':
		if len(e.undo) == 0 {
			e.msg = "Already at oldest change"
			break
		}
		s := e.undo[len(e.undo)-1]
		e.undo = e.undo[:len(e.undo)-1]
		e.lines = e.lines[:0]
		for _, l := range s.lines {
			e.lines = append(e.lines, []rune(l))
		}
		e.row, e.col = s.row, s.col
	case '/', '?':
		pat, ok := scr.readLine(string(k), func(s string) {
			rows, cols := scr.size()
			text, _, _ := e.render(rows-1, cols)
			scr.draw(text, s, rows-1, len([]rune(s)))
		})
		if !ok {
			break
		}
		if pat != "" {
			re, err := regexp.Compile(pat)
			if err != nil {
				e.msg = "Invalid pattern: " + pat
				break
			}
			e.re = re
		}
		e.back = k == '?'
		e.searchNext(e.back, n)
	case 'n', 'N':
		e.searchNext(e.back != (k == 'N'), n)
	case ':':
		cmd, ok := scr.readLine(":", func(s string) {
			rows, cols := scr.size()
			text, _, _ := e.render(rows-1, cols)
			scr.draw(text, s, rows-1, len([]rune(s)))
		})
		if ok {
			e.ex(strings.TrimSpace(cmd), env)
		}
	case keyEsc, 3:
		if k == 3 {
			e.msg = "Type  :q!  and press Enter to abandon all changes and exit"
		}
	}
	e.clamp()
}

// operator runs the two-key commands: dd yy gg ZZ rX.
func (e *viEditor) operator(op string, n, count int, env *tools.Env, scr *fullScreen, page int) {
	switch {
	case op == "dd":
		e.save()
		end := min(e.row+n, len(e.lines))
		e.reg, e.regLines = cloneLines(e.lines[e.row:end]), true
		e.lines = append(e.lines[:e.row], e.lines[end:]...)
		if len(e.lines) == 0 {
			e.lines = [][]rune{{}}
		}
		e.row = min(e.row, len(e.lines)-1)
		e.col = firstNonBlank(e.lines[e.row])
	case op == "yy":
		end := min(e.row+n, len(e.lines))
		e.reg, e.regLines = cloneLines(e.lines[e.row:end]), true
	case op == "gg":
		e.row = max(count, 1) - 1
		e.col = firstNonBlank(e.lines[min(e.row, len(e.lines)-1)])
	case op == "ZZ":
		if e.dirty {
			e.ex("x", env)
		} else {
			e.quit = true
		}
	case op[0] == 'r' && len(op) > 1:
		r := []rune(op[1:])[0]
		if line := e.lines[e.row]; r >= ' ' && r < keyUp && e.col+n <= len(line) {
			e.save()
			for i := 0; i < n; i++ {
				line[e.col+i] = r
			}
			e.col += n - 1
		}
	}
	e.clamp()
}

func cloneLines(ls [][]rune) [][]rune {
	out := make([][]rune, len(ls))
	for i, l := range ls {
		out[i] = append([]rune(nil), l...)
	}
	return out
}

func (e *viEditor) startInsert() {
	e.save()
	e.insert = true
}

func (e *viEditor) insertKey(k rune) {
	line := e.lines[e.row]
	switch {
	case k == keyEsc || k == 3:
		e.insert = false
		e.col--
	case k == '\r' || k == '\n':
		rest := append([]rune(nil), line[e.col:]...)
		e.lines[e.row] = line[:e.col:e.col]
		e.lines = append(e.lines[:e.row+1], append([][]rune{rest}, e.lines[e.row+1:]...)...)
		e.row, e.col = e.row+1, 0
	case k == 0x7f || k == 8:
		if e.col > 0 {
			e.lines[e.row] = append(line[:e.col-1:e.col-1], line[e.col:]...)
			e.col--
		} else if e.row > 0 {
			prev := e.lines[e.row-1]
			e.col = len(prev)
			e.lines[e.row-1] = append(prev[:len(prev):len(prev)], line...)
			e.lines = append(e.lines[:e.row], e.lines[e.row+1:]...)
			e.row--
		}
	case k == keyLeft:
		e.col--
	case k == keyRight:
		e.col++
	case k == keyUp:
		e.row--
	case k == keyDown:
		e.row++
	case k == '\t' || k >= ' ' && k < keyUp:
		e.lines[e.row] = append(append(append([]rune(nil), line[:e.col]...), k), line[e.col:]...)
		e.col++
	}
	e.clamp()
}

// ex runs a command typed after ':'.
func (e *viEditor) ex(cmd string, env *tools.Env) {
	if cmd == "" {
		return
	}
	if n, err := strconv.Atoi(cmd); err == nil || cmd == "$" {
		if cmd == "$" {
			n = len(e.lines)
		}
		e.row, e.col = n-1, 0
		e.clamp()
		e.col = firstNonBlank(e.lines[e.row])
		return
	}
	name, arg, _ := strings.Cut(cmd, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case "w", "w!", "wq", "wq!", "x", "x!":
		if name[0] != 'x' || e.dirty || arg != "" {
			if !e.write(arg, env) {
				return
			}
		}
		if name != "w" && name != "w!" {
			e.quit = true
		}
	case "q":
		if e.dirty {
			e.msg = "No write since last change (add ! to override)"
			return
		}
		e.quit = true
	case "q!":
		e.quit = true
	default:
		e.msg = "Not an editor command: " + cmd
	}
}

// write writes the buffer to name (the file's when empty) and says so on the status line.
func (e *viEditor) write(name string, env *tools.Env) bool {
	if name == "" {
		name = e.name
	}
	if name == "" {
		e.msg = "No file name"
		return false
	}
	var b strings.Builder
	if len(e.lines) > 1 || len(e.lines[0]) > 0 {
		for _, l := range e.lines {
			b.WriteString(string(l))
			b.WriteByte('\n')
		}
	}
	if err := os.WriteFile(env.Abs(name), []byte(b.String()), 0o666); err != nil {
		e.msg = fmt.Sprintf("%q %s", name, tools.Reason(err))
		return false
	}
	if e.name == "" {
		e.name = name
	}
	if name == e.name {
		e.dirty = false
	}
	e.msg = fmt.Sprintf("%q %dL, %dB written", name, len(e.lines), b.Len())
	return true
}

// searchNext moves to the nth match of the last pattern after (before) the cursor,
// wrapping around the end of the file.
func (e *viEditor) searchNext(back bool, n int) {
	if e.re == nil {
		e.msg = "No previous regular expression"
		return
	}
	for ; n > 0; n-- {
		found := false
		for i := 0; i <= len(e.lines); i++ {
			r := e.row + i
			if back {
				r = e.row - i
			}
			r = (r%len(e.lines) + len(e.lines)) % len(e.lines)
			s := string(e.lines[r])
			locs := e.re.FindAllStringIndex(s, -1)
			if back {
				for j := len(locs) - 1; j >= 0; j-- {
					c := len([]rune(s[:locs[j][0]]))
					if i > 0 || c < e.col {
						e.row, e.col, found = r, c, true
						break
					}
				}
			} else {
				for _, loc := range locs {
					c := len([]rune(s[:loc[0]]))
					if i > 0 || c > e.col {
						e.row, e.col, found = r, c, true
						break
					}
				}
			}
			if found {
				break
			}
		}
		if !found {
			e.msg = "Pattern not found: " + e.re.String()
			return
		}
	}
}

// wordMotion moves from (r, c) as w, b or e do: words are runs of letters, digits and _,
// or runs of other non-blank characters; an empty line is a word too.
func (e *viEditor) wordMotion(k rune, r, c int) (int, int) {
	at := func(r, c int) rune {
		if c < len(e.lines[r]) {
			return e.lines[r][c]
		}
		return '\n'
	}
	next := func(r, c int) (int, int, bool) {
		if c < len(e.lines[r]) {
			return r, c + 1, true
		}
		if r+1 < len(e.lines) {
			return r + 1, 0, true
		}
		return r, c, false
	}
	prev := func(r, c int) (int, int, bool) {
		if c > 0 {
			return r, c - 1, true
		}
		if r > 0 {
			return r - 1, len(e.lines[r-1]), true
		}
		return r, c, false
	}
	class := func(ch rune) int {
		switch {
		case ch == '\n' || unicode.IsSpace(ch):
			return 0
		case ch == '_' || unicode.IsLetter(ch) || unicode.IsDigit(ch):
			return 1
		}
		return 2
	}
	ok := true
	switch k {
	case 'w':
		r0 := r
		if cl := class(at(r, c)); cl != 0 {
			for ok && class(at(r, c)) == cl {
				r, c, ok = next(r, c)
			}
		}
		for ok && class(at(r, c)) == 0 && !(r != r0 && len(e.lines[r]) == 0) {
			r, c, ok = next(r, c)
		}
	case 'e':
		r, c, ok = next(r, c)
		for ok && class(at(r, c)) == 0 {
			r, c, ok = next(r, c)
		}
		for cl := class(at(r, c)); ok; {
			nr, nc, nok := next(r, c)
			if !nok || nr != r || class(at(nr, nc)) != cl {
				break
			}
			r, c = nr, nc
		}
	case 'b':
		r, c, ok = prev(r, c)
		for ok && class(at(r, c)) == 0 && !(c == 0 && len(e.lines[r]) == 0) {
			r, c, ok = prev(r, c)
		}
		for cl := class(at(r, c)); ok && c > 0 && class(at(r, c-1)) == cl && cl != 0; {
			c--
		}
	}
	return r, c
}

func firstNonBlank(l []rune) int {
	for i, r := range l {
		if r != ' ' && r != '\t' {
			return i
		}
	}
	return max(len(l)-1, 0)
}
