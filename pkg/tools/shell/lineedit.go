package shell

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// history is the command history of one session, in memory only: a debugging session
// must not write into the filesystem of the target it looks at.
type history struct {
	mu    sync.Mutex
	lines []string
}

const historyMax = 1000

func (h *history) add(line string) {
	line = strings.TrimRight(line, "\n")
	if strings.TrimSpace(line) == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.lines); n > 0 && h.lines[n-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > historyMax {
		h.lines = h.lines[len(h.lines)-historyMax:]
	}
}

func (h *history) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.lines...)
}

func (h *history) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.lines)
}

func (h *history) clear() {
	h.mu.Lock()
	h.lines = nil
	h.mu.Unlock()
}

// errInterrupted is returned by readLine when the user typed Ctrl-C.
var errInterrupted = errors.New("interrupted")

// completer returns the words that may replace line[start:pos] at the cursor.
type completer func(line string, pos int) (start int, candidates []string)

// editor is a small line editor for a terminal in raw mode: emacs keys, history,
// reverse search and completion. It reads its input one byte at a time (through next) so
// that nothing typed ahead for a command is taken from it.
type editor struct {
	next     func() (byte, error) // the next input byte
	out      io.Writer
	hist     *history
	complete completer

	buf      []rune
	pos      int
	prompt   string // the last line of the prompt, redrawn on each change
	yank     []rune
	lastTab  bool
	histIdx  int
	histSave []rune
}

// Keys that are not single runes.
const (
	keyUp = unicode.MaxRune + 1 + iota
	keyDown
	keyLeft
	keyRight
	keyHome
	keyEnd
	keyDelete
	keyWordLeft
	keyWordRight
	keyKillWordBack
	keyUnknown
)

func (e *editor) readKey() (rune, error) {
	b, err := e.next()
	if err != nil {
		return 0, err
	}
	switch {
	case b == 27:
		return e.readEscape()
	case b < utf8.RuneSelf:
		return rune(b), nil
	}
	// a multi-byte UTF-8 sequence
	p := []byte{b}
	for !utf8.FullRune(p) && len(p) < utf8.UTFMax {
		c, err := e.next()
		if err != nil {
			return 0, err
		}
		p = append(p, c)
	}
	r, _ := utf8.DecodeRune(p)
	return r, nil
}

func (e *editor) readEscape() (rune, error) {
	b, err := e.next()
	if err != nil {
		return 0, err
	}
	switch b {
	case 'b', 'B':
		return keyWordLeft, nil
	case 'f', 'F':
		return keyWordRight, nil
	case 127, 8:
		return keyKillWordBack, nil
	case '[', 'O':
	default:
		return keyUnknown, nil
	}
	// CSI or SS3: parameters, then a final byte in 0x40..0x7e
	var params []byte
	for {
		c, err := e.next()
		if err != nil {
			return 0, err
		}
		if c >= 0x40 && c <= 0x7e {
			return csiKey(string(params), c), nil
		}
		params = append(params, c)
		if len(params) > 16 {
			return keyUnknown, nil
		}
	}
}

func csiKey(params string, final byte) rune {
	mod := ""
	if i := strings.IndexByte(params, ';'); i >= 0 {
		params, mod = params[:i], params[i+1:]
	}
	switch final {
	case 'A':
		return keyUp
	case 'B':
		return keyDown
	case 'C':
		if mod == "5" || mod == "3" {
			return keyWordRight
		}
		return keyRight
	case 'D':
		if mod == "5" || mod == "3" {
			return keyWordLeft
		}
		return keyLeft
	case 'H':
		return keyHome
	case 'F':
		return keyEnd
	case '~':
		switch params {
		case "1", "7":
			return keyHome
		case "4", "8":
			return keyEnd
		case "3":
			return keyDelete
		}
	}
	return keyUnknown
}

// readLine shows prompt and returns the line typed, without its newline. It returns
// errInterrupted on Ctrl-C and io.EOF on Ctrl-D in an empty line.
func (e *editor) readLine(prompt string) (string, error) {
	e.buf, e.pos, e.lastTab = e.buf[:0], 0, false
	e.histIdx, e.histSave = e.hist.len(), nil
	e.prompt = prompt
	if i := strings.LastIndexByte(prompt, '\n'); i >= 0 {
		io.WriteString(e.out, strings.ReplaceAll(prompt[:i], "\n", "\r\n")+"\r\n")
		e.prompt = prompt[i+1:]
	}
	e.refresh()
	for {
		k, err := e.readKey()
		if err != nil {
			if len(e.buf) > 0 && errors.Is(err, io.EOF) {
				io.WriteString(e.out, "\r\n")
				return string(e.buf), nil
			}
			return "", err
		}
		line, done, err := e.handle(k)
		if done || err != nil {
			return line, err
		}
	}
}

// handle applies one key; done reports that the line is finished.
func (e *editor) handle(k rune) (line string, done bool, err error) {
	tab := k == '\t'
	defer func() { e.lastTab = tab }()
	switch k {
	case '\r', '\n':
		if e.pos != len(e.buf) {
			e.pos = len(e.buf)
			e.refresh()
		}
		io.WriteString(e.out, "\r\n")
		return string(e.buf), true, nil
	case 3: // Ctrl-C
		e.pos = len(e.buf)
		e.refresh()
		io.WriteString(e.out, "^C\r\n")
		return "", true, errInterrupted
	case 4: // Ctrl-D
		if len(e.buf) == 0 {
			io.WriteString(e.out, "\r\n")
			return "", true, io.EOF
		}
		e.deleteAt(e.pos)
	case 1, keyHome:
		e.pos = 0
	case 5, keyEnd:
		e.pos = len(e.buf)
	case 2, keyLeft:
		if e.pos > 0 {
			e.pos--
		}
	case 6, keyRight:
		if e.pos < len(e.buf) {
			e.pos++
		}
	case 8, 127: // backspace
		if e.pos > 0 {
			e.pos--
			e.deleteAt(e.pos)
		}
	case keyDelete:
		e.deleteAt(e.pos)
	case 11: // Ctrl-K
		e.yank = append([]rune(nil), e.buf[e.pos:]...)
		e.buf = e.buf[:e.pos]
	case 21: // Ctrl-U
		e.yank = append([]rune(nil), e.buf[:e.pos]...)
		e.buf = append(e.buf[:0], e.buf[e.pos:]...)
		e.pos = 0
	case 23, keyKillWordBack: // Ctrl-W
		start := e.wordStart()
		e.yank = append([]rune(nil), e.buf[start:e.pos]...)
		e.buf = append(e.buf[:start], e.buf[e.pos:]...)
		e.pos = start
	case 25: // Ctrl-Y
		e.insert(e.yank...)
	case keyWordLeft:
		e.pos = e.wordStart()
	case keyWordRight:
		for e.pos < len(e.buf) && e.buf[e.pos] == ' ' {
			e.pos++
		}
		for e.pos < len(e.buf) && e.buf[e.pos] != ' ' {
			e.pos++
		}
	case 12: // Ctrl-L
		io.WriteString(e.out, "\x1b[H\x1b[2J")
	case 16, keyUp: // Ctrl-P
		e.historyMove(-1)
	case 14, keyDown: // Ctrl-N
		e.historyMove(1)
	case 18: // Ctrl-R
		return e.search()
	case '\t':
		e.completeWord()
	case 20: // Ctrl-T: swap the two characters before the cursor
		if e.pos > 0 && len(e.buf) > 1 {
			p := e.pos
			if p == len(e.buf) {
				p--
			}
			e.buf[p-1], e.buf[p] = e.buf[p], e.buf[p-1]
			e.pos = p + 1
		}
	default:
		if k >= 32 && k != 127 && k <= unicode.MaxRune {
			e.insert(k)
			if e.pos == len(e.buf) {
				io.WriteString(e.out, string(k)) // typing at the end: no redraw
				return "", false, nil
			}
		}
	}
	e.refresh()
	return "", false, nil
}

func (e *editor) insert(rs ...rune) {
	e.buf = append(e.buf[:e.pos], append(rs, e.buf[e.pos:]...)...)
	e.pos += len(rs)
}

func (e *editor) deleteAt(i int) {
	if i < len(e.buf) {
		e.buf = append(e.buf[:i], e.buf[i+1:]...)
	}
}

func (e *editor) wordStart() int {
	i := e.pos
	for i > 0 && e.buf[i-1] == ' ' {
		i--
	}
	for i > 0 && e.buf[i-1] != ' ' {
		i--
	}
	return i
}

func (e *editor) historyMove(d int) {
	lines := e.hist.all()
	i := e.histIdx + d
	if i < 0 || i > len(lines) {
		return
	}
	if e.histIdx == len(lines) {
		e.histSave = append([]rune(nil), e.buf...)
	}
	e.histIdx = i
	if i == len(lines) {
		e.buf = append(e.buf[:0], e.histSave...)
	} else {
		e.buf = append(e.buf[:0], []rune(lines[i])...)
	}
	e.pos = len(e.buf)
}

// refresh redraws the prompt's last line and the buffer, and puts the cursor in place.
func (e *editor) refresh() {
	var b strings.Builder
	b.WriteString("\r")
	b.WriteString(e.prompt)
	b.WriteString(string(e.buf))
	b.WriteString("\x1b[K")
	if n := len(e.buf) - e.pos; n > 0 {
		fmt.Fprintf(&b, "\x1b[%dD", n)
	}
	io.WriteString(e.out, b.String())
}

// search is Ctrl-R: incremental search backwards through the history.
func (e *editor) search() (string, bool, error) {
	lines := e.hist.all()
	orig := append([]rune(nil), e.buf...)
	query := ""
	idx := len(lines) // the match; len(lines) means none
	find := func(from int) {
		for i := min(from, len(lines)-1); i >= 0; i-- {
			if strings.Contains(lines[i], query) {
				idx = i
				return
			}
		}
	}
	draw := func() {
		m := ""
		if idx < len(lines) {
			m = lines[idx]
		}
		fmt.Fprintf(e.out, "\r(reverse-i-search)`%s': %s\x1b[K", query, m)
	}
	draw()
	for {
		k, err := e.readKey()
		if err != nil {
			return "", true, err
		}
		switch {
		case k == 18: // Ctrl-R again: older match
			if query != "" {
				find(idx - 1)
			}
		case k == 8 || k == 127:
			if query != "" {
				_, n := utf8.DecodeLastRuneInString(query)
				query = query[:len(query)-n]
				idx = len(lines)
				find(len(lines) - 1)
			}
		case k == 3 || k == 7: // Ctrl-C, Ctrl-G: back to the line as it was
			e.buf, e.pos = orig, len(orig)
			e.refresh()
			return "", false, nil
		case k >= 32 && k <= unicode.MaxRune && k != 127:
			query += string(k)
			find(idx)
		default:
			// Any other key takes the match into the line and then does its usual job.
			if idx < len(lines) {
				e.buf = append(e.buf[:0], []rune(lines[idx])...)
				e.pos = len(e.buf)
			}
			e.histIdx = len(lines)
			return e.handle(k)
		}
		draw()
	}
}

// completeWord is Tab: complete the word at the cursor; a second Tab lists the choices.
func (e *editor) completeWord() {
	if e.complete == nil {
		return
	}
	line := string(e.buf[:e.pos])
	start, cands := e.complete(string(e.buf), len(line))
	if len(cands) == 0 {
		return
	}
	word := line[start:]
	prefix := commonPrefix(cands)
	if len(prefix) > len(word) {
		add := []rune(prefix[len(word):])
		if len(cands) == 1 && !strings.HasSuffix(prefix, "/") {
			add = append(add, ' ')
		}
		e.insert(add...)
		return
	}
	if len(cands) == 1 {
		if !strings.HasSuffix(prefix, "/") {
			e.insert(' ')
		}
		return
	}
	if !e.lastTab {
		io.WriteString(e.out, "\a")
		return
	}
	sort.Strings(cands)
	width := 0
	for _, c := range cands {
		width = max(width, utf8.RuneCountInString(c)+2)
	}
	perLine := max(1, 80/width)
	var b strings.Builder
	b.WriteString("\r\n")
	for i, c := range cands {
		b.WriteString(c + strings.Repeat(" ", width-utf8.RuneCountInString(c)))
		if (i+1)%perLine == 0 || i == len(cands)-1 {
			b.WriteString("\r\n")
		}
	}
	io.WriteString(e.out, b.String())
}

func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			_, n := utf8.DecodeLastRuneInString(p)
			p = p[:len(p)-n]
		}
	}
	return p
}
