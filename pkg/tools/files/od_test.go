//go:build linux

package files

import (
	"strings"
	"testing"
)

// TestOdGolden compares od with GNU od on text, binary and repeated input, every type and
// size, several types at once, addresses, skips, limits and widths.
func TestOdGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	var bin strings.Builder
	for i := 0; i < 256; i++ {
		bin.WriteByte(byte(i))
	}
	writeFiles(t, dir, map[string]string{
		"text":   "hello, world\n\tone two\r\n",
		"bin":    bin.String(),
		"zeros":  strings.Repeat("\x00", 100) + "x" + strings.Repeat("\x00", 64),
		"floats": "\x00\x00\x80\x3f\x00\x00\x00\x00\x00\x00\xf0\x3f\x9a\x99\x99\x99\x99\x99\xb9\x3f\x00\x00\x00\x00\x00\x00\xf0\x7f\x00\x00\xc0\x7f\x00\x00\x80\xff",
		"odd":    "abcde",
	})
	for _, args := range [][]string{
		{"od", "text"}, {"od", "bin"}, {"od", "zeros"}, {"od", "-v", "zeros"}, {"od", "odd"},
		{"od", "-c", "text"}, {"od", "-a", "bin"}, {"od", "-c", "bin"}, {"od", "-b", "text"},
		{"od", "-d", "bin"}, {"od", "-s", "bin"}, {"od", "-i", "bin"}, {"od", "-l", "bin"}, {"od", "-x", "bin"}, {"od", "-o", "odd"},
		{"od", "-t", "x1", "bin"}, {"od", "-t", "x2", "odd"}, {"od", "-t", "x4", "odd"}, {"od", "-t", "x8", "bin"},
		{"od", "-t", "d1", "bin"}, {"od", "-t", "d2", "bin"}, {"od", "-t", "d4", "bin"}, {"od", "-t", "d8", "bin"},
		{"od", "-t", "u1", "bin"}, {"od", "-t", "u2", "bin"}, {"od", "-t", "u4", "bin"}, {"od", "-t", "u8", "bin"},
		{"od", "-t", "o1", "bin"}, {"od", "-t", "o4", "bin"}, {"od", "-t", "o8", "bin"}, {"od", "-tx1z", "text"},
		{"od", "-t", "xC", "-t", "c", "text"}, {"od", "-t", "x1z", "-t", "d2", "odd"}, {"od", "-t", "a", "-t", "o1", "-t", "u4", "bin"},
		{"od", "-t", "fF", "floats"}, {"od", "-t", "f8", "floats"}, {"od", "-f", "-t", "x1", "floats"},
		{"od", "-A", "x", "-t", "x1z", "text"}, {"od", "-A", "d", "bin"}, {"od", "-A", "n", "-t", "x1", "text"},
		{"od", "-j", "3", "-N", "10", "-c", "text"}, {"od", "-j", "0x10", "-t", "x1", "bin"}, {"od", "-N", "5", "bin"},
		{"od", "-w8", "-t", "x1", "text"}, {"od", "-w4", "-c", "odd"}, {"od", "--width=32", "-t", "x1", "bin"},
		{"od", "-c", "text", "odd"}, {"od", "-c", "-", "text"}, {"od", "-j", "100", "odd"},
		{"od", "--traditional", "bin", "20"}, {"od", "--traditional", "-b", "odd"},
		{"od", "-t", "q", "odd"}, {"od", "-A", "z", "odd"}, {"od", "nofile"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { golden(t, dir, "from stdin\n", "coreutils", nil, args...) })
	}
}
