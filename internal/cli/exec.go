package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/sessionbin"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// resolveTimeout bounds the talk with the container runtime.
const resolveTimeout = 30 * time.Second

// ExecOptions are the options of `ddebug exec`.
type ExecOptions struct {
	Target     string
	Command    []string
	Privileged bool
	AsTarget   bool
	User       string
	TTY        bool
	NoTTY      bool
	Quiet      bool
	Verbose    bool

	identity nsenter.Identity
	streams  Streams
	// Resolve turns Target into a process; tests replace it.
	Resolve func(ctx context.Context, ref string) (target.Target, error)
}

func newExecCommand(streams Streams) *cobra.Command {
	o := &ExecOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "exec TARGET [-- COMMAND [args...]]",
		Short: "Enter a running container's namespaces on this host: a shell, or one command",
		Long: `Enter the namespaces of a running container (mount, pid, net, ipc, uts, cgroup) directly,
nsenter-style: no new container, no image, nothing written into it. Without a command you get the
toolbox shell; a command runs in-process when it is a toolbox applet, else from the container's files.

TARGET is a container NAME or ID prefix, looked up in every runtime that answers (Docker,
Podman, the CRI, containerd), or names its runtime: docker://NAME|ID, podman://[uid=UID/]NAME|ID,
containerd://[NAMESPACE/]ID, cri://ID-PREFIX, k8s://NAMESPACE/POD[/CONTAINER], or pid://PID
(any host process). 'ddebug ps' lists the running containers and their references.
The session is root with the container's own capabilities (what 'docker exec' gives) unless
--as-target, --user or --privileged say otherwise. Needs root on the host.

Exit status: the command's own; 128+N if it died of signal N; 125 when ddebug itself failed.`,
		Example: `  sudo ddebug exec app                      # toolbox shell inside container "app"
  sudo ddebug exec app -- ls -la /etc       # one command; its exit status is ddebug's
  sudo ddebug exec docker://4f3a -- cat /proc/1/environ
  sudo ddebug exec pid://12345 -- ps        # any process on the host, no runtime needed
  sudo ddebug exec --as-target app -- id    # the target's own uid, groups and capabilities`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Privileged, "privileged", false, "keep every capability of the caller (more than the container has: see README, Security model)")
	f.BoolVar(&o.AsTarget, "as-target", false, "run as the target process: its uid, gid, groups, capabilities and no_new_privs")
	f.StringVarP(&o.User, "user", "u", "", "run as UID[:GID] (numeric), without capabilities unless UID is 0")
	f.BoolVarP(&o.TTY, "tty", "t", false, "allocate a terminal even when stdin or stdout is not one")
	f.BoolVarP(&o.NoTTY, "no-tty", "T", false, "never allocate a terminal")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "no banner")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "say where the session's programs come from and how they were sealed, what the setup took from the target and what it refused to read there")
	f.SetInterspersed(false)
	return cmd
}

// Complete fills the options from the arguments.
func (o *ExecOptions) Complete(cmd *cobra.Command, args []string) error {
	// Flags stop at TARGET (SetInterspersed(false)), so everything after it is the command,
	// with or without a "--" in between.
	o.Target = args[0]
	o.Command = args[1:]
	if len(o.Command) > 0 && o.Command[0] == "--" {
		o.Command = o.Command[1:]
	}
	if strings.HasPrefix(o.Target, "-") && o.Target != "-" {
		return fmt.Errorf("unknown flag %q before TARGET", o.Target)
	}
	if o.Resolve == nil {
		o.Resolve = defaultResolver().Resolve
	}
	return nil
}

// Validate checks the options without touching the system.
func (o *ExecOptions) Validate() error {
	n := 0
	for _, set := range []bool{o.Privileged, o.AsTarget, o.User != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("--privileged, --as-target and --user exclude each other: pick one")
	}
	if o.TTY && o.NoTTY {
		return errors.New("--tty and --no-tty exclude each other")
	}
	if _, err := defaultResolver().Parse(o.Target); err != nil {
		return err
	}
	switch {
	case o.Privileged:
		o.identity = nsenter.Identity{Mode: nsenter.IdentityPrivileged}
	case o.AsTarget:
		o.identity = nsenter.Identity{Mode: nsenter.IdentityTarget}
	case o.User != "":
		id, err := parseUser(o.User)
		if err != nil {
			return err
		}
		o.identity = id
	}
	return nil
}

func parseUser(s string) (nsenter.Identity, error) {
	u, g, hasGID := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(u, 10, 32)
	if err != nil {
		return nsenter.Identity{}, fmt.Errorf("--user %q: want a numeric UID[:GID]", s)
	}
	id := nsenter.Identity{Mode: nsenter.IdentityUser, UID: uint32(uid)}
	if hasGID {
		gid, err := strconv.ParseUint(g, 10, 32)
		if err != nil {
			return nsenter.Identity{}, fmt.Errorf("--user %q: want a numeric UID[:GID]", s)
		}
		id.GID, id.HasGID = uint32(gid), true
	}
	if uid == 0 && !hasGID {
		id = nsenter.Identity{Mode: nsenter.IdentityRoot}
	}
	return id, nil
}

// hostModeSupported says, before any runtime is asked, that the host face needs Linux: a
// runtime may well answer elsewhere (Docker Desktop), with PIDs of a VM this host cannot enter.
func hostModeSupported(cmd string) error {
	if goruntime.GOOS == "linux" {
		return nil
	}
	return fmt.Errorf("ddebug %s: %w (this is %s): it runs on the container's Linux host; from here, use 'kubectl ddebug pod/NAME' against a cluster", cmd, nsenter.ErrUnsupported, goruntime.GOOS)
}

// Run resolves the target and runs the session; a non-zero status of the command comes
// back as an exitError.
func (o *ExecOptions) Run(ctx context.Context) error {
	if err := hostModeSupported("exec"); err != nil {
		return err
	}
	exe, from, err := sessionbin.Find()
	if err != nil {
		return err
	}
	// The toolbox and the launcher are sealed while the runtime answers.
	pre := nsenter.Preload(exe, sessionbin.Launcher(), nsenter.WithStore(sessionbin.Store()))
	defer pre.Close()
	rctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	t, err := o.Resolve(rctx, o.Target)
	cancel()
	if err != nil {
		pre.Close() // never leave the store half written behind a hand-off
		return resolveFailed(o.Target, err)
	}
	if o.Verbose {
		fmt.Fprintf(o.streams.ErrOut, "ddebug: session program: %s, %s\n", from, pre.How())
	}
	tty := o.useTTY()
	started := func() {
		if len(o.Command) == 0 && !o.Quiet {
			fmt.Fprintln(o.streams.ErrOut, Sanitize(o.banner(t)))
		}
	}
	var terminal *os.File
	if f, ok := o.streams.In.(*os.File); ok && tty && term.IsTerminal(int(f.Fd())) {
		terminal = f
	}
	status, err := nsenter.Run(ctx, nsenter.Options{
		PauseBeforeExec: pauseBeforeExec(),
		PID:             t.PID,
		StartTime:       t.StartTime,
		Name:            t.Name,
		Command:         o.Command,
		TTY:             tty,
		Terminal:        terminal,
		TermEnv:         os.Getenv("TERM"),
		Identity:        o.identity,
		Preloaded:       pre,
		Started:         started,
		Note:            o.note,
		Notice:          func(m string) { fmt.Fprintln(o.streams.ErrOut, "ddebug: "+m) },
		Stdin:           o.streams.In,
		Stdout:          o.streams.Out,
		Stderr:          o.streams.ErrOut,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", t.Ref(), err)
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// note prints a line of the session's setup with -v (to stderr, as ddebug: ...).
func (o *ExecOptions) note(msg string) {
	if o.Verbose {
		fmt.Fprintln(o.streams.ErrOut, "ddebug: "+Sanitize(msg))
	}
}

// useTTY: a terminal session when asked, or when both ends are terminals.
func (o *ExecOptions) useTTY() bool {
	switch {
	case o.NoTTY:
		return false
	case o.TTY:
		return true
	}
	return isTerminal(o.streams.In) && isTerminal(o.streams.Out)
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (o *ExecOptions) banner(t target.Target) string {
	who := "root with the container's capabilities"
	switch o.identity.Mode {
	case nsenter.IdentityPrivileged:
		who = "root with ALL capabilities (--privileged)"
	case nsenter.IdentityTarget:
		who = "the target's own user and capabilities"
	case nsenter.IdentityUser:
		who = "uid " + strconv.FormatUint(uint64(o.identity.UID), 10) + " without capabilities"
	}
	what := t.Ref()
	if t.Image != "" {
		what += " (image " + strconv.Quote(t.Image) + ")"
	}
	return fmt.Sprintf("ddebug: in %s, pid %d, as %s; its files are at /. 'help' lists the tools, Ctrl-D leaves.", what, t.PID, who)
}

// pauseBeforeExec is how long the session's child waits between its fork and its exec:
// never, but in the binary the hardening tests build for themselves (tag ddebug_testhooks,
// testhooks.go), whose attacker meets the child in that instant for sure.
var pauseBeforeExec = func() time.Duration { return 0 }
