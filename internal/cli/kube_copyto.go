//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

// CopyToOptions are the flags of `kubectl ddebug pod/x --copy-to=NAME [--rm]`.
type CopyToOptions struct {
	Name string
	Rm   bool
	kube *KubeOptions
}

// addCopyTo adds --copy-to and --rm to the root command: a copy of the pod whose target
// runs the toolbox, for containers that crash or have exited.
func addCopyTo(root *cobra.Command, o *KubeOptions) {
	c := &CopyToOptions{kube: o}
	f := root.Flags()
	f.StringVar(&c.Name, "copy-to", "", "debug a copy of the pod named NAME whose target container runs the toolbox instead of its command (for containers that crash or exited)")
	f.BoolVar(&c.Rm, "rm", false, "with --copy-to: delete the copy when the session ends")
	root.Example += `
  kubectl ddebug pod/web --copy-to=web-debug --rm       # a crashing container: its files at /, start it by hand`
	inner := root.RunE
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if c.Name == "" && !c.Rm {
			return inner(cmd, args)
		}
		err := c.Run(cmd, args)
		var ee exitError
		if err == nil || errors.As(err, &ee) {
			return err
		}
		printKubeError(o.streams.ErrOut, err)
		return exitError{ExitFailure}
	}
}

// Run makes (or reuses) the copy, runs the session in it, and deletes it with --rm.
func (c *CopyToOptions) Run(cmd *cobra.Command, args []string) error {
	o := c.kube
	if c.Name == "" {
		return errors.New("--rm goes with --copy-to (debug containers added to a pod cannot be removed)")
	}
	if all, _ := cmd.Flags().GetBool("all-pods"); all {
		return errors.New("--copy-to copies one pod; it does not go with --all-pods")
	}
	if len(args) == 0 {
		return cmd.Help()
	}
	if err := o.Complete(cmd, args); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	ctx := cmd.Context()
	d, err := o.debugger()
	if err != nil {
		return err
	}
	pod, err := o.ResolvePod(ctx)
	if err != nil {
		return o.resolveError(ctx, d, err)
	}
	container, err := ephemeral.ChooseContainer(pod, o.Container)
	if err != nil {
		return err
	}
	start := time.Now()
	t, err := d.PrepareCopy(ctx, pod, ephemeral.PodCopyOptions{
		Name: c.Name, Container: container, Image: o.Image, PullPolicy: corev1.PullPolicy(o.PullPolicy), Idle: o.Idle, For: o.forWhom(),
	})
	if err != nil {
		if t != nil && c.Rm {
			c.remove(d, t)
		}
		return err
	}
	if !o.Quiet {
		if !t.Reused {
			fmt.Fprintf(o.streams.ErrOut, "ddebug: %s ready in %.1fs\n", t.Pod, time.Since(start).Seconds())
		}
		if len(o.Command) == 0 {
			fmt.Fprintf(o.streams.ErrOut, "ddebug: in pod %s, a copy of %s: container %s runs the toolbox instead of its command; its files are at /. "+
				"Its command was: %s\n", t.Pod, pod.Name, t.Container, Sanitize(t.Original))
		}
	}
	status, err := c.session(ctx, d, t)
	if c.Rm {
		c.remove(d, t)
	}
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

func (c *CopyToOptions) remove(d *ephemeral.Debugger, t *ephemeral.CopyTarget) {
	c.kube.deletePod(t.Pod, func(ctx context.Context) error { return d.DeleteCopy(ctx, t) })
}

// session runs the exec as KubeOptions.session does: raw terminal and resize with a tty.
func (c *CopyToOptions) session(ctx context.Context, d *ephemeral.Debugger, t *ephemeral.CopyTarget) (int, error) {
	o := c.kube
	return o.interactive(func(r ephemeral.ExecRequest) (int, error) {
		return d.CopySession(ctx, t, o.Command, r)
	})
}
