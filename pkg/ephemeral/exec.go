package ephemeral

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes/scheme"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
)

// RemoteExec returns an ExecFunc that streams over WebSocket (the v5 protocol) and falls
// back to SPDY when the server does not upgrade, as kubectl exec does.
func RemoteExec(config *rest.Config) (ExecFunc, error) {
	cc, err := corev1client.NewForConfig(config)
	if err != nil {
		return nil, fmt.Errorf("making the exec client: %w", err)
	}
	return func(ctx context.Context, r ExecRequest) error {
		req := cc.RESTClient().Post().Resource("pods").Namespace(r.Namespace).Name(r.Pod).SubResource("exec").
			VersionedParams(&corev1.PodExecOptions{
				Container: r.Container,
				Command:   r.Command,
				Stdin:     r.Stdin != nil,
				Stdout:    r.Stdout != nil,
				Stderr:    r.Stderr != nil && !r.TTY,
				TTY:       r.TTY,
			}, scheme.ParameterCodec)
		spdy, err := remotecommand.NewSPDYExecutor(config, "POST", req.URL())
		if err != nil {
			return fmt.Errorf("exec over SPDY: %w", err)
		}
		ws, err := remotecommand.NewWebSocketExecutor(config, "GET", req.URL().String())
		if err != nil {
			return fmt.Errorf("exec over WebSocket: %w", err)
		}
		ex, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
			return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
		})
		if err != nil {
			return err
		}
		opts := remotecommand.StreamOptions{Stdin: r.Stdin, Stdout: r.Stdout, Tty: r.TTY, TerminalSizeQueue: r.Resize}
		if !r.TTY {
			opts.Stderr = r.Stderr
		}
		return ex.StreamWithContext(ctx, opts)
	}, nil
}

// execStatus runs r and returns the command's exit status; an error is one of the exec.
func (d *Debugger) execStatus(ctx context.Context, r ExecRequest) (int, error) {
	err := d.Exec(ctx, r)
	if err == nil {
		return 0, nil
	}
	var ce interface{ ExitStatus() int }
	if errors.As(err, &ce) {
		return ce.ExitStatus(), nil
	}
	return 0, TranslateAPIError(err, opExec, r.Namespace, r.Pod)
}

// deletePodNow deletes a pod ddebug made, without a grace period; a pod already gone is fine.
func (d *Debugger) deletePodNow(ctx context.Context, ns, pod string) error {
	zero := int64(0)
	err := d.Client.CoreV1().Pods(ns).Delete(ctx, pod, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	if err != nil && !apierrors.IsNotFound(err) {
		return TranslateAPIError(err, opDeletePod, ns, pod)
	}
	return nil
}
