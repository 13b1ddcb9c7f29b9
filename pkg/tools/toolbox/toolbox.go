package toolbox

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/all" // every applet
)

// Names under which the binary is the toolbox itself rather than one applet.
var selfNames = map[string]bool{"ddebug-toolbox": true, "toolbox": true}

// The toolbox's own applets: help, and ddebug (hostcli.go).
var (
	help   = tools.Applet{Name: "help", Summary: "list the applets of the toolbox", Run: runHelp}
	ddebug = tools.Applet{Name: "ddebug", Summary: "ddebug's command line (ddebug exec, ddebug ps), in a node session", Run: runDdebug}
)

func init() { tools.Install([]*tools.Applet{&help, &ddebug}) }

// IsApplet reports whether name (argv[0]'s base name) is one of the toolbox's applets.
func IsApplet(name string) bool {
	_, ok := tools.Lookup(filepath.Base(name))
	return ok
}

// CommandLine is ddebug's own command line, in a binary that holds it besides the toolbox
// (cmd/kubectl-ddebug, the binary of the node image): it runs args as the program called
// name, "ddebug" or "kubectl-ddebug", and returns the exit status.
type CommandLine func(name string, args []string) int

// Main is the one argv[0] dispatcher of every binary that holds the toolbox; it runs the
// process and returns its exit status:
//   - the session and launcher stages pkg/nsenter starts (their own argv[0]);
//   - with a command line (cli not nil): kubectl-ddebug runs it as the plugin; ddebug, and
//     any name that is neither ddebug-toolbox nor an applet, run it as ddebug;
//   - argv[0] is an applet name: run that applet (busybox-style links);
//   - argv[0] is ddebug-toolbox: argv[1] names the applet, or none for an interactive shell.
//
// The ddebug applet runs the command line when the binary has one (hostcli.go).
func Main(args []string, cli CommandLine) int {
	if len(args) == 0 {
		args = []string{"ddebug-toolbox"}
	}
	if nsenter.IsSession(args) {
		return runSession()
	}
	if nsenter.IsLauncher(args) {
		return nsenter.Launch()
	}
	name := filepath.Base(args[0])
	if cli != nil {
		hasCommandLine = true
		switch {
		case name == "kubectl-ddebug":
			return cli(name, args[1:])
		case name == "ddebug" || (name != "ddebug-toolbox" && !IsApplet(name)):
			return cli("ddebug", args[1:])
		}
	}
	if selfNames[name] {
		args = args[1:]
		if len(args) == 0 {
			args = []string{"sh"}
		}
		if args[0] == "--help" || args[0] == "-h" {
			args = []string{"help"}
		}
	}
	ctx := context.Background()
	// The shell handles Ctrl-C itself (it cancels the running command, not the shell);
	// any other applet stops on SIGINT/SIGTERM through its context.
	if !isShell(args[0]) {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	return tools.Main(ctx, args)
}

func isShell(name string) bool {
	switch filepath.Base(name) {
	case "sh", "ash":
		return true
	}
	return false
}

func runHelp(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "help [APPLET]: list the applets, or show APPLET's flags")
	}
	if len(args) > 1 {
		if a, ok := tools.Lookup(args[1]); ok {
			return a.Run(context.Background(), env, []string{a.Name, "--help"})
		}
		env.Errorf("help", "no applet %q", args[1])
		return 1
	}
	fmt.Fprintln(env.Stdout, "ddebug toolbox: every command below runs in-process, without any file from the target.")
	fmt.Fprintln(env.Stdout, "Anything else is looked up on PATH in the target. '<applet> --help' shows an applet's flags.")
	fmt.Fprintln(env.Stdout)
	tw := tabwriter.NewWriter(env.Stdout, 0, 8, 2, ' ', 0)
	for _, a := range tools.Applets() {
		if a.Hidden {
			continue
		}
		name := a.Name
		if len(a.Aliases) > 0 {
			name += " (" + strings.Join(a.Aliases, ", ") + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, a.Summary)
	}
	tw.Flush()
	return 0
}
