package toolbox

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// runSession is the session stage started by nsenter.Run inside the target's namespaces:
// the interactive shell, or one command (an applet in-process, else the target's program).
func runSession() int {
	cfg, err := nsenter.BeginSession()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ddebug: %v\n", err)
		return 126
	}
	defer nsenter.EndSession()
	command := cfg.Command
	if len(command) == 0 {
		command = []string{"sh"}
	}
	ctx := context.Background()
	if !isShell(command[0]) {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	return tools.RunCommand(ctx, tools.ProcessEnv(), command)
}
