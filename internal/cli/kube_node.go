//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

// nodeName returns NAME of a node/NAME reference (node, nodes, no).
func nodeName(ref string) (string, bool) {
	kind, name, ok := strings.Cut(ref, "/")
	if !ok || name == "" {
		return "", false
	}
	switch kind {
	case "node", "nodes", "no":
		return name, true
	}
	return "", false
}

// runNode debugs a node: it creates the node pod, runs the session in it (the host's root
// at /) and deletes the pod.
func (o *KubeOptions) runNode(ctx context.Context, node string) error {
	if o.Container != "" {
		return errors.New("-c picks a container of a pod; a node has none: run 'ddebug exec CONTAINER' in the node session")
	}
	if o.NodeImage == "" {
		return errors.New("--node-image must not be empty")
	}
	d, err := o.debugger()
	if err != nil {
		return err
	}
	start := time.Now()
	t, err := d.PrepareNode(ctx, ephemeral.NodePodOptions{
		Node: node, Namespace: o.namespace, Image: o.NodeImage, PullPolicy: corev1.PullPolicy(o.PullPolicy),
		Idle: o.Idle, For: o.forWhom(), Version: Version,
	})
	if t != nil {
		defer o.deleteNodePod(d, t)
	}
	if err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintf(o.streams.ErrOut, "ddebug: %s on node %s ready in %.1fs\n", t.Pod, node, time.Since(start).Seconds())
	}
	status, err := o.interactive(func(r ephemeral.ExecRequest) (int, error) {
		return d.NodeSession(ctx, t, "", o.Command, o.Quiet, r)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

func (o *KubeOptions) deleteNodePod(d *ephemeral.Debugger, t *ephemeral.NodeTarget) {
	o.deletePod(t.Pod, func(ctx context.Context) error { return d.DeleteNode(ctx, t) })
}

// deletePod runs del (a pod ddebug made) with a context of its own, since the session's may
// be cancelled by then, and says how it went.
func (o *KubeOptions) deletePod(pod string, del func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	if err := del(ctx); err != nil {
		printKubeError(o.streams.ErrOut, err)
	} else if !o.Quiet {
		fmt.Fprintf(o.streams.ErrOut, "ddebug: deleted pod %s\n", pod)
	}
}
