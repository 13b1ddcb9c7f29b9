package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set through -ldflags -X by the Makefile and hack/release. A release that publishes its
// images (make release REGISTRY=...) pins both by digest, repo:tag@sha256:..., so a moved
// tag cannot change what runs in users' pods.
var (
	Version      = "dev"
	GitCommit    = ""
	DefaultImage = "ghcr.io/kubectl-ddebug/toolbox:dev"
	// DefaultNodeImage is the node image of node/NAME; empty: DefaultImage's tag with
	// NodeImageSuffix (defaultNodeImage).
	DefaultNodeImage = ""
)

// NodeImageSuffix turns the toolbox image's tag into the node image's: the same toolbox,
// plus ddebug's command line to enter the node's containers through its runtime.
const NodeImageSuffix = "-node"

// defaultNodeImage is DefaultNodeImage, or else the node image that goes with
// DefaultImage: its repository and tag plus NodeImageSuffix, without a digest (the
// toolbox's digest is not the node image's).
func defaultNodeImage() string {
	if DefaultNodeImage != "" {
		return DefaultNodeImage
	}
	ref, _, _ := strings.Cut(DefaultImage, "@")
	return ref + NodeImageSuffix
}

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
			fmt.Fprintf(streams.Out, "kubectl-ddebug %s\ncommit: %s\ngo: %s %s/%s\ntoolbox image: %s\nnode image: %s\n",
				Version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, DefaultImage, defaultNodeImage())
			return nil
		},
	}
}
