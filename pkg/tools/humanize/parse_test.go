package humanize

import (
	"errors"
	"testing"
)

// TestParseSize: each option of SizeSyntax, and the two errors. The applets' own sets are
// pinned beside them (files' TestSizeOperands, text's TestCmpSkipValues).
func TestParseSize(t *testing.T) {
	all := SizeSyntax{Sign: true, Powers: "KMGTPE", FoldCase: true, Units: true, Blocks: true, Product: true}
	for _, c := range []struct {
		in   string
		syn  SizeSyntax
		want int64
		err  error
	}{
		{"12", SizeSyntax{}, 12, nil},
		{"-12", SizeSyntax{}, 0, ErrSyntax},
		{"-12", SizeSyntax{Sign: true}, -12, nil},
		{"+3K", all, 3072, nil},
		{"0x1f", SizeSyntax{Hex: true}, 31, nil},
		{"0x1f", SizeSyntax{}, 0, ErrSyntax},
		{"017", SizeSyntax{Octal: true}, 15, nil},
		{"019", SizeSyntax{Octal: true}, 0, ErrSyntax},
		{"017", SizeSyntax{}, 17, nil},
		{"2k", SizeSyntax{Powers: "KMG"}, 2048, nil},
		{"2m", SizeSyntax{Powers: "KMG"}, 0, ErrSyntax},
		{"2m", SizeSyntax{Powers: "KMG", FoldCase: true}, 2 << 20, nil},
		{"2MB", SizeSyntax{Powers: "KMG"}, 0, ErrSyntax},
		{"2MB", SizeSyntax{Powers: "KMG", Units: true}, 2000000, nil},
		{"2MiB", SizeSyntax{Powers: "KMG", Units: true}, 2 << 20, nil},
		{"2b", SizeSyntax{Powers: "KMG"}, 0, ErrSyntax},
		{"2b", SizeSyntax{Blocks: true}, 1024, nil},
		{"2w", SizeSyntax{Blocks: true}, 4, nil},
		{"2x3K", all, 6144, nil},
		{"2x3K", SizeSyntax{Powers: "K"}, 0, ErrSyntax},
		{"7E", all, 7 << 60, nil},
		{"8E", all, 0, ErrRange},
		{"1Y", SizeSyntax{Powers: "KMGTPEZY"}, 0, ErrRange},
		{"0Y", SizeSyntax{Powers: "KMGTPEZY"}, 0, nil},
		{"9223372036854775808", SizeSyntax{}, 0, ErrRange},
		{"4611686018427387904x2", all, 0, ErrRange},
		{"", all, 0, ErrSyntax},
		{"K", all, 0, ErrSyntax},
		{"1.5K", all, 0, ErrSyntax},
	} {
		got, err := ParseSize(c.in, c.syn)
		if got != c.want || !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
			t.Errorf("ParseSize(%q, %+v) = %d, %v; want %d, %v", c.in, c.syn, got, err, c.want, c.err)
		}
	}
}

func TestPower(t *testing.T) {
	syn := SizeSyntax{Powers: "KMGTPEZY"}
	for c, want := range map[byte]int{'K': 1, 'k': 1, 'M': 2, 'm': 0, 'Y': 8, 'x': 0} {
		if got := syn.Power(c); got != want {
			t.Errorf("Power(%q) = %d, want %d", c, got, want)
		}
	}
	if got := (SizeSyntax{Powers: "KMG", FoldCase: true}).Power('g'); got != 3 {
		t.Errorf("folded Power('g') = %d, want 3", got)
	}
}
