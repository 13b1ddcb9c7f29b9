package text

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// TestGrepSpeedAgainstGNU compares grep -r over a large tree with GNU grep. It needs a
// tree prepared beforehand (GREP_BENCH_DIR, e.g. 100 MB of text) and the real grep.
func TestGrepSpeedAgainstGNU(t *testing.T) {
	dir := os.Getenv("GREP_BENCH_DIR")
	if dir == "" {
		t.Skip("set GREP_BENCH_DIR to a large directory tree to compare grep -r with GNU grep")
	}
	gnuGrep := gnu(t, "grep", "grep")
	patterns := [][]string{
		{"-r", "ERROR: connection"},
		{"-rF", "reset by peer"},
		{"-rn", "ERROR"},
		{"-rc", "timeout"},
		{"-rE", "conn[a-z]+ reset"},
		{"-ri", "error: connection"},
		{"-r", "[0-9]x[0-9]"},
	}
	for _, p := range patterns {
		args := append(append([]string{}, p...), ".")
		best := func(f func()) time.Duration {
			var b time.Duration
			for i := 0; i < 3; i++ {
				s := time.Now()
				f()
				if d := time.Since(s); b == 0 || d < b {
					b = d
				}
			}
			return b
		}
		var gnuOut []byte
		gnuT := best(func() {
			cmd := exec.Command(gnuGrep, args...)
			cmd.Dir = dir
			cmd.Env = []string{"LC_ALL=C"}
			gnuOut, _ = cmd.Output()
		})
		var ours bytes.Buffer
		a, _ := tools.Lookup("grep")
		oursT := best(func() {
			ours.Reset()
			env := &tools.Env{Stdin: bytes.NewReader(nil), Stdout: &ours, Stderr: io.Discard, Dir: dir}
			a.Run(context.Background(), env, append([]string{"grep"}, args...))
		})
		ratio := float64(oursT) / float64(gnuT)
		t.Logf("grep %v: gnu %v, ours %v, ratio %.2f, %d bytes out", p, gnuT, oursT, ratio, ours.Len())
		if len(sortLines(string(gnuOut))) != len(sortLines(ours.String())) {
			t.Errorf("grep %v: output differs from GNU grep (%d vs %d bytes)", p, len(gnuOut), ours.Len())
		}
		if ratio > 2 {
			t.Errorf("grep %v is %.2fx slower than GNU grep", p, ratio)
		}
	}
}
