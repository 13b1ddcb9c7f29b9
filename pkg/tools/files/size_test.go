package files

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

func parse(s string, syn humanize.SizeSyntax) (int64, bool) {
	n, err := humanize.ParseSize(s, syn)
	return n, err == nil
}

// sizeCase is one count as a size operand spells it, and what the applet takes it for.
type sizeCase struct {
	in string
	n  int64
	ok bool
}

// TestSizeOperands pins which counts the size operands take and what they are worth:
// truncate -s and split -b/-l/-C (GNU's multiplicative suffixes, a sign), dd's BYTES and
// N (c w b, kB=1000, K=1024, NxM), and xxd/hexdump -l/-s (decimal or 0x hex, no suffix).
func TestSizeOperands(t *testing.T) {
	overflow := []sizeCase{{"8E", 0, false}, {"16E", 0, false}}
	gnuCases := append([]sizeCase{
		{"1", 1, true}, {"1b", 512, true}, {"1c", 1, true}, {"1w", 2, true},
		{"1k", 1024, true}, {"1K", 1024, true}, {"1m", 1048576, true}, {"1M", 1048576, true},
		{"1g", 1073741824, true}, {"1G", 1073741824, true}, {"1KB", 1000, true}, {"1kB", 1000, true},
		{"1kiB", 1024, true}, {"1KiB", 1024, true}, {"1Kib", 0, false}, {"1mB", 1000000, true},
		{"1MiB", 1048576, true}, {"1MB", 1000000, true}, {"1Z", 0, false}, {"1Y", 0, false},
		{"1e", 1152921504606846976, true}, {"1E", 1152921504606846976, true}, {"1t", 1099511627776, true}, {"1T", 1099511627776, true},
		{"1p", 1125899906842624, true}, {"1P", 1125899906842624, true}, {"+1K", 1024, true}, {"-1", -1, true},
		{"1KD", 0, false}, {"1B", 0, false}, {"010", 10, true}, {"08", 8, true},
		{"0x10", 0, false}, {"0X1f", 0, false}, {"1x", 0, false}, {"1K2", 0, false},
		{"K", 0, false}, {"2x3", 0, false}, {"2x3K", 0, false}, {"1xK", 0, false},
		{"9223372036854775807", 9223372036854775807, true}, {"9223372036854775808", 0, false}, {"7E", 8070450532247928832, true}, {"1.5K", 0, false},
		{"bB", 0, false}, {"1bB", 0, false}, {"-", 0, false}, {"+", 0, false},
	}, overflow...)
	for _, c := range gnuCases {
		if n, ok := parse(c.in, gnuSize); n != c.n || ok != c.ok {
			t.Errorf("truncate/split size %q = %d, %v; want %d, %v", c.in, n, ok, c.n, c.ok)
		}
	}
	ddCases := append([]sizeCase{
		{"1", 1, true}, {"1b", 512, true}, {"1c", 1, true}, {"1w", 2, true},
		{"1k", 1024, true}, {"1K", 1024, true}, {"1m", 0, false}, {"1M", 1048576, true},
		{"1g", 0, false}, {"1G", 1073741824, true}, {"1KB", 1000, true}, {"1kB", 1000, true},
		{"1kiB", 1024, true}, {"1KiB", 1024, true}, {"1Kib", 0, false}, {"1mB", 0, false},
		{"1MiB", 1048576, true}, {"1MB", 1000000, true}, {"1Z", 0, false}, {"1Y", 0, false},
		{"1e", 0, false}, {"1E", 1152921504606846976, true}, {"1t", 0, false}, {"1T", 1099511627776, true},
		{"1p", 0, false}, {"1P", 1125899906842624, true}, {"+1K", 0, false}, {"-1", 0, false},
		{"1KD", 0, false}, {"1B", 0, false}, {"010", 10, true}, {"08", 8, true},
		{"0x10", 0, true}, {"0X1f", 0, false}, {"1x", 0, false}, {"1K2", 0, false},
		{"K", 0, false}, {"2x3", 6, true}, {"2x3K", 6144, true}, {"1xK", 0, false},
		{"9223372036854775807", 9223372036854775807, true}, {"9223372036854775808", 0, false}, {"7E", 8070450532247928832, true}, {"1.5K", 0, false},
		{"bB", 0, false}, {"1bB", 0, false}, {"-", 0, false}, {"+", 0, false},
	}, overflow...)
	for _, c := range ddCases {
		if n, ok := parse(c.in, ddSize); n != c.n || ok != c.ok {
			t.Errorf("dd number %q = %d, %v; want %d, %v", c.in, n, ok, c.n, c.ok)
		}
	}
	for _, c := range []sizeCase{
		{"1", 1, true}, {"1b", 0, false}, {"1c", 0, false}, {"1w", 0, false},
		{"1k", 0, false}, {"1K", 0, false}, {"1m", 0, false}, {"1M", 0, false},
		{"1g", 0, false}, {"1G", 0, false}, {"1KB", 0, false}, {"1kB", 0, false},
		{"1kiB", 0, false}, {"1KiB", 0, false}, {"1Kib", 0, false}, {"1mB", 0, false},
		{"1MiB", 0, false}, {"1MB", 0, false}, {"1Z", 0, false}, {"1Y", 0, false},
		{"1e", 0, false}, {"1E", 0, false}, {"1t", 0, false}, {"1T", 0, false},
		{"1p", 0, false}, {"1P", 0, false}, {"+1K", 0, false}, {"-1", -1, true},
		{"1KD", 0, false}, {"1B", 0, false}, {"010", 10, true}, {"08", 8, true},
		{"0x10", 16, true}, {"0X1f", 31, true}, {"1x", 0, false}, {"1K2", 0, false},
		{"K", 0, false}, {"2x3", 0, false}, {"2x3K", 0, false}, {"1xK", 0, false},
		{"9223372036854775807", 9223372036854775807, true}, {"9223372036854775808", 0, false}, {"7E", 0, false}, {"1.5K", 0, false},
		{"bB", 0, false}, {"1bB", 0, false}, {"-", 0, false}, {"+", 0, false},
	} {
		if n, ok := parse(c.in, hexSize); n != c.n || ok != c.ok {
			t.Errorf("xxd/hexdump size %q = %d, %v; want %d, %v", c.in, n, ok, c.n, c.ok)
		}
	}
}
