//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"
	kterm "k8s.io/kubectl/pkg/util/term"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// KubeOptions are the options of `kubectl ddebug [pod/]NAME [-- COMMAND]`.
type KubeOptions struct {
	ConfigFlags *genericclioptions.ConfigFlags

	Ref        string
	Command    []string
	Container  string
	Image      string
	PullPolicy string
	Profile    string
	Timeout    time.Duration
	Idle       time.Duration
	NodeImage  string
	Quiet      bool
	Stdin      bool
	TTY        bool
	NoReuse    bool

	profile   ephemeral.Profile
	namespace string
	streams   Streams
	// Seams for tests: NewDebugger builds the Debugger, ResolvePod turns Ref into a pod.
	NewDebugger func() (*ephemeral.Debugger, error)
	ResolvePod  func(ctx context.Context) (*corev1.Pod, error)
}

// addKubernetesFace makes the root command debug pods: `kubectl ddebug pod/x [-- cmd]`.
func addKubernetesFace(root *cobra.Command, streams Streams, s *settings) {
	o := &KubeOptions{ConfigFlags: genericclioptions.NewConfigFlags(true), streams: streams}
	if s.kube != nil {
		s.kube(o)
	}
	root.Use += " [pod/]NAME [-c CONTAINER] [-- COMMAND [args...]]"
	root.Long = `Add an ephemeral debug container running the ddebug toolbox to a running pod, next to one of its
containers, and open a shell in it (or run one command). The debugger sees the container's
processes and its files: at / (a chroot) when the profile allows it, else at /target.

NAME is a pod (pod/NAME or NAME) or a workload (deploy/, sts/, ds/, rs/, job/NAME: one of its
running pods). node/NAME debugs a node: a privileged pod on it in the host's PID and network
namespaces, whose shell has the host's root at / and 'ddebug exec' to enter any container of
the node; the pod is deleted when the session ends. The debugger copies the target's uid and gid so its files are readable without
extra capabilities. A running ddebug container of the same identity is reused (ephemeral
containers can never be removed); it exits by itself after --idle without a session.

Exit status: the command's own; 125 when ddebug itself failed.`
	root.Example = `  kubectl ddebug pod/web                   # interactive toolbox shell, target = first container
  kubectl ddebug web -c app -- ss -ltnp    # one command, exit code passed through
  kubectl ddebug deploy/web -n prod        # a running pod of a workload
  kubectl ddebug web --profile=restricted -- ls -l /target/etc
  kubectl ddebug node/worker-1             # the node's root at /, 'ddebug exec' into any container of it`
	root.Args = cobra.ArbitraryArgs
	if strings.HasPrefix(root.Use, "kubectl ddebug") {
		if root.Annotations == nil {
			root.Annotations = map[string]string{}
		}
		root.Annotations[cobra.CommandDisplayNameAnnotation] = "kubectl ddebug"
	}
	f := root.Flags()
	o.ConfigFlags.AddFlags(f)
	f.StringVarP(&o.Container, "container", "c", "", "target container (default: the default-container annotation, then the first container)")
	f.StringVar(&o.Image, "image", DefaultImage, "toolbox image of the debug container")
	f.StringVar(&o.NodeImage, "node-image", defaultNodeImage(), "image of the node pod (node/NAME): the toolbox with ddebug's command line")
	f.StringVar(&o.PullPolicy, "image-pull-policy", "IfNotPresent", "Always, IfNotPresent or Never")
	f.StringVar(&o.Profile, "profile", "auto", "security profile: auto, general, baseline, restricted, sysadmin, netadmin")
	f.DurationVar(&o.Timeout, "timeout", 60*time.Second, "give up waiting for the pod or the debug container after this long")
	f.DurationVar(&o.Idle, "idle", agent.DefaultIdle, "the debug container exits after this long without a session")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "no banner and no progress lines")
	f.BoolVarP(&o.Stdin, "stdin", "i", false, "pass stdin to the command (the default without a command)")
	f.BoolVarP(&o.TTY, "tty", "t", false, "allocate a terminal for the command (the default without a command, when stdin is one)")
	f.BoolVar(&o.NoReuse, "new", false, "always add a new debug container instead of reusing a running one")
	// kubectl ddebug <TAB>: pods (and TYPE/NAME), -c containers of that pod, -n namespaces,
	// --context contexts, as kubectl completes them (kube_complete.go).
	kubeCompletion{o.ConfigFlags}.register(root)
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		if err := o.Complete(cmd, args); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		err := o.Run(cmd.Context())
		var ee exitError
		if err == nil || errors.As(err, &ee) {
			return err
		}
		printKubeError(o.streams.ErrOut, err)
		return exitError{ExitFailure}
	}
	addBeyondDebug(root, o, streams, s) // list, cp, --all-pods (kube_beyond.go)
}

// printKubeError prints err and, for an *ephemeral.Error, its advice on a second line.
func printKubeError(w io.Writer, err error) {
	fmt.Fprintf(w, "kubectl ddebug: %s\n", Sanitize(err.Error()))
	var e *ephemeral.Error
	if errors.As(err, &e) && e.Advice != "" {
		fmt.Fprintf(w, "hint: %s\n", Sanitize(e.Advice))
	}
}

// Complete splits NAME from the command and fills what the flags leave open.
func (o *KubeOptions) Complete(cmd *cobra.Command, args []string) error {
	dash := cmd.ArgsLenAtDash()
	before := args
	if dash >= 0 {
		before, o.Command = args[:dash], args[dash:]
	}
	switch {
	case len(before) == 0:
		return errors.New("want [pod/]NAME before --")
	case len(before) > 1:
		return fmt.Errorf("want one [pod/]NAME, got %q; put the command after --, as in: kubectl ddebug %s -- %s",
			strings.Join(before, " "), before[0], strings.Join(before[1:], " "))
	}
	o.Ref = before[0]
	if len(o.Command) == 0 {
		o.Stdin = true
		o.TTY = o.TTY || (isTerminal(o.streams.In) && isTerminal(o.streams.Out))
	}
	ns, _, err := o.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return fmt.Errorf("reading kubeconfig: %w", err)
	}
	o.namespace = ns
	if o.NewDebugger == nil {
		o.NewDebugger = o.newDebugger
	}
	if o.ResolvePod == nil {
		o.ResolvePod = o.resolvePod
	}
	return nil
}

// Validate checks the flags without talking to the cluster.
func (o *KubeOptions) Validate() error {
	p, err := ephemeral.ParseProfile(o.Profile)
	if err != nil {
		return err
	}
	o.profile = p
	switch corev1.PullPolicy(o.PullPolicy) {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
	default:
		return fmt.Errorf("--image-pull-policy %q: want Always, IfNotPresent or Never", o.PullPolicy)
	}
	if o.Image == "" {
		return errors.New("--image must not be empty")
	}
	if o.Timeout <= 0 || o.Idle <= 0 {
		return errors.New("--timeout and --idle must be positive")
	}
	return nil
}

// debugger makes the Debugger (through the NewDebugger seam) that prints its progress on
// stderr unless --quiet.
func (o *KubeOptions) debugger() (*ephemeral.Debugger, error) {
	d, err := o.NewDebugger()
	if err != nil {
		return nil, err
	}
	if !o.Quiet {
		d.Progress = func(s ephemeral.Step) { fmt.Fprintf(o.streams.ErrOut, "ddebug: %s\n", Sanitize(s.Detail)) }
	}
	return d, nil
}

func (o *KubeOptions) newDebugger() (*ephemeral.Debugger, error) {
	cfg, err := o.ConfigFlags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig: %w", err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("making the API client: %w", err)
	}
	exec, err := ephemeral.RemoteExec(cfg)
	if err != nil {
		return nil, err
	}
	return &ephemeral.Debugger{Client: client, Exec: exec, Timeout: o.Timeout}, nil
}

// resolvePod turns Ref into one running pod through the resource builder, as kubectl does.
func (o *KubeOptions) resolvePod(ctx context.Context) (*corev1.Pod, error) {
	r := resource.NewBuilder(o.ConfigFlags).
		WithScheme(scheme.Scheme, scheme.Scheme.PrioritizedVersionsAllGroups()...).
		NamespaceParam(o.namespace).DefaultNamespace().
		ResourceNames("pods", o.Ref).
		SingleResourceType().
		Do()
	if err := r.Err(); err != nil {
		return nil, err
	}
	infos, err := r.Infos()
	if err != nil {
		return nil, err
	}
	if len(infos) != 1 {
		return nil, fmt.Errorf("%s names %d objects, want one", o.Ref, len(infos))
	}
	if pod, ok := infos[0].Object.(*corev1.Pod); ok {
		return pod, nil
	}
	cfg, err := o.ConfigFlags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig: %w", err)
	}
	client, err := podsClient(cfg)
	if err != nil {
		return nil, err
	}
	pod, err := attachablePod(ctx, client, infos[0].Object, o.Timeout)
	if err != nil {
		return nil, fmt.Errorf("finding a running pod of %s: %w", o.Ref, err)
	}
	return pod, nil
}

// forWhom names the user as the kubeconfig does (--as, else the context's user). It costs
// no round trip; a new debug container records the API server's name for the user
// instead when the server gives one (ephemeral.WhoAmI), this one otherwise.
func (o *KubeOptions) forWhom() string {
	if o.ConfigFlags.Impersonate != nil && *o.ConfigFlags.Impersonate != "" {
		return *o.ConfigFlags.Impersonate
	}
	raw, err := o.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return ""
	}
	ctxName := raw.CurrentContext
	if o.ConfigFlags.Context != nil && *o.ConfigFlags.Context != "" {
		ctxName = *o.ConfigFlags.Context
	}
	if c, ok := raw.Contexts[ctxName]; ok {
		return c.AuthInfo
	}
	return ""
}

// Run resolves the pod, prepares the debug container and runs the session.
func (o *KubeOptions) Run(ctx context.Context) error {
	if node, ok := nodeName(o.Ref); ok {
		return o.runNode(ctx, node)
	}
	d, err := o.debugger()
	if err != nil {
		return err
	}
	start := time.Now()
	pod, err := o.ResolvePod(ctx)
	if err != nil {
		if name, ok := podName(o.Ref); ok && apierrors.IsNotFound(err) {
			return ephemeral.PodNotFound(ctx, d.Client, o.namespace, name)
		} else if apierrors.IsNotFound(err) {
			return &ephemeral.Error{Kind: ephemeral.ErrPodNotFound, Msg: fmt.Sprintf("%s not found in namespace %s", o.Ref, o.namespace), Err: err}
		}
		return ephemeral.TranslateAPIError(err, ephemeral.OpGetPod, o.namespace, o.Ref)
	}
	req := ephemeral.Request{
		Pod: pod, Container: o.Container, Image: o.Image, PullPolicy: corev1.PullPolicy(o.PullPolicy),
		Profile: o.profile, Idle: o.Idle, For: o.forWhom(), Version: Version, NoReuse: o.NoReuse,
	}
	t, err := d.Prepare(ctx, req)
	if err != nil {
		return err
	}
	if !o.Quiet && !t.Reused {
		fmt.Fprintf(o.streams.ErrOut, "ddebug: %s ready in %.1fs (profile %s)\n", t.Debug, time.Since(start).Seconds(), t.Profile)
	}
	status, err := o.session(ctx, d, t)
	if t.Reused && errors.Is(err, ephemeral.ErrContainerExited) {
		req.NoReuse = true
		if t, err = d.Prepare(ctx, req); err != nil {
			return err
		}
		status, err = o.session(ctx, d, t)
	}
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// session runs the exec with the local terminal in raw mode and its size followed when
// there is a tty.
func (o *KubeOptions) session(ctx context.Context, d *ephemeral.Debugger, t *ephemeral.Target) (int, error) {
	return o.interactive(func(r ephemeral.ExecRequest) (int, error) {
		return d.Session(ctx, t, o.Command, o.Quiet, r)
	})
}

// interactive calls exec with the streams of the command line: with a tty, the local
// terminal in raw mode and its size followed.
func (o *KubeOptions) interactive(exec func(ephemeral.ExecRequest) (int, error)) (int, error) {
	r := ephemeral.ExecRequest{Stdout: o.streams.Out, Stderr: o.streams.ErrOut, TTY: o.TTY}
	if o.Stdin {
		r.Stdin = o.streams.In
	}
	if !o.TTY {
		return exec(r)
	}
	tty := kterm.TTY{In: o.streams.In, Out: o.streams.Out, Raw: r.Stdin != nil}
	if !tty.IsTerminalIn() {
		tty.Raw = false
	}
	var status int
	var serr error
	if size := tty.GetSize(); size != nil {
		r.Resize = sizeQueue{tty.MonitorSize(size)}
	}
	err := tty.Safe(func() error {
		status, serr = exec(r)
		return serr
	})
	if serr == nil && err != nil {
		return 0, err
	}
	return status, serr
}

// sizeQueue adapts kubectl's terminal size queue to remotecommand's.
type sizeQueue struct{ q kterm.TerminalSizeQueue }

func (s sizeQueue) Next() *remotecommand.TerminalSize {
	if s.q == nil {
		return nil
	}
	n := s.q.Next()
	if n == nil {
		return nil
	}
	return &remotecommand.TerminalSize{Width: n.Width, Height: n.Height}
}

// podName returns the pod name of a pod reference (NAME, pod/NAME, pods/NAME, po/NAME).
func podName(ref string) (string, bool) {
	kind, name, ok := strings.Cut(ref, "/")
	if !ok {
		return ref, true
	}
	switch kind {
	case "pod", "pods", "po":
		return name, true
	}
	return "", false
}
