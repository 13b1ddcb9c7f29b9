package proc

import (
	"io"
	"strings"
	"unicode/utf8"
)

// table prints rows in columns sized to their content, as util-linux's libsmartcols does:
// one space between columns, right-aligned where right[i], the last column not padded.
type table struct {
	right []bool
	rows  [][]string
	// hideHeader sizes the columns by the header (rows[0], as libsmartcols does) without
	// printing it.
	hideHeader bool
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for n, r := range t.rows {
		if n == 0 && t.hideHeader {
			continue
		}
		for i, c := range r {
			if i > 0 {
				b.WriteByte(' ')
			}
			pad := widths[i] - utf8.RuneCountInString(c)
			right := i < len(t.right) && t.right[i]
			if right {
				b.WriteString(strings.Repeat(" ", pad))
			}
			b.WriteString(c)
			if !right && i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", pad))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
