package toolbox

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/all" // every applet
)

// isSelfName says whether name is one under which the binary is the toolbox itself rather
// than one applet. It answers to busybox too, so that scripts written for BusyBox
// (`busybox sed ...`, BusyBox's own testsuite) run unchanged where it is linked under that
// name.
func isSelfName(name string) bool {
	return name == "ddebug-toolbox" || name == "toolbox" || name == "busybox"
}

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
	if isSelfName(name) {
		args = args[1:]
		if len(args) == 0 && name == "busybox" {
			return listApplets(os.Stdout)
		}
		if len(args) == 0 {
			args = []string{"sh"}
		}
		if args[0] == "--help" || args[0] == "-h" {
			args = []string{"help"}
		}
	}
	// The shell handles its signals itself (Ctrl-C cancels the running command, not the
	// shell; traps); any other applet ends on them as a C program that does not catch them.
	if isShell(args[0]) {
		return tools.Main(context.Background(), args)
	}
	if a, ok := tools.Lookup(filepath.Base(args[0])); ok && a.HandlesSignals {
		ctx, stop := signal.NotifyContext(context.Background(), endingSignals...)
		defer stop()
		return tools.Main(ctx, args)
	}
	return runEndedBySignals(args)
}

// endingSignals end an applet, as their default action ends a C program.
var endingSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// signalGrace is how long an applet has, once its context is cancelled, to stop on its own
// (restore the terminal, remove a partial file) before the signal ends it where it is.
const signalGrace = 300 * time.Millisecond

// runEndedBySignals runs the applet of args and returns its status, unless SIGINT, SIGTERM
// or SIGHUP arrives: then the applet's context is cancelled and, once it has returned or
// signalGrace has passed (it may be blocked in a read of a FIFO, or busy), the process ends
// by that signal, so that its parent sees 128+N as from any other program. A signal the
// process was started with ignored (nohup, a background job) stays ignored.
func runEndedBySignals(args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 1)
	for _, sig := range endingSignals {
		if !signal.Ignored(sig) {
			signal.Notify(sigc, sig)
		}
	}
	done := make(chan int, 1)
	go func() { done <- tools.Main(ctx, args) }()
	select {
	case status := <-done:
		return status
	case sig := <-sigc:
		cancel()
		select {
		case <-done:
		case <-time.After(signalGrace):
		}
		n := sig.(syscall.Signal)
		signal.Reset(n)
		_ = syscall.Kill(os.Getpid(), n)
		time.Sleep(time.Second) // the signal is on its way; should it be blocked, 128+N
		return 128 + int(n)
	}
}

// listApplets prints what `busybox` alone prints: a usage line, then every applet after
// "Currently defined functions:", comma-separated (the list BusyBox's testsuite reads).
func listApplets(w io.Writer) int {
	fmt.Fprintln(w, "Usage: busybox [function [arguments]...]")
	fmt.Fprintln(w, "Currently defined functions:")
	var names []string
	for _, a := range tools.Applets() {
		if !a.Hidden {
			names = append(names, a.Name)
			names = append(names, a.Aliases...)
		}
	}
	sort.Strings(names)
	fmt.Fprintf(w, "\t%s\n", strings.Join(names, ", "))
	return 0
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
