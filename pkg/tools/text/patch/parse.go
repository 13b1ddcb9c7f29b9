package patch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

type hunkLine struct {
	op   byte   // ' ', '-' or '+'
	text string // with its newline, unless the diff said "\ No newline at end of file"
}

type hunk struct {
	oldStart, oldLen, newStart, newLen int
	header                             string // the "@@ ... @@" line's tail after the ranges
	lines                              []hunkLine
}

type filePatch struct {
	oldName, newName string
	oldHdr, newHdr   string // the "--- " and "+++ " lines
	leading          []string
	hunkLine         int  // input line of the first hunk
	context          bool // a context diff: its rejects are written as one
	hunks            []*hunk
}

// parsePatch reads the unified diffs of the input: each "--- "/"+++ " pair followed by
// "@@" hunks is one file's patch; any other text is skipped.
func parsePatch(r io.Reader) ([]*filePatch, bool, error) {
	br := bufio.NewReader(r)
	var lines []string
	for {
		l, err := br.ReadString('\n')
		if l != "" {
			lines = append(lines, l)
		}
		if err != nil {
			break
		}
	}
	var out []*filePatch
	start := 0
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "*** ") && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "--- ") && strings.HasPrefix(lines[i+2], "***************") {
			fp, next, err := parseContext(lines, i, start)
			if err != nil {
				return nil, true, err
			}
			out = append(out, fp)
			start, i = next, next-1
			continue
		}
		if !(strings.HasPrefix(lines[i], "--- ") && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "+++ ") && strings.HasPrefix(lines[i+2], "@@ ")) {
			continue
		}
		fp := &filePatch{oldHdr: lines[i], newHdr: lines[i+1], leading: lines[start : i+2], hunkLine: i + 3,
			oldName: headerName(lines[i][4:]), newName: headerName(lines[i+1][4:])}
		i += 2
		for i < len(lines) && strings.HasPrefix(lines[i], "@@ ") {
			h, err := parseHunkHeader(lines[i])
			if err != nil {
				return nil, true, fmt.Errorf("malformed patch at line %d: %s", i+1, strings.TrimSuffix(lines[i], "\n"))
			}
			i++
			oldN, newN := 0, 0
			for i < len(lines) && (oldN < h.oldLen || newN < h.newLen || strings.HasPrefix(lines[i], "\\")) {
				l := lines[i]
				switch {
				case strings.HasPrefix(l, "\\"):
					if n := len(h.lines); n > 0 {
						h.lines[n-1].text = strings.TrimSuffix(h.lines[n-1].text, "\n")
					}
				case l == "\n":
					h.lines = append(h.lines, hunkLine{' ', "\n"})
					oldN++
					newN++
				case l[0] == ' ':
					h.lines = append(h.lines, hunkLine{' ', l[1:]})
					oldN++
					newN++
				case l[0] == '-':
					h.lines = append(h.lines, hunkLine{'-', l[1:]})
					oldN++
				case l[0] == '+':
					h.lines = append(h.lines, hunkLine{'+', l[1:]})
					newN++
				default:
					return nil, true, fmt.Errorf("malformed patch at line %d: %s", i+1, strings.TrimSuffix(l, "\n"))
				}
				i++
			}
			if oldN != h.oldLen || newN != h.newLen {
				return nil, true, fmt.Errorf("unexpected end of file in patch")
			}
			fp.hunks = append(fp.hunks, h)
		}
		out = append(out, fp)
		start = i
		i--
	}
	return out, len(lines) > 0, nil
}

// parseContext reads one file's context diff (diff -c) from lines[i] and turns each hunk
// into the unified form the rest applies; it returns the index after it.
func parseContext(lines []string, i, start int) (*filePatch, int, error) {
	fp := &filePatch{oldHdr: "--- " + lines[i][4:], newHdr: "+++ " + lines[i+1][4:], leading: lines[start : i+2],
		hunkLine: i + 4, oldName: headerName(lines[i][4:]), newName: headerName(lines[i+1][4:]), context: true}
	i += 2
	bad := func(i int) error {
		return fmt.Errorf("malformed patch at line %d: %s", i+1, strings.TrimSuffix(lines[min(i, len(lines)-1)], "\n"))
	}
	ctxRange := func(l, open, close string) (int, int, bool) {
		l = strings.TrimRight(l, "\r\n")
		if !strings.HasPrefix(l, open) || !strings.HasSuffix(l, close) {
			return 0, 0, false
		}
		a, b, two := strings.Cut(strings.TrimSpace(l[len(open):len(l)-len(close)]), ",")
		x, err := strconv.Atoi(a)
		if err != nil {
			return 0, 0, false
		}
		if !two {
			if x == 0 {
				return 0, 0, true
			}
			return x, 1, true
		}
		y, err := strconv.Atoi(b)
		if err != nil || y < x-1 {
			return 0, 0, false
		}
		return x, y - x + 1, true
	}
	// part reads the lines of one side up to the next marker.
	part := func(j int, stop func(string) bool) ([]hunkLine, int) {
		var out []hunkLine
		for j < len(lines) && !stop(lines[j]) {
			l := lines[j]
			if strings.HasPrefix(l, "\\") {
				if n := len(out); n > 0 {
					out[n-1].text = strings.TrimSuffix(out[n-1].text, "\n")
				}
			} else if len(l) >= 2 && strings.ContainsRune(" -+!", rune(l[0])) && l[1] == ' ' {
				out = append(out, hunkLine{l[0], l[2:]})
			} else {
				break
			}
			j++
		}
		return out, j
	}
	for i < len(lines) && strings.HasPrefix(lines[i], "***************") {
		i++
		if i >= len(lines) {
			return nil, 0, bad(i)
		}
		h := &hunk{}
		var ok bool
		if h.oldStart, h.oldLen, ok = ctxRange(lines[i], "*** ", " ****"); !ok {
			return nil, 0, bad(i)
		}
		old, j := part(i+1, func(l string) bool { return strings.HasPrefix(l, "--- ") })
		if j >= len(lines) {
			return nil, 0, bad(j)
		}
		if h.newStart, h.newLen, ok = ctxRange(lines[j], "--- ", " ----"); !ok {
			return nil, 0, bad(j)
		}
		neu, k := part(j+1, func(l string) bool { return strings.HasPrefix(l, "***************") })
		switch {
		case len(old) == 0:
			for _, l := range neu {
				h.lines = append(h.lines, hunkLine{map[byte]byte{' ': ' ', '+': '+', '!': '+'}[l.op], l.text})
			}
		case len(neu) == 0:
			for _, l := range old {
				h.lines = append(h.lines, hunkLine{map[byte]byte{' ': ' ', '-': '-', '!': '-'}[l.op], l.text})
			}
		default:
			a, b := 0, 0
			for a < len(old) || b < len(neu) {
				switch {
				case a < len(old) && old[a].op == '-':
					h.lines = append(h.lines, hunkLine{'-', old[a].text})
					a++
				case b < len(neu) && neu[b].op == '+':
					h.lines = append(h.lines, hunkLine{'+', neu[b].text})
					b++
				case a < len(old) && old[a].op == '!' || b < len(neu) && neu[b].op == '!':
					for ; a < len(old) && old[a].op == '!'; a++ {
						h.lines = append(h.lines, hunkLine{'-', old[a].text})
					}
					for ; b < len(neu) && neu[b].op == '!'; b++ {
						h.lines = append(h.lines, hunkLine{'+', neu[b].text})
					}
				case a < len(old) && b < len(neu):
					h.lines = append(h.lines, hunkLine{' ', old[a].text})
					a++
					b++
				default:
					return nil, 0, bad(k)
				}
			}
		}
		oldN, newN := 0, 0
		for _, l := range h.lines {
			if l.op != '+' {
				oldN++
			}
			if l.op != '-' {
				newN++
			}
		}
		// An empty side ("*** 5 ****" with no lines, diff -C0) is numbered by the line
		// before it, as unified diffs number it.
		if oldN == 0 && len(old) == 0 {
			h.oldLen = 0
		}
		if newN == 0 && len(neu) == 0 {
			h.newLen = 0
		}
		if oldN != h.oldLen || newN != h.newLen {
			return nil, 0, bad(k)
		}
		fp.hunks = append(fp.hunks, h)
		i = k
	}
	return fp, i, nil
}

// headerName is the file name of a "--- " or "+++ " line: up to a tab (diff's time stamp).
func headerName(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	return s
}

func parseHunkHeader(l string) (*hunk, error) {
	rest := strings.TrimPrefix(strings.TrimRight(l, "\r\n"), "@@ ")
	end := strings.Index(rest, " @@")
	if end < 0 {
		return nil, errors.New("bad hunk header")
	}
	f := strings.Fields(rest[:end])
	if len(f) != 2 || f[0][0] != '-' || f[1][0] != '+' {
		return nil, errors.New("bad hunk header")
	}
	h := &hunk{header: rest[end+3:]}
	var err1, err2 error
	h.oldStart, h.oldLen, err1 = patchRange(f[0][1:])
	h.newStart, h.newLen, err2 = patchRange(f[1][1:])
	if err1 != nil || err2 != nil {
		return nil, errors.New("bad hunk header")
	}
	return h, nil
}

func patchRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, ",")
	start, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, err
	}
	n := 1
	if ok {
		if n, err = strconv.Atoi(b); err != nil {
			return 0, 0, err
		}
	}
	return start, n, nil
}

func (h *hunk) reversed() *hunk {
	r := &hunk{oldStart: h.newStart, oldLen: h.newLen, newStart: h.oldStart, newLen: h.oldLen, header: h.header}
	for _, l := range h.lines {
		switch l.op {
		case '-':
			l.op = '+'
		case '+':
			l.op = '-'
		}
		r.lines = append(r.lines, l)
	}
	return r
}

// stripName applies -p to a header's name; without -p, the base name.
func stripName(name string, strip int) string {
	if strip < 0 {
		return path.Base(name)
	}
	s := name
	for i := 0; i < strip; i++ {
		j := strings.IndexByte(s, '/')
		if j < 0 {
			return ""
		}
		s = strings.TrimLeft(s[j+1:], "/")
	}
	return s
}
