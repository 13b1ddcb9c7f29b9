package grep

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// TestGrepSpeedAgainstGNU compares grep -r over a large tree with GNU grep. It needs a
// tree prepared beforehand (GREP_BENCH_DIR, e.g. 100 MB of text such as bench/toolbox.sh
// writes) and the real grep, so it is skipped unless GREP_BENCH_DIR is set.
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
		{"-riw", "connection"},
		{"-r", "[0-9]x[0-9]"},
		{"-rE", "(fox|dog) [a-z]+ peer"},
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

// logText returns n bytes or so of log-like lines, like those bench/toolbox.sh greps.
func logText(n int) []byte {
	words := strings.Fields("the quick brown fox jumps over lazy dog connection reset by peer timeout request served user session")
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, "2026-11-23T10:%02d:00Z level=info", r.IntN(60))
		for range 10 {
			b.WriteByte(' ')
			b.WriteString(words[r.IntN(len(words))])
		}
		if r.IntN(1000) == 0 {
			b.WriteString(" ERROR: connection refused")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkGrep measures grep on 8 MB of log lines per pattern, in MB/s.
func BenchmarkGrep(b *testing.B) {
	data := logText(8 << 20)
	a, _ := tools.Lookup("grep")
	for _, args := range [][]string{
		{"ERROR: connection"},
		{"-i", "error: connection"},
		{"[0-9]x[0-9]"},
		{"-E", "conn[a-z]+ reset"},
		{"-E", "(fox|dog) [a-z]+ peer"},
		{"-E", "[A-Z][a-z]+[0-9]"},
		{"-iw", "connection"},
		{"-c", "timeout"},
		{"-vc", "fox"},
	} {
		b.Run(strings.Join(args, " "), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				env := &tools.Env{Stdin: bytes.NewReader(data), Stdout: io.Discard, Stderr: io.Discard}
				a.Run(context.Background(), env, append([]string{"grep"}, args...))
			}
		})
	}
}
