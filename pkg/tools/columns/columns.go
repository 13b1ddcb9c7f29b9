package columns

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Table prints rows in columns sized to their content, as util-linux's libsmartcols does:
// one space between columns, right-aligned where Right[i], the last column not padded.
type Table struct {
	Right []bool
	Rows  [][]string
	// HideHeader sizes the columns by the header (rows[0], as libsmartcols does) without
	// printing it.
	HideHeader bool
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Write prints the table to w.
func (t *Table) Write(w io.Writer) error {
	var widths []int
	for _, r := range t.Rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for n, r := range t.Rows {
		if n == 0 && t.HideHeader {
			continue
		}
		for i, c := range r {
			if i > 0 {
				b.WriteByte(' ')
			}
			pad := widths[i] - utf8.RuneCountInString(c)
			right := i < len(t.Right) && t.Right[i]
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
