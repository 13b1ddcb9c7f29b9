//go:build !ddebug_lean

package cli

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/cri"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/docker"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/podman"
)

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

// handOffWhatLeanLacks is the lean build's (runtimes_lean.go); this build has it all.
func handOffWhatLeanLacks(*cobra.Command) {}

// resolveFailed is the lean build's (runtimes_lean.go): here the error stands.
func resolveFailed(_ string, err error) error { return err }
