//go:build !ddebug_host

package cli

import "github.com/spf13/cobra"

// addBeyondDebug adds what kubectl debug has no answer for to the Kubernetes face: the
// list and cp subcommands, --all-pods and --copy-to. It is called once the root's RunE is
// set (the fan-out and the copy wrap it).
func addBeyondDebug(root *cobra.Command, o *KubeOptions, streams Streams, s *settings) {
	root.AddCommand(newListCommand(streams, s), newCpCommand(streams, s))
	addFanOut(root, o, s)
	addCopyTo(root, o)
}
