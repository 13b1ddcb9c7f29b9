package patch

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// reject writes the hunks that did not apply to name.rej, in unified form.
func (p *patcher) reject(fp *filePatch, name string, hs []*hunk) int {
	var b strings.Builder
	if fp.context {
		b.WriteString("*** " + fp.oldHdr[4:])
		b.WriteString("--- " + fp.newHdr[4:])
	} else {
		b.WriteString(fp.oldHdr)
		b.WriteString(fp.newHdr)
	}
	for _, h := range hs {
		if fp.context {
			b.WriteString(h.contextString())
		} else {
			b.WriteString(h.String())
		}
	}
	if err := os.WriteFile(filepath.Join(p.dir, name+".rej"), []byte(b.String()), 0o644); err != nil {
		p.out.Flush()
		p.env.Errorf("patch", "**** Can't create file %s.rej : %s", name, tools.Reason(err))
		return 2
	}
	return 1
}

func (h *hunk) String() string {
	var b strings.Builder
	rng := func(s, n int) string {
		if n == 1 {
			return strconv.Itoa(s)
		}
		return fmt.Sprintf("%d,%d", s, n)
	}
	fmt.Fprintf(&b, "@@ -%s +%s @@%s\n", rng(h.oldStart, h.oldLen), rng(h.newStart, h.newLen), h.header)
	for _, l := range h.lines {
		b.WriteByte(l.op)
		b.WriteString(l.text)
		if !strings.HasSuffix(l.text, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	return b.String()
}

// contextString is the hunk as diff -c writes it: a side is listed when it changes, a
// removal next to an addition marked '!' on both sides.
func (h *hunk) contextString() string {
	var b strings.Builder
	rng := func(s, n int) string {
		switch {
		case n == 0:
			return strconv.Itoa(s)
		case n == 1:
			return strconv.Itoa(s)
		}
		return fmt.Sprintf("%d,%d", s, s+n-1)
	}
	marks := make([]byte, len(h.lines))
	for i := 0; i < len(h.lines); {
		if h.lines[i].op == ' ' {
			marks[i] = ' '
			i++
			continue
		}
		j := i
		for j < len(h.lines) && h.lines[j].op != ' ' {
			j++
		}
		hasDel, hasAdd := false, false
		for k := i; k < j; k++ {
			hasDel = hasDel || h.lines[k].op == '-'
			hasAdd = hasAdd || h.lines[k].op == '+'
		}
		for k := i; k < j; k++ {
			marks[k] = h.lines[k].op
			if hasDel && hasAdd {
				marks[k] = '!'
			}
		}
		i = j
	}
	side := func(drop byte) bool {
		for _, l := range h.lines {
			if l.op != ' ' && l.op != drop {
				return true
			}
		}
		return false
	}
	write := func(drop byte) {
		for i, l := range h.lines {
			if l.op == drop {
				continue
			}
			b.WriteByte(marks[i])
			b.WriteByte(' ')
			b.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
				b.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	b.WriteString("***************\n")
	fmt.Fprintf(&b, "*** %s ****\n", rng(h.oldStart, h.oldLen))
	if side('+') {
		write('+')
	}
	fmt.Fprintf(&b, "--- %s ----\n", rng(h.newStart, h.newLen))
	if side('-') {
		write('-')
	}
	return b.String()
}
