package gnuflag

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func TestParseStatus(t *testing.T) {
	type result struct {
		L, A, H bool
		N       string
		E       []string
		Ops     []string
		Status  int
	}
	cases := []struct {
		args []string
		stop bool
		want result
	}{
		{[]string{"-lah", "dir"}, false, result{L: true, A: true, H: true, N: "10", Ops: []string{"dir"}, Status: -1}},
		{[]string{"dir", "-l"}, false, result{L: true, N: "10", Ops: []string{"dir"}, Status: -1}},
		{[]string{"dir", "-l"}, true, result{N: "10", Ops: []string{"dir", "-l"}, Status: -1}},
		{[]string{"-n5", "-n", "6", "--lines=7"}, false, result{N: "7", Status: -1}},
		{[]string{"--lines", "8", "--", "-a"}, false, result{N: "8", Ops: []string{"-a"}, Status: -1}},
		{[]string{"-ln", "3", "-"}, false, result{L: true, N: "3", Ops: []string{"-"}, Status: -1}},
		{[]string{"-e", "x", "-ey", "--regexp=z"}, false, result{N: "10", E: []string{"x", "y", "z"}, Status: -1}},
		{[]string{"--all"}, false, result{A: true, N: "10", Status: -1}},
		{[]string{"--al"}, false, result{A: true, N: "10", Status: -1}}, // unambiguous prefix
		{[]string{"-z"}, false, result{N: "10", Status: 2}},
		{[]string{"-n"}, false, result{N: "10", Status: 2}},
		{[]string{"--nope"}, false, result{N: "10", Status: 2}},
		{[]string{"--help"}, false, result{N: "10", Status: 0}},
	}
	for _, c := range cases {
		s := New("t", "t [-lah]")
		s.StopAtOperand = c.stop
		var r result
		l, a, h := s.Bool('l', ""), s.Bool('a', "all"), s.Bool('h', "human")
		n := s.String('n', "lines", "10")
		e := s.List('e', "regexp")
		var out, errOut bytes.Buffer
		env := &tools.Env{Stdout: &out, Stderr: &errOut}
		r.Ops, r.Status = s.Parse(env, c.args)
		if r.Status >= 0 {
			r.Ops = nil
		}
		r.L, r.A, r.H, r.N, r.E = *l, *a, *h, *n, *e
		if d := cmp.Diff(c.want, r); d != "" {
			t.Errorf("%v (-want +got):\n%s\nstderr: %s", c.args, d, errOut.String())
		}
		if r.Status == 2 && !bytes.Contains(errOut.Bytes(), []byte("Try 't --help'")) {
			t.Errorf("%v: usage error without hint: %q", c.args, errOut.String())
		}
	}
}
