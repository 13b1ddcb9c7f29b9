package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set through -ldflags -X by the Makefile.
var (
	Version      = "dev"
	GitCommit    = ""
	DefaultImage = "ghcr.io/kubectl-ddebug/toolbox:dev"
)

func newVersionCommand(streams Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, git commit, Go version and default toolbox image",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			commit := GitCommit
			if commit == "" {
				if bi, ok := debug.ReadBuildInfo(); ok {
					for _, s := range bi.Settings {
						if s.Key == "vcs.revision" {
							commit = s.Value
						}
					}
				}
			}
			fmt.Fprintf(streams.Out, "kubectl-ddebug %s\ncommit: %s\ngo: %s %s/%s\ntoolbox image: %s\n",
				Version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, DefaultImage)
			return nil
		},
	}
}
