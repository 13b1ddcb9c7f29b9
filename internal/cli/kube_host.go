//go:build ddebug_host

package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// faceSettings has nothing to set in the host build: no Kubernetes face.
type faceSettings struct{}

// addKubernetesFace, in the host build (tag ddebug_host: the `ddebug` binary, which leaves
// the Kubernetes client out so that `ddebug exec` starts in a few milliseconds), points to
// the plugin.
func addKubernetesFace(root *cobra.Command, _ Streams, _ *settings) {
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return errors.New("this is the host build of ddebug, without Kubernetes: debug pods with 'kubectl ddebug' (the kubectl-ddebug binary), or enter a container on this host with 'ddebug exec CONTAINER'")
	}
}
