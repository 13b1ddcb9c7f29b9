package files

import "testing"

func TestXargsNul(t *testing.T) {
	out, _, st := run(t, "", "x/a b\x00y/c\x00", "xargs", "-0", "dirname")
	if st != 0 || out != "x\ny\n" {
		t.Errorf("xargs -0: %d %q", st, out)
	}
}
