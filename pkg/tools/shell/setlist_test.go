package shell

import (
	"strings"
	"testing"
)

// TestSetList: set without operands lists every shell variable, exported or not, local
// ones included, sorted and quoted as ash does; unset ones and the shell's own
// bookkeeping variables are not listed.
func TestSetList(t *testing.T) {
	script := `x=1; y="a b'c"; unset gone; gone=; unset gone
f() { local z=3; set; }
f >f.out; set >top.out; cat f.out; echo --; cat top.out`
	out, stderr, code := runSh(t, t.TempDir(), "", []string{"PATH=/bin", "HOME=/root"}, "-c", script)
	if code != 0 {
		t.Fatalf("status %d, stderr %q", code, stderr)
	}
	inF, top, _ := strings.Cut(out, "--\n")
	for _, want := range []string{"x='1'\n", "y='a b'\\''c'\n", "z='3'\n", "HOME='/root'\n", "PATH='/bin'\n"} {
		if !strings.Contains(inF, want) {
			t.Errorf("set in f lacks %q:\n%s", want, inF)
		}
	}
	if strings.Contains(top, "z=") || !strings.Contains(top, "x='1'\n") {
		t.Errorf("set at the top (z is f's local):\n%s", top)
	}
	if strings.Contains(out, "gone=") || strings.Contains(out, "DDEBUG_") {
		t.Errorf("set lists an unset or internal variable:\n%s", out)
	}
	lines := strings.Split(strings.TrimSuffix(top, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i-1] > lines[i] && !strings.HasPrefix(lines[i], "'") && !strings.HasPrefix(lines[i-1], "IFS=") {
			t.Errorf("not sorted: %q before %q", lines[i-1], lines[i])
		}
	}
}
