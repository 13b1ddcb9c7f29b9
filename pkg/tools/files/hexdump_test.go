package files

import "testing"

// TestHexdumpFormat: -e formats as util-linux's hexdump prints them (outputs checked with
// util-linux 2.38): repeated blocks squeezed to "*", conversions past the end blank,
// one overlapping it zero-padded, no trailing blank in a unit's last iteration.
func TestHexdumpFormat(t *testing.T) {
	dir := t.TempDir()
	in := "hello world\n\x00\x00"
	cases := []struct {
		stdin, format, want string
	}{
		{"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", `1/1 "%02x|"1/1 "%02x!\n"`, "00|00!\n*\n00|  !\n"},
		{"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", `1/1 "%02x|"1/1 "%02x!\n"`, "00|00!\n*\n"},
		{in, `4/1 "%02x " "\n"`, "68 65 6c 6c\n6f 20 77 6f\n72 6c 64 0a\n00 00      \n"},
		{in, `2/2 "%04x " "\n"`, "6568 6c6c\n206f 6f77\n6c72 0a64\n0000     \n"},
		{in, `"%d\n"`, "1819043176\n1870078063\n174353522\n0\n"},
		{in, `4/1 "%-4u|" "\n"`, "104 |101 |108 |108 |\n111 |32  |119 |111 |\n114 |108 |100 |10  |\n0   |0   |    |    |\n"},
	}
	for _, c := range cases {
		if o, e, st := run(t, dir, c.stdin, "hexdump", "-e", c.format); o != c.want || st != 0 {
			t.Errorf("hexdump -e %q: %q (status %d, %s), want %q", c.format, o, st, e, c.want)
		}
	}
}
