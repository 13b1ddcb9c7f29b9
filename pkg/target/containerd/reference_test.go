package containerd

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/targettest"
)

func TestParseReferenceRuntimes(t *testing.T) {
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	targettest.CheckParse(t, r, []targettest.ReferenceCase{
		{In: "containerd://app", Want: target.Reference{Scheme: "containerd", Name: "app"}},
		{In: "containerd://k8s.io/4f3a", Want: target.Reference{Scheme: "containerd", Name: "k8s.io/4f3a"}},
		{In: "containerd://a/b/c", Err: "want containerd://ID or containerd://NAMESPACE/ID"},
		{In: "containerd:///x", Err: "want containerd://ID"},
	})
}
