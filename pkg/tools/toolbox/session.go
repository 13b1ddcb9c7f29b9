package toolbox

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
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
	// Hung up (the user's terminal went away, or ddebug was stopped): take everything the
	// session started along, then go. SIGTERM keeps its default action, so `kill $$` in the
	// session ends it with 143 like any process.
	ending := make(chan os.Signal, 1)
	signal.Notify(ending, syscall.SIGHUP)
	go func() {
		sig := <-ending
		nsenter.EndSession()
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	command := cfg.Command
	if len(command) == 0 {
		command = []string{"sh"}
	}
	ctx := context.Background()
	if isShell(command[0]) {
		// The session started on one P (nsenter's StartEnv); an applet is one sequential
		// program, but a shell runs pipelines of applets side by side.
		runtime.SetDefaultGOMAXPROCS()
	} else {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	return tools.RunCommand(ctx, tools.ProcessEnv(), command)
}
