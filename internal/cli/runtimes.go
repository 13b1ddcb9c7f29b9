package cli

import (
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/cri"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/docker"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/podman"
)

// hostRuntime is one line of runtimes: a resolver, and whether bare names are looked up in it.
type hostRuntime struct {
	resolver target.Resolver
	bare     bool
}

// runtimes are the runtimes `ddebug exec` and `ddebug ps` know, each owning the syntax of
// its references. A bare name is looked up in those marked bare, in this order: Docker's
// containers also show in containerd's moby namespace, CRI's in k8s.io, and the first
// runtime's view of a process wins. A new runtime is a package under pkg/target and a
// line here.
var runtimes = []hostRuntime{
	{docker.Resolver{}, true},
	{podman.Resolver{}, true},
	{cri.Resolver{}, true},
	{cri.PodResolver{}, false},
	{containerd.Resolver{}, true},
	{target.PIDResolver{}, false},
}

// defaultResolver is the registry of runtimes; a bare name with no runtime answering is
// Docker's to explain.
func defaultResolver() *target.Registry {
	r := target.NewRegistry(docker.Scheme)
	for _, rt := range runtimes {
		r.Register(rt.resolver)
		if rt.bare {
			r.BareSchemes = append(r.BareSchemes, rt.resolver.Scheme())
		}
	}
	return r
}
