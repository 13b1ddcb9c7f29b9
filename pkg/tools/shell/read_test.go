package shell

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadFields holds read's splitting to ash's (BusyBox's ash-read/read_ifs and more).
func TestReadFields(t *testing.T) {
	tests := []struct {
		ifs, line string
		n         int
		raw       bool
		want      []string
	}{
		{" \t\n", "  a  b   c d  ", 3, true, []string{"a", "b", "c d"}},
		{",", "a,,b,c", 3, true, []string{"a", "", "b,c"}},
		{" ,", "a ,, c", 3, true, []string{"a", "", "c"}},
		{" ,", " a,,b,c,d  ,  ,", 3, true, []string{"a", "", "b,c,d  ,  ,"}},
		{" \t,", "\t,\ta\t,,\tb\tc", 5, true, []string{"", "a", "", "b", "c"}},
		{" \t,", "\t\ta\t,\tb\tc", 4, true, []string{"a", "b", "c"}},
		{",", "a,b,", 2, true, []string{"a", "b"}},
		{",", "a,b,c,", 2, true, []string{"a", "b,c,"}},
		{",", "x,", 1, true, []string{"x"}},
		{",", `a\,b,c`, 2, false, []string{"a,b", "c"}},
		{"", "a b", 2, true, []string{"a b"}},
	}
	for _, tc := range tests {
		got := readFields(tc.ifs, tc.line, tc.n, tc.raw)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("readFields(%q, %q, %d) (-want +got):\n%s", tc.ifs, tc.line, tc.n, diff)
		}
	}
}
