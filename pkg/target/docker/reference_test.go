package docker

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

func TestParseReference(t *testing.T) {
	cases := []struct {
		in   string
		want target.Reference
		err  string
	}{
		{"docker://app", target.Reference{Scheme: "docker", Name: "app"}, ""},
		{"docker:///app", target.Reference{Scheme: "docker", Name: "app"}, ""},
		{"docker://", target.Reference{}, "want docker://NAME"},
	}
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	for _, c := range cases {
		got, err := r.Parse(c.in)
		if c.err != "" {
			if err == nil || !errors.Is(err, target.ErrBadReference) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseReference(%q) error %v, want ErrBadReference containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseReference(%q): %v", c.in, err)
			continue
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("ParseReference(%q) (-want +got):\n%s", c.in, d)
		}
		if got.String() != c.in && "docker:///app" != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
}
