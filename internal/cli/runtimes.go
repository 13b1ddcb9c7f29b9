package cli

import (
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/docker"
)

// hostRuntime is one line of runtimes (runtimes_full.go, and runtimes_lean.go in the lean
// build): a resolver, and whether bare names are looked up in it.
type hostRuntime struct {
	resolver target.Resolver
	bare     bool
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
