//go:build !ddebug_host

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

// FanOptions are the flags of `kubectl ddebug --all-pods (deploy/NAME | -l SELECTOR) -- COMMAND`.
type FanOptions struct {
	AllPods     bool
	Selector    string
	MaxParallel int
	// Color forces (true) or drops (false) coloured pod names; nil: on a terminal.
	Color *bool

	kube *KubeOptions
	// ListPods returns the candidate pods and names the selection ("of deploy/web",
	// "matching app=web"): a seam for tests.
	ListPods func(ctx context.Context) ([]corev1.Pod, string, error)
}

// addFanOut adds --all-pods, -l and --max-parallel to the root command and runs a fan-out
// instead of one session when they are given.
func addFanOut(root *cobra.Command, o *KubeOptions, s *settings) {
	fan := &FanOptions{kube: o}
	if s.fan != nil {
		s.fan(fan)
	}
	f := root.Flags()
	f.BoolVar(&fan.AllPods, "all-pods", false, "run the command in every running pod of the workload (deploy/, sts/, ds/, rs/, job/NAME) or of -l")
	f.StringVarP(&fan.Selector, "selector", "l", "", "with --all-pods: the pods matching this label selector")
	f.IntVar(&fan.MaxParallel, "max-parallel", ephemeral.DefaultMaxParallel, "with --all-pods: how many pods at once")
	root.Example += `
  kubectl ddebug deploy/web --all-pods -- cat /etc/hostname    # every pod, output prefixed by pod name
  kubectl ddebug --all-pods -l app=web -n prod -- ss -ltn`
	inner := root.RunE
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if !fan.AllPods && fan.Selector == "" && !cmd.Flags().Changed("max-parallel") {
			return inner(cmd, args)
		}
		err := fan.Run(cmd, args)
		var ee exitError
		if err == nil || errors.As(err, &ee) {
			return err
		}
		printKubeError(o.streams.ErrOut, err)
		return exitError{ExitFailure}
	}
}

// complete checks the command line of a fan-out and fills the options.
func (fan *FanOptions) complete(cmd *cobra.Command, args []string) error {
	o := fan.kube
	if !fan.AllPods {
		return errors.New("-l and --max-parallel go with --all-pods (one command in every pod of a selection)")
	}
	dash := cmd.ArgsLenAtDash()
	before, command := args, []string(nil)
	if dash >= 0 {
		before, command = args[:dash], args[dash:]
	}
	switch {
	case len(command) == 0:
		return errors.New("--all-pods runs one command in every pod: put it after --, as in: kubectl ddebug deploy/web --all-pods -- cat /etc/hostname")
	case len(before) > 1:
		return fmt.Errorf("want one NAME before --, got %q", strings.Join(before, " "))
	case len(before) == 1 && fan.Selector != "":
		return errors.New("--all-pods takes a workload NAME or -l SELECTOR, not both")
	case len(before) == 0 && fan.Selector == "":
		return errors.New("--all-pods needs a workload (deploy/, sts/, ds/, rs/, job/NAME) or -l SELECTOR")
	case o.Stdin || o.TTY:
		return errors.New("--all-pods runs commands without stdin or a terminal: drop -i and -t")
	case fan.MaxParallel <= 0:
		return errors.New("--max-parallel must be positive")
	}
	if len(before) == 1 {
		o.Ref = before[0]
	}
	o.Command = command
	ns, _, err := o.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return fmt.Errorf("reading kubeconfig: %w", err)
	}
	o.namespace = ns
	if o.ConfigFlags.WrapConfigFn == nil {
		// Each pod costs a few requests (namespace, patch, watches, exec): client-go's
		// default of 5 per second would have 50 pods wait seconds on the client's own
		// throttle. The server's priority and fairness still applies.
		perSecond := float32(20 * fan.MaxParallel)
		o.ConfigFlags.WrapConfigFn = func(c *rest.Config) *rest.Config {
			c.QPS, c.Burst = max(c.QPS, perSecond), max(c.Burst, int(2*perSecond))
			return c
		}
	}
	if o.NewDebugger == nil {
		o.NewDebugger = o.newDebugger
	}
	if fan.ListPods == nil {
		fan.ListPods = fan.listPods
	}
	return o.Validate()
}

// listPods returns the pods of the workload o.Ref (or the pod itself), or those matching
// the selector.
func (fan *FanOptions) listPods(ctx context.Context) ([]corev1.Pod, string, error) {
	o := fan.kube
	d, err := o.NewDebugger()
	if err != nil {
		return nil, "", err
	}
	ns, selector, what := o.namespace, fan.Selector, "matching "+fan.Selector
	if o.Ref != "" {
		r := resource.NewBuilder(o.ConfigFlags).
			WithScheme(scheme.Scheme, scheme.Scheme.PrioritizedVersionsAllGroups()...).
			NamespaceParam(o.namespace).DefaultNamespace().
			ResourceNames("pods", o.Ref).SingleResourceType().Do()
		infos, err := r.Infos()
		if err != nil {
			return nil, "", o.resolveError(ctx, d, err)
		}
		if len(infos) != 1 {
			return nil, "", fmt.Errorf("%s names %d objects, want one", o.Ref, len(infos))
		}
		if pod, ok := infos[0].Object.(*corev1.Pod); ok {
			return []corev1.Pod{*pod}, "of pod " + pod.Name, nil
		}
		var sel interface{ String() string }
		ns, sel, err = selectorOf(infos[0].Object)
		if err != nil {
			return nil, "", fmt.Errorf("finding the pods of %s: %w", o.Ref, err)
		}
		selector, what = sel.String(), "of "+o.Ref
	}
	list, err := d.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, "", ephemeral.TranslateAPIError(err, ephemeral.OpListPods, ns, "")
	}
	return list.Items, what, nil
}

// Run runs the command in every running pod of the selection and prints a summary; the
// exit status is the highest of the pods' (125 where ddebug itself failed).
func (fan *FanOptions) Run(cmd *cobra.Command, args []string) error {
	if err := fan.complete(cmd, args); err != nil {
		return err
	}
	o := fan.kube
	ctx := cmd.Context()
	start := time.Now()
	all, what, err := fan.ListPods(ctx)
	if err != nil {
		return err
	}
	pods := ephemeral.RunningPods(all)
	if len(pods) == 0 {
		return &ephemeral.Error{Kind: ephemeral.ErrTargetNotRunning, Msg: fmt.Sprintf("no running pod %s (namespace %s): %d pods, none running", what, o.namespace, len(all)),
			Advice: "'kubectl get pods -n " + o.namespace + "' shows them"}
	}
	d, err := o.NewDebugger()
	if err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintf(o.streams.ErrOut, "ddebug: %d running pods %s, up to %d at once\n", len(pods), Sanitize(what), fan.MaxParallel)
	}
	width := 0
	for _, p := range pods {
		width = max(width, len(p.Name))
	}
	outColor, errColor := isTerminal(o.streams.Out), isTerminal(o.streams.ErrOut)
	if fan.Color != nil {
		outColor, errColor = *fan.Color, *fan.Color
	}
	var outMu, errMu sync.Mutex
	var mu sync.Mutex
	var writers []*linePrefixer
	streams := func(pod string) (io.Writer, io.Writer) {
		out := &linePrefixer{mu: &outMu, w: o.streams.Out, prefix: podPrefix(pod, width, outColor)}
		er := &linePrefixer{mu: &errMu, w: o.streams.ErrOut, prefix: podPrefix(pod, width, errColor)}
		mu.Lock()
		writers = append(writers, out, er)
		mu.Unlock()
		return out, er
	}
	req := ephemeral.Request{
		Container: o.Container, Image: o.Image, PullPolicy: corev1.PullPolicy(o.PullPolicy),
		Profile: o.profile, Idle: o.Idle, For: o.forWhom(), Version: Version, NoReuse: o.NoReuse,
	}
	results := d.FanOut(ctx, pods, req, o.Command, fan.MaxParallel, streams)
	for _, w := range writers {
		w.Flush()
	}
	status, failed, added := 0, []string{}, 0
	for _, r := range results {
		switch {
		case r.Err != nil:
			status = max(status, ExitFailure)
			failed = append(failed, r.Pod+": ddebug failed")
			var b bytes.Buffer
			printKubeError(&b, r.Err)
			for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				fmt.Fprintf(o.streams.ErrOut, "%s%s\n", podPrefix(r.Pod, width, errColor), line)
			}
		case r.Status != 0:
			status = max(status, r.Status)
			failed = append(failed, fmt.Sprintf("%s: exit %d", r.Pod, r.Status))
		}
		if r.Err == nil && !r.Reused {
			added++
		}
	}
	if !o.Quiet || len(failed) > 0 {
		fmt.Fprintln(o.streams.ErrOut, summary(len(results), failed, added, time.Since(start)))
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// summary is the last line: how many pods, how many failed (naming up to five), how many
// debug containers were added, and the wall time.
func summary(n int, failed []string, added int, took time.Duration) string {
	s := fmt.Sprintf("ddebug: %d pods in %.1fs: %d succeeded", n, took.Seconds(), n-len(failed))
	if len(failed) > 0 {
		shown := failed[:min(5, len(failed))]
		s += fmt.Sprintf(", %d failed (%s", len(failed), strings.Join(shown, ", "))
		if len(failed) > len(shown) {
			s += ", ..."
		}
		s += ")"
	}
	if added > 0 {
		s += fmt.Sprintf("; %d debug containers added", added)
	}
	return Sanitize(s)
}

// podColors are the colours of pod names on a terminal (as stern picks them).
var podColors = []string{"\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m", "\x1b[35m", "\x1b[36m", "\x1b[91m", "\x1b[92m", "\x1b[93m", "\x1b[94m", "\x1b[95m", "\x1b[96m"}

// podPrefix is the pod name padded to width and a space, coloured by a hash of the name.
func podPrefix(pod string, width int, color bool) []byte {
	name := Sanitize(pod)
	pad := strings.Repeat(" ", max(0, width-len(pod)))
	if !color {
		return []byte(name + pad + " ")
	}
	h := fnv.New32a()
	h.Write([]byte(pod))
	return []byte(podColors[h.Sum32()%uint32(len(podColors))] + name + "\x1b[0m" + pad + " ")
}

// linePrefixer writes whole lines, each after prefix, to w under mu (shared by every pod
// writing to w), so lines of pods never mix. 64 KiB without a newline are written as a
// line of their own.
type linePrefixer struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix []byte
	buf    []byte
}

func (l *linePrefixer) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 && len(l.buf) < 64<<10 {
			break
		}
		if i < 0 {
			i = len(l.buf) - 1
			l.emit(append(l.buf[:i+1:i+1], '\n'))
		} else {
			l.emit(l.buf[:i+1])
		}
		l.buf = append(l.buf[:0], l.buf[i+1:]...)
	}
	return len(p), nil
}

func (l *linePrefixer) emit(line []byte) {
	out := make([]byte, 0, len(l.prefix)+len(line))
	out = append(append(out, l.prefix...), line...)
	l.mu.Lock()
	l.w.Write(out)
	l.mu.Unlock()
}

// Flush writes a last line without a newline, ended by one.
func (l *linePrefixer) Flush() {
	if len(l.buf) > 0 {
		l.emit(append(l.buf, '\n'))
		l.buf = l.buf[:0]
	}
}
