package cri

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/targettest"
)

func TestParseReferenceRuntimes(t *testing.T) {
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	r.Register(PodResolver{})
	targettest.CheckParse(t, r, []targettest.ReferenceCase{
		{In: "cri://4f3a", Want: target.Reference{Scheme: "cri", Name: "4f3a"}},
		{In: "cri://a/b", Err: "want cri://NAME or cri://ID"},
		{In: "k8s://default/web", Want: target.Reference{Scheme: "k8s", Name: "default/web"}},
		{In: "k8s://default/web/app", Want: target.Reference{Scheme: "k8s", Name: "default/web/app"}},
		{In: "k8s://web", Err: "want k8s://NAMESPACE/POD"},
		{In: "k8s://default//app", Err: "want k8s://NAMESPACE/POD"},
	})
}
