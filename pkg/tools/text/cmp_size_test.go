package text

import "testing"

// TestCmpSkipValues pins the counts cmp takes for -i, -n and its SKIP operands: GNU's
// suffixes (K k KiB KB ... up to Y), digits after a leading 0 octal, no sign.
func TestCmpSkipValues(t *testing.T) {
	for _, c := range []struct {
		in string
		n  int64
		ok bool
	}{
		{"1", 1, true}, {"1b", 0, false}, {"1c", 0, false}, {"1w", 0, false},
		{"1k", 1024, true}, {"1K", 1024, true}, {"1m", 1048576, true}, {"1M", 1048576, true},
		{"1g", 1073741824, true}, {"1G", 1073741824, true}, {"1KB", 1000, true}, {"1kB", 1000, true},
		{"1kiB", 1024, true}, {"1KiB", 1024, true}, {"1Kib", 0, false}, {"1mB", 1000000, true},
		{"1MiB", 1048576, true}, {"1MB", 1000000, true}, {"1Z", 0, false}, {"1Y", 0, false},
		{"1e", 1152921504606846976, true}, {"1E", 1152921504606846976, true}, {"1t", 1099511627776, true}, {"1T", 1099511627776, true},
		{"1p", 1125899906842624, true}, {"1P", 1125899906842624, true}, {"+1K", 0, false}, {"-1", 0, false},
		{"1KD", 0, false}, {"1B", 0, false}, {"010", 8, true}, {"08", 0, false},
		{"0x10", 0, false}, {"0X1f", 0, false}, {"1x", 0, false}, {"1K2", 0, false},
		{"K", 0, false}, {"2x3", 0, false}, {"2x3K", 0, false}, {"1xK", 0, false},
		{"9223372036854775807", 9223372036854775807, true}, {"9223372036854775808", 0, false}, {"7E", 8070450532247928832, true}, {"1.5K", 0, false},
		{"bB", 0, false}, {"1bB", 0, false}, {"-", 0, false}, {"+", 0, false},
		{"8E", 0, false}, {"16E", 0, false},
	} {
		if n, ok := cmpSkip(c.in); n != c.n || ok != c.ok {
			t.Errorf("cmp count %q = %d, %v; want %d, %v", c.in, n, ok, c.n, c.ok)
		}
	}
}
