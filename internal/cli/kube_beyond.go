//go:build !ddebug_host

package cli

import "github.com/spf13/cobra"

// addBeyondDebug adds what kubectl debug has no answer for to the Kubernetes face: the
// list and cp subcommands.
func addBeyondDebug(root *cobra.Command, _ *KubeOptions, streams Streams) {
	root.AddCommand(newListCommand(streams), newCpCommand(streams))
}
