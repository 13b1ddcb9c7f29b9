package gnuflag

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	type result struct {
		T, L, N  bool
		V        int
		Port     string
		Headers  []string
		Operands []string
		Err      string
	}
	tests := []struct {
		name string
		args []string
		stop bool
		want result
	}{
		{"combined", []string{"-tln"}, false, result{T: true, L: true, N: true, Port: "80"}},
		{"attached value", []string{"-tp8080", "x"}, false, result{T: true, Port: "8080", Operands: []string{"x"}}},
		{"separate value", []string{"-p", "1", "x", "-l"}, false, result{L: true, Port: "1", Operands: []string{"x"}}},
		{"long with =", []string{"--port=53", "--numeric"}, false, result{N: true, Port: "53"}},
		{"long prefix", []string{"--num", "--po", "9"}, false, result{N: true, Port: "9"}},
		{"count and list", []string{"-vv", "-H", "a", "--header=b"}, false, result{V: 2, Port: "80", Headers: []string{"a", "b"}}},
		{"double dash", []string{"-t", "--", "-l"}, false, result{T: true, Port: "80", Operands: []string{"-l"}}},
		{"stop at operand", []string{"-t", "cmd", "-l"}, true, result{T: true, Port: "80", Operands: []string{"cmd", "-l"}}},
		{"unknown", []string{"-z"}, false, result{Port: "80", Err: "invalid option -- 'z'"}},
		{"missing value", []string{"-p"}, false, result{Port: "80", Err: "option requires an argument -- 'p'"}},
		{"bool with value", []string{"--numeric=1"}, false, result{Port: "80", Err: "option '--numeric' doesn't allow an argument"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := New("x", "")
			fs.StopAtOperand = tt.stop
			tf, lf, nf := fs.Bool('t', "tcp"), fs.Bool('l', "listening"), fs.Bool('n', "numeric")
			v := fs.Count('v', "verbose")
			port := fs.String('p', "port", "80")
			hs := fs.List('H', "header")
			ops, err := fs.ParseArgs(tt.args)
			got := result{T: *tf, L: *lf, N: *nf, V: *v, Port: *port, Headers: *hs, Operands: ops}
			if err != nil {
				got.Err = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	fs := New("x", "")
	fs.Bool('a', "all")
	if _, err := fs.ParseArgs([]string{"-a", "--help"}); !errors.Is(err, ErrHelp) {
		t.Fatalf("Parse(--help) = %v, want ErrHelp", err)
	}
}
