package containerd

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

func TestParseReferenceRuntimes(t *testing.T) {
	cases := []struct {
		in   string
		want target.Reference
		err  string
	}{
		{"containerd://app", target.Reference{Scheme: "containerd", Name: "app"}, ""},
		{"containerd://k8s.io/4f3a", target.Reference{Scheme: "containerd", Name: "k8s.io/4f3a"}, ""},
		{"containerd://a/b/c", target.Reference{}, "want containerd://ID or containerd://NAMESPACE/ID"},
		{"containerd:///x", target.Reference{}, "want containerd://ID"},
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
	}
}
