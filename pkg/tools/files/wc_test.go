package files

import "testing"

func TestWcStdinGolden(t *testing.T) {
	for _, in := range []string{"", "a b\nc", "one\ntwo\nthree\n", "x\ty  z\n\n"} {
		golden(t, "", in, "coreutils", nil, "wc")
		golden(t, "", in, "coreutils", nil, "wc", "-l")
	}
}
