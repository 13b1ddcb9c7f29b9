//go:build linux

package proc

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestFormatCPUs pins util-linux's list form on sets a 2-CPU test machine cannot show
// through TestTasksetGolden: a run of two is a pair, three or more a range.
func TestFormatCPUs(t *testing.T) {
	for _, c := range []struct {
		cpus []int
		list string
		mask string
	}{
		{[]int{0}, "0", "1"},
		{[]int{0, 1}, "0,1", "3"},
		{[]int{0, 1, 2, 4, 6, 7}, "0-2,4,6,7", "d7"},
		{[]int{3, 4, 5, 6, 65}, "3-6,65", "20000000000000078"},
	} {
		var set unix.CPUSet
		for _, n := range c.cpus {
			set.Set(n)
		}
		if got := formatCPUs(&set, true); got != c.list {
			t.Errorf("formatCPUs(%v, list) = %q, want %q", c.cpus, got, c.list)
		}
		if got := formatCPUs(&set, false); got != c.mask {
			t.Errorf("formatCPUs(%v, mask) = %q, want %q", c.cpus, got, c.mask)
		}
	}
}
