//go:build !ddebug_lean

package cli

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

func newToolCommand(Streams) *cobra.Command {
	return &cobra.Command{
		Use:                "tool APPLET [args...]",
		Short:              "Run a toolbox applet here (ls, ps, ss, sh, ...; 'tool help' lists them)",
		DisableFlagParsing: true,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"help"}
			}
			if status := toolbox.Main(append([]string{"ddebug-toolbox"}, args...), Main); status != 0 {
				return exitError{status}
			}
			return nil
		},
	}
}
