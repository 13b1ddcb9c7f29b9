package docker

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/targettest"
)

func TestParseReference(t *testing.T) {
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	targettest.CheckParse(t, r, []targettest.ReferenceCase{
		{In: "docker://app", Want: target.Reference{Scheme: "docker", Name: "app"}, String: "docker://app"},
		{In: "docker:///app", Want: target.Reference{Scheme: "docker", Name: "app"}, String: "docker://app"},
		{In: "docker://", Err: "want docker://NAME"},
	})
}
