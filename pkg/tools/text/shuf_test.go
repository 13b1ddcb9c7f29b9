//go:build linux

package text

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestShuf checks that shuf prints a permutation of its lines (of a file, stdin, -e, -i),
// at most -n of them, draws with replacement under -r, is reproducible with
// --random-source, and, against GNU shuf, its messages and statuses.
func TestShuf(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "a\nb\nc\nd\ne\nf\ng\nh\n", "nonl": "x\ny", "seed": "some random bytes", "empty": ""})
	sorted := func(s string) []string {
		l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		sort.Strings(l)
		return l
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"shuf", "f"}, []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{[]string{"shuf", "nonl"}, []string{"x", "y"}},
		{[]string{"shuf"}, []string{"1", "2", "3"}},
		{[]string{"shuf", "-e", "p", "q", "r"}, []string{"p", "q", "r"}},
		{[]string{"shuf", "-i", "8-12"}, []string{"10", "11", "12", "8", "9"}},
		{[]string{"shuf", "-i", "5-5"}, []string{"5"}},
	} {
		out, stderr, code := run(t, dir, "1\n2\n3\n", c.args...)
		if code != 0 || stderr != "" || !cmp.Equal(sorted(out), c.want) {
			t.Errorf("%v = %d %q %q, want a permutation of %v", c.args, code, out, stderr, c.want)
		}
	}
	out, _, _ := run(t, dir, "", "shuf", "-n", "3", "-i", "1-1000000000000")
	if l := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); len(l) != 3 {
		t.Errorf("shuf -n 3 of a huge range = %q", out)
	}
	out, _, _ = run(t, dir, "", "shuf", "-r", "-n", "50", "-e", "u", "v")
	if l := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); len(l) != 50 || strings.Trim(strings.Join(l, ""), "uv") != "" {
		t.Errorf("shuf -r -n 50 -e u v = %q", out)
	}
	a, _, _ := run(t, dir, "", "shuf", "--random-source=seed", "-i", "1-100")
	b, _, _ := run(t, dir, "", "shuf", "--random-source", "seed", "-i", "1-100")
	if a != b {
		t.Errorf("two runs with one --random-source differ")
	}
	if _, _, code := run(t, dir, "", "shuf", "-z", "-o", "out", "-e", "m", "n"); code != 0 {
		t.Errorf("shuf -z -o: %d", code)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out")); len(b) != 4 || b[1] != 0 || b[3] != 0 {
		t.Errorf("shuf -z -o wrote %q", b)
	}
	shuf := gnu(t, "shuf", "coreutils")
	for _, args := range [][]string{
		{"shuf", "-i", "x"}, {"shuf", "-e", "-i", "1-2"}, {"shuf", "f", "g"}, {"shuf", "-n", "x", "f"}, {"shuf", "-r", "empty"},
		{"shuf", "-i", "5-1"}, {"shuf", "-i", "3-2"}, {"shuf", "-n", "0", "f"}, {"shuf", "-r", "-n", "3", "-i", "1-1"}, {"shuf", "-e"},
		{"shuf", "-i", "1-3", "extra"}, {"shuf", "nofile"}, {"shuf", "empty"}, {"shuf", "-n", "1", "-e", "only"},
	} {
		cmd := exec.Command(shuf, args[1:]...)
		cmd.Args[0], cmd.Dir = "shuf", dir
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		wantCode := 0
		if err := cmd.Run(); err != nil {
			wantCode = err.(*exec.ExitError).ExitCode()
		}
		got, stderr, code := run(t, dir, "", args...)
		if got != o.String() || stderr != e.String() || code != wantCode {
			t.Errorf("%v = %d %q %q, GNU %d %q %q", args, code, got, stderr, wantCode, o.String(), e.String())
		}
	}
}
