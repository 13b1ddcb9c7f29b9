//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

// ListOptions are the options of `kubectl ddebug list [pod/NAME]`.
type ListOptions struct {
	ConfigFlags   *genericclioptions.ConfigFlags
	Pod           string
	Selector      string
	AllNamespaces bool

	namespace string
	streams   Streams
	// Now is the clock for ages; NewDebugger builds the Debugger (seams for tests).
	Now         func() time.Time
	NewDebugger func() (*ephemeral.Debugger, error)
}

func newListCommand(streams Streams, s *settings) *cobra.Command {
	o := &ListOptions{ConfigFlags: genericclioptions.NewConfigFlags(true), streams: streams}
	if s.list != nil {
		s.list(o)
	}
	cmd := &cobra.Command{
		Use:   "list [pod/]NAME | list [-l SELECTOR] [-A]",
		Short: "List the ddebug containers of a pod, of the namespace or of the cluster",
		Long: `List the debug containers kubectl ddebug added to pods (ephemeral containers can never be
removed, so they stay in the pod spec): the target container, whether it still runs (the agent
exits after --idle without a session), who added it and when it started, its profile, identity
and image. Ephemeral containers added by other tools are not shown.`,
		Example: `  kubectl ddebug list pod/web
  kubectl ddebug list -n prod -l app=web
  kubectl ddebug list -A`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Run(cmd.Context()); err != nil {
				printKubeError(o.streams.ErrOut, err)
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	o.ConfigFlags.AddFlags(cmd.Flags())
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "label selector of the pods to look at (without NAME)")
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "look at the pods of every namespace (without NAME)")
	return cmd
}

// Complete reads NAME and the namespace.
func (o *ListOptions) Complete(args []string) error {
	if len(args) == 1 {
		name, ok := podName(args[0])
		if !ok {
			return fmt.Errorf("list takes a pod (pod/NAME or NAME), not %q; for the pods of a workload use -l with its selector", args[0])
		}
		if o.Selector != "" || o.AllNamespaces {
			return errors.New("list: give a pod name, or -l/-A, not both")
		}
		o.Pod = name
	}
	ns, _, err := o.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return fmt.Errorf("reading kubeconfig: %w", err)
	}
	o.namespace = ns
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewDebugger == nil {
		o.NewDebugger = func() (*ephemeral.Debugger, error) {
			k := &KubeOptions{ConfigFlags: o.ConfigFlags}
			return k.newDebugger()
		}
	}
	return nil
}

// Run lists and prints a table (or a line saying there is nothing).
func (o *ListOptions) Run(ctx context.Context) error {
	d, err := o.NewDebugger()
	if err != nil {
		return err
	}
	list, err := d.List(ctx, ephemeral.ListOptions{Namespace: o.namespace, Pod: o.Pod, Selector: o.Selector, AllNamespaces: o.AllNamespaces})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		where := "in namespace " + o.namespace
		switch {
		case o.Pod != "":
			where = "on pod " + o.Pod + " " + where
		case o.AllNamespaces:
			where = "in any namespace"
		}
		if o.Selector != "" {
			where += " (pods matching " + o.Selector + ")"
		}
		fmt.Fprintf(o.streams.ErrOut, "no ddebug containers %s\n", where)
		return nil
	}
	tw := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	head := []string{"POD", "CONTAINER", "TARGET", "STATE", "STARTED", "FOR", "PROFILE", "RUNS AS", "IMAGE"}
	if o.AllNamespaces {
		head = append([]string{"NAMESPACE"}, head...)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	now := o.Now()
	for _, c := range list {
		row := []string{c.Pod, c.Name, c.Target, stateOf(c, now), ephemeral.Age(now, c.Started), orDash(c.For), orDash(c.Profile), orDash(c.Identity), c.Image}
		if o.AllNamespaces {
			row = append([]string{c.Namespace}, row...)
		}
		for i := range row {
			row[i] = Sanitize(row[i])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// stateOf is the STATE column: running, "exited 0 (3m ago)", "waiting: ErrImagePull".
func stateOf(c ephemeral.DebugContainer, now time.Time) string {
	switch c.State {
	case "terminated":
		s := fmt.Sprintf("exited %d", c.ExitCode)
		if !c.Finished.IsZero() {
			s += " (" + ephemeral.Age(now, c.Finished) + " ago)"
		}
		return s
	case "waiting":
		if c.Reason != "" {
			return "waiting: " + c.Reason
		}
	}
	return c.State
}
