//go:build ddebug_lean

package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd/direct"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/docker"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/hostsockets"
)

// The lean build (tag ddebug_lean: the ddebug that make install puts in place) resolves
// docker://, pid:// and containerd:// itself and hands every other command line to the
// whole product: the containerd and CRI clients (gRPC, protobuf) and the applets of
// `ddebug tool` cost more to initialise than `ddebug exec` takes to enter a container, so
// the lean binary links none of them. It asks containerd through package direct (gRPC
// spoken by hand), which answers a container's ID or nerdctl name; an ID prefix, a name of
// several containers or one it does not find (direct.ErrNotDirect) is handed off too,
// to the whole product's containerd resolver, which matches and words its errors. A bare name is looked up in every runtime: the lean build asks Docker
// itself when Docker's is the only runtime socket on the host (hostsockets.OnlyDocker),
// and hands the name off when another runtime could hold it, or when Docker does not
// have it running (the whole product words that error as it does for every runtime).
var runtimes = []hostRuntime{
	{docker.Resolver{}, false},
	{direct.Resolver{}, false},
	{target.PIDResolver{}, false},
}

// fullProgram is the whole product, installed beside the lean ddebug.
const fullProgram = "kubectl-ddebug"

// handOffWhatLeanLacks makes root run the whole product for any command but `exec` of a
// reference the lean build resolves, `version` and help.
func handOffWhatLeanLacks(root *cobra.Command) {
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		switch {
		case cmd == root || cmd.Name() == "version" || cmd.Name() == "help":
			return nil
		case cmd.Name() == "exec" && len(args) > 0 && leanResolves(args[0]):
			return nil
		}
		return handOff()
	}
}

// leanResolves says whether ref names its runtime and the lean build has that runtime, or
// is a bare name that only Docker can hold here.
func leanResolves(ref string) bool {
	r, err := defaultResolver().Parse(ref)
	return err == nil && (r.Scheme != "" || hostsockets.OnlyDocker())
}

// resolveFailed hands a bare name that Docker did not resolve, or a containerd reference
// that package direct does not answer, to the whole product, whose lookup says what is
// wrong in its own words; it returns err otherwise.
func resolveFailed(ref string, err error) error {
	if r, perr := defaultResolver().Parse(ref); (perr == nil && r.Scheme == "") || errors.Is(err, direct.ErrNotDirect) {
		return handOff()
	}
	return err
}

// newToolCommand, in the lean build, hands `ddebug tool` to the whole product, which holds
// the applets.
func newToolCommand(Streams) *cobra.Command {
	return &cobra.Command{
		Use:                "tool APPLET [args...]",
		Short:              "Run a toolbox applet here (ls, ps, ss, sh, ...; 'tool help' lists them)",
		DisableFlagParsing: true,
		RunE:               func(*cobra.Command, []string) error { return handOff() },
	}
}

// handOff replaces this process with the whole product, called as ddebug with the same
// arguments. It returns only on failure.
func handOff() error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding own executable: %w", err)
	}
	full := filepath.Join(filepath.Dir(self), fullProgram)
	if st, err := os.Stat(full); err != nil || !st.Mode().IsRegular() {
		return errors.New("this lean ddebug resolves docker://, pid:// and containerd://[NAMESPACE/]ID|NAME references itself and leaves everything else (bare names, containerd ID prefixes, cri://, k8s://, podman://, ps, tool, completion) to " + fullProgram + ", which is not beside it (" + full + "): install both ('make install')")
	}
	err = syscall.Exec(full, append([]string{"ddebug"}, os.Args[1:]...), os.Environ())
	return fmt.Errorf("running %s: %w", full, err)
}
