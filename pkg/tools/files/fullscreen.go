package files

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// fullScreen is the terminal of a full-screen applet (less, vi): raw keys from the
// terminal it draws on, its size, and the state to restore when it ends.
type fullScreen struct {
	out   *os.File
	in    *os.File
	keys  *bufio.Reader
	old   *term.State
	frame strings.Builder
}

// Keys that arrive as escape sequences, outside Unicode.
const (
	keyUp = 0x110000 + iota
	keyDown
	keyRight
	keyLeft
	keyPgUp
	keyPgDn
	keyHome
	keyEnd
	keyDelete
	keyEsc = 0x1b
)

// openFullScreen puts the terminal out (and the one keys come from, which is out reopened
// for reading: stdin may be the text) in raw mode, on the alternate screen.
func openFullScreen(ctx context.Context, out *os.File) (*fullScreen, error) {
	in, err := openKeys(out)
	if err != nil {
		return nil, fmt.Errorf("opening the terminal for keys: %w", err)
	}
	old, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("putting the terminal in raw mode: %w", err)
	}
	s := &fullScreen{out: out, in: in, old: old, keys: bufio.NewReader(&tools.TerminalReader{Ctx: ctx, File: in})}
	out.WriteString("\x1b[?1049h")
	return s, nil
}

// close leaves the alternate screen and restores the terminal.
func (s *fullScreen) close() {
	s.out.WriteString("\x1b[?1049l")
	term.Restore(int(s.in.Fd()), s.old)
	s.in.Close()
}

// size is the terminal's rows and columns (24x80 when it cannot say).
func (s *fullScreen) size() (rows, cols int) {
	if c, r, err := term.GetSize(int(s.out.Fd())); err == nil && r > 1 && c > 1 {
		return r, c
	}
	return 24, 80
}

// draw replaces the screen with rows (each already cut to the width), a status line on
// the last row, and puts the cursor at (row, col).
func (s *fullScreen) draw(rows []string, status string, row, col int) {
	b := &s.frame
	b.Reset()
	b.WriteString("\x1b[?25l\x1b[H")
	for _, r := range rows {
		b.WriteString(r)
		b.WriteString("\x1b[K\r\n")
	}
	b.WriteString(status)
	b.WriteString("\x1b[K")
	fmt.Fprintf(b, "\x1b[%d;%dH\x1b[?25h", row+1, col+1)
	s.out.WriteString(b.String())
}

// key reads one key: a rune, or one of the key* constants for an escape sequence. A lone
// Escape is keyEsc. It fails when the context is done (Ctrl-C in the shell).
func (s *fullScreen) key() (rune, error) {
	r, _, err := s.keys.ReadRune()
	if err != nil || r != keyEsc {
		return r, err
	}
	if s.keys.Buffered() == 0 {
		fds := []unix.PollFd{{Fd: int32(s.in.Fd()), Events: unix.POLLIN}}
		if n, _ := unix.Poll(fds, 30); n <= 0 {
			return keyEsc, nil
		}
	}
	b, _ := s.keys.ReadByte()
	if b != '[' && b != 'O' {
		s.keys.UnreadByte()
		return keyEsc, nil
	}
	seq := ""
	for {
		c, err := s.keys.ReadByte()
		if err != nil {
			return keyEsc, nil
		}
		seq += string(c)
		if c >= 0x40 && c <= 0x7e {
			break
		}
	}
	switch seq {
	case "A":
		return keyUp, nil
	case "B":
		return keyDown, nil
	case "C":
		return keyRight, nil
	case "D":
		return keyLeft, nil
	case "5~":
		return keyPgUp, nil
	case "6~":
		return keyPgDn, nil
	case "H", "1~", "7~":
		return keyHome, nil
	case "F", "4~", "8~":
		return keyEnd, nil
	case "3~":
		return keyDelete, nil
	}
	return keyEsc, nil
}

// readLine reads a line typed on the status row after prompt (for / and :), echoing it;
// Escape abandons it (ok false).
func (s *fullScreen) readLine(prompt string, redraw func(status string)) (string, bool) {
	var line []rune
	for {
		redraw(prompt + string(line))
		r, err := s.key()
		switch {
		case err != nil || r == keyEsc || r == 3:
			return "", false
		case r == '\r' || r == '\n':
			return string(line), true
		case r == 0x7f || r == 8:
			if len(line) == 0 {
				return "", false
			}
			line = line[:len(line)-1]
		case r == 0x15: // ^U
			line = line[:0]
		case r >= ' ' && r < keyUp:
			line = append(line, r)
		}
	}
}

// expandTabs writes s with tabs to the next multiple of 8 and control characters as ^X.
func expandTabs(s string) string {
	if !strings.ContainsAny(s, "\t\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch {
		case r == '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case r < ' ' || r == 0x7f:
			b.WriteByte('^')
			b.WriteRune(r ^ 0x40)
			col += 2
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// cut returns the columns [from, from+width) of an expanded line.
func cut(s string, from, width int) string {
	rs := []rune(s)
	if from >= len(rs) {
		return ""
	}
	rs = rs[from:]
	if len(rs) > width {
		rs = rs[:width]
	}
	return string(rs)
}
