package grep

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/litfind"
)

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
			low = litfind.LowerASCII(low, s.chunk)
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
