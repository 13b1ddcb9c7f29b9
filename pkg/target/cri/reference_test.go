package cri

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
		{"cri://4f3a", target.Reference{Scheme: "cri", Name: "4f3a"}, ""},
		{"cri://a/b", target.Reference{}, "want cri://NAME or cri://ID"},
		{"k8s://default/web", target.Reference{Scheme: "k8s", Name: "default/web"}, ""},
		{"k8s://default/web/app", target.Reference{Scheme: "k8s", Name: "default/web/app"}, ""},
		{"k8s://web", target.Reference{}, "want k8s://NAMESPACE/POD"},
		{"k8s://default//app", target.Reference{}, "want k8s://NAMESPACE/POD"},
	}
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	r.Register(PodResolver{})
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
