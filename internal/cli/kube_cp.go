//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// CpOptions are the options of `kubectl ddebug cp SRC DST`.
type CpOptions struct {
	// Kube holds the debug container's flags and the seams (NewDebugger, ResolvePod).
	Kube       *KubeOptions
	AllowWrite bool

	// Remote is the target side; Local the path on this machine; ToTarget the direction.
	Remote   RemotePath
	Local    string
	ToTarget bool
	// Progress forces (true) or hides (false) the progress line; nil: when stderr is a terminal.
	Progress *bool
}

// RemotePath is [pod/]NAME[:CONTAINER]:PATH.
type RemotePath struct {
	Ref, Container, Path string
}

var containerNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`) })

// ParseCopyArg tells a side of a copy apart: local when it starts with '.' or '/' or has
// no ':'; else [pod/]NAME[:CONTAINER]:PATH (also deploy/NAME:..., one running pod of it).
func ParseCopyArg(s string) (RemotePath, bool, error) {
	if s == "" {
		return RemotePath{}, false, errors.New("empty path")
	}
	ref, rest, ok := strings.Cut(s, ":")
	if !ok || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") {
		return RemotePath{}, false, nil
	}
	if ref == "" {
		return RemotePath{}, false, fmt.Errorf("%q: want [pod/]NAME[:CONTAINER]:PATH", s)
	}
	r := RemotePath{Ref: ref, Path: rest}
	if c, p, ok := strings.Cut(rest, ":"); ok && containerNameRE().MatchString(c) {
		r.Container, r.Path = c, p
	}
	if r.Path == "" {
		return RemotePath{}, false, fmt.Errorf("%q names no path in the container: want %s:/PATH", s, strings.TrimSuffix(s, ":"))
	}
	return r, true, nil
}

func newCpCommand(streams Streams, s *settings) *cobra.Command {
	k := &KubeOptions{ConfigFlags: genericclioptions.NewConfigFlags(true), streams: streams}
	o := &CpOptions{Kube: k}
	if s.cp != nil {
		s.cp(o)
	}
	cmd := &cobra.Command{
		Use:   "cp [pod/]NAME[:CONTAINER]:PATH LOCAL | cp LOCAL [pod/]NAME[:CONTAINER]:PATH",
		Short: "Copy files out of or into a container that has no tar, through a ddebug container",
		Long: `Copy a file, directory or symlink out of a container, or into it, as 'cp -R' would: into the
destination when it is a directory, else to that name. The container needs no tar: the toolbox's tar
runs in a ddebug container (reused, or added as 'kubectl ddebug' adds it) and reads the target's
files through /proc/<pid>/root. Modes, directories and symlinks are kept; symlinks stay links and
are never followed; owners are not copied out (files copied in belong to the owner of the directory
they land in). Extraction on either side refuses any entry that would leave the destination.

PATH is a path in the target container (relative paths start at its root). Writing into a running
container is refused unless --allow-write is given, and refused with a clear error when the
destination is on a read-only file system.`,
		Example: `  kubectl ddebug cp pod/web:/etc/app ./app-config      # a directory out of the default container
  kubectl ddebug cp web:side:/var/log/app.log .          # from container side
  kubectl ddebug cp ./fix.conf pod/web:/tmp/ --allow-write`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			err := o.Validate()
			if err == nil {
				err = o.Run(cmd.Context())
			}
			if err != nil {
				printKubeError(k.streams.ErrOut, err)
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	f := cmd.Flags()
	k.ConfigFlags.AddFlags(f)
	addDebugContainerFlags(cmd, k)
	f.BoolVar(&o.AllowWrite, "allow-write", false, "allow copying into the target container")
	return cmd
}

// addDebugContainerFlags adds the flags that shape the debug container (as the root
// command has them) to cmd.
func addDebugContainerFlags(cmd *cobra.Command, k *KubeOptions) {
	f := cmd.Flags()
	f.StringVarP(&k.Container, "container", "c", "", "target container (default: the default-container annotation, then the first container)")
	f.StringVar(&k.Image, "image", DefaultImage, "toolbox image of the debug container")
	f.StringVar(&k.PullPolicy, "image-pull-policy", "IfNotPresent", "Always, IfNotPresent or Never")
	f.StringVar(&k.Profile, "profile", "auto", "security profile: auto, general, baseline, restricted, sysadmin, netadmin")
	f.DurationVar(&k.Timeout, "timeout", 60*time.Second, "give up waiting for the pod or the debug container after this long")
	f.DurationVar(&k.Idle, "idle", agent.DefaultIdle, "the debug container exits after this long without a session")
	f.BoolVarP(&k.Quiet, "quiet", "q", false, "no progress lines")
	f.BoolVar(&k.NoReuse, "new", false, "always add a new debug container instead of reusing a running one")
}

// Complete tells the sides apart and reads the namespace.
func (o *CpOptions) Complete(args []string) error {
	src, srcRemote, err := ParseCopyArg(args[0])
	if err != nil {
		return err
	}
	dst, dstRemote, err := ParseCopyArg(args[1])
	if err != nil {
		return err
	}
	switch {
	case srcRemote && dstRemote:
		return errors.New("cp copies between this machine and a container: one side must be a local path (start it with ./ if it holds a ':')")
	case !srcRemote && !dstRemote:
		return errors.New("cp needs a container side, [pod/]NAME[:CONTAINER]:PATH")
	case srcRemote:
		o.Remote, o.Local = src, args[1]
	default:
		o.Remote, o.Local, o.ToTarget = dst, args[0], true
	}
	k := o.Kube
	if o.Remote.Container != "" {
		if k.Container != "" && k.Container != o.Remote.Container {
			return fmt.Errorf("container %q in the path and -c %q differ", o.Remote.Container, k.Container)
		}
		k.Container = o.Remote.Container
	}
	k.Ref = o.Remote.Ref
	ns, _, err := k.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return fmt.Errorf("reading kubeconfig: %w", err)
	}
	k.namespace = ns
	if k.NewDebugger == nil {
		k.NewDebugger = k.newDebugger
	}
	if k.ResolvePod == nil {
		k.ResolvePod = k.resolvePod
	}
	return nil
}

// Validate checks the flags; a copy into the target without --allow-write is refused
// here, before any debug container is added.
func (o *CpOptions) Validate() error {
	if err := o.Kube.Validate(); err != nil {
		return err
	}
	if o.ToTarget && !o.AllowWrite {
		return &ephemeral.Error{Kind: ephemeral.ErrWriteRefused,
			Msg:    fmt.Sprintf("copying into %s changes a running container: refused", o.Remote.Ref),
			Advice: "add --allow-write if that is what you want"}
	}
	return nil
}

// Run prepares (or reuses) the debug container and copies.
func (o *CpOptions) Run(ctx context.Context) error {
	k := o.Kube
	d, t, req, err := k.prepare(ctx)
	if err != nil {
		return err
	}
	err = o.copy(ctx, d, t)
	if t.Reused && errors.Is(err, ephemeral.ErrContainerExited) {
		req.NoReuse = true
		if t, err = d.Prepare(ctx, req); err != nil {
			return err
		}
		err = o.copy(ctx, d, t)
	}
	return err
}

func (o *CpOptions) copy(ctx context.Context, d *ephemeral.Debugger, t *ephemeral.Target) error {
	show := isTerminal(o.Kube.streams.ErrOut) && !o.Kube.Quiet
	if o.Progress != nil {
		show = *o.Progress
	}
	p := &progressLine{w: o.Kube.streams.ErrOut, start: time.Now()}
	co := ephemeral.CopyOptions{AllowWrite: o.AllowWrite}
	if show {
		co.Progress = p.update
	}
	var err error
	if o.ToTarget {
		err = d.CopyTo(ctx, t, o.Local, o.Remote.Path, co)
	} else {
		err = d.CopyFrom(ctx, t, o.Remote.Path, o.Local, co)
	}
	p.finish()
	return err
}

// prepare resolves the pod and finds or adds the debug container, printing progress as
// the root command does.
func (k *KubeOptions) prepare(ctx context.Context) (*ephemeral.Debugger, *ephemeral.Target, ephemeral.Request, error) {
	var req ephemeral.Request
	d, err := k.debugger()
	if err != nil {
		return nil, nil, req, err
	}
	start := time.Now()
	pod, err := k.ResolvePod(ctx)
	if err != nil {
		return nil, nil, req, k.resolveError(ctx, d, err)
	}
	req = ephemeral.Request{
		Pod: pod, Container: k.Container, Image: k.Image, PullPolicy: corev1.PullPolicy(k.PullPolicy),
		Profile: k.profile, Idle: k.Idle, For: k.forWhom(), Version: Version, NoReuse: k.NoReuse,
	}
	t, err := d.Prepare(ctx, req)
	if err != nil {
		return nil, nil, req, err
	}
	if !k.Quiet && !t.Reused {
		fmt.Fprintf(k.streams.ErrOut, "ddebug: %s ready in %.1fs (profile %s)\n", t.Debug, time.Since(start).Seconds(), t.Profile)
	}
	return d, t, req, nil
}

// resolveError explains a failure to resolve k.Ref as Run does.
func (k *KubeOptions) resolveError(ctx context.Context, d *ephemeral.Debugger, err error) error {
	if name, ok := podName(k.Ref); ok && isNotFound(err) {
		return ephemeral.PodNotFound(ctx, d.Client, k.namespace, name)
	} else if isNotFound(err) {
		return &ephemeral.Error{Kind: ephemeral.ErrPodNotFound, Msg: fmt.Sprintf("%s not found in namespace %s", k.Ref, k.namespace), Err: err}
	}
	return ephemeral.TranslateAPIError(err, ephemeral.OpGetPod, k.namespace, k.Ref)
}

// progressLine prints "copied 12.3 MiB of 40.0 MiB (5.1 MiB/s)" on one terminal line, at
// most five times a second, once the copy has taken half a second.
type progressLine struct {
	w     interface{ Write([]byte) (int, error) }
	start time.Time
	mu    sync.Mutex
	last  time.Time
	shown bool
	done  int64
	total int64
}

func (p *progressLine) update(done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	now := time.Now()
	if now.Sub(p.start) < 500*time.Millisecond || now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.shown = now, true
	fmt.Fprintf(p.w, "\r\x1b[K%s", p.text(now))
}

func (p *progressLine) text(now time.Time) string {
	s := "copied " + mib(p.done)
	if p.total >= 0 {
		s += " of " + mib(p.total)
	}
	if secs := now.Sub(p.start).Seconds(); secs > 0 {
		s += fmt.Sprintf(" (%s/s)", mib(int64(float64(p.done)/secs)))
	}
	return s
}

func (p *progressLine) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", p.text(time.Now()))
	}
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }
