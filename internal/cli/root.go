package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// ExitFailure is ddebug's own exit status when it fails before or around the session (as
// `docker run` uses 125), so it is told apart from the status of the command it ran.
const ExitFailure = 125

// Streams are the standard streams the commands use.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// exitError carries a status to exit with, without another message.
type exitError struct{ status int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

// Main runs the command line as the program called name and returns the exit status.
func Main(name string, args []string) int {
	streams := Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	root := NewRootCommand(name, streams)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.status
	}
	fmt.Fprintf(streams.ErrOut, "%s: %s\n", progName(name), Sanitize(err.Error()))
	return ExitFailure
}

func progName(name string) string {
	if name == "kubectl-ddebug" {
		return "kubectl ddebug"
	}
	return name
}

// Option adjusts the command tree NewRootCommand builds. Tests reach the options of a
// command through one (kube_options.go, withTargets), before the command runs; the program
// passes none.
type Option func(*settings)

// settings are what the Options set.
type settings struct {
	faceSettings
	// listTargets lists the containers `exec <TAB>` completes; nil: every runtime's.
	listTargets func(context.Context) target.Listing
}

// NewRootCommand builds the command tree. Called as kubectl-ddebug (kubectl ddebug) the
// root is the Kubernetes face; exec, version and tool are subcommands in every case.
func NewRootCommand(name string, streams Streams, opts ...Option) *cobra.Command {
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	root := &cobra.Command{
		Use:           progName(name),
		Short:         "Debug distroless and FROM-scratch containers: a shell and tools inside any running container",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.CompletionOptions.HiddenDefaultCmd = true
	addKubernetesFace(root, streams, &s)
	root.AddCommand(newExecCommand(streams), newPsCommand(streams), newVersionCommand(streams), newToolCommand(streams))
	addCompletion(root, streams, &s)
	handOffWhatLeanLacks(root)
	return root
}

// Sanitize makes a string that may hold text a container controls (names, environment,
// errors quoting them) safe to print on a terminal: control characters and escape
// sequences are shown escaped instead of being interpreted.
func Sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, "\\x%02x", r)
		case r == '\u2028' || r == '\u2029' || r == '\ufeff' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069'):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
