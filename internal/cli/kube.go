package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// addKubernetesFace makes the root command debug pods: `kubectl ddebug pod/x [-- cmd]`.
func addKubernetesFace(root *cobra.Command, _ Streams) {
	root.Use += " [pod/]NAME [-c CONTAINER] [-- COMMAND [args...]]"
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return errors.New("debugging pods is not available in this build yet; on a container host use 'ddebug exec CONTAINER'")
	}
}
