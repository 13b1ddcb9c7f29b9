package ephemeral

import (
	"context"
	"errors"
	"io"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// DefaultMaxParallel is how many pods FanOut works on at once by default.
const DefaultMaxParallel = 10

// FanOutResult is what happened in one pod of a fan-out.
type FanOutResult struct {
	Pod string
	// Status is the command's exit status (when Err is nil).
	Status int
	// Err is set when ddebug itself failed in this pod (no debug container, no exec).
	Err error
	// Debug is the debug container used; Reused whether it was already running.
	Debug  string
	Reused bool
	// Took is the time from the start of this pod's work to the command's end.
	Took time.Duration
}

// Failed reports whether the pod counts as failed: ddebug failed, or the command exited
// non-zero.
func (r FanOutResult) Failed() bool { return r.Err != nil || r.Status != 0 }

// PodStreams gives the writers of one pod's output (each is used by one goroutine).
type PodStreams func(pod string) (stdout, stderr io.Writer)

// RunningPods returns the pods of list that run and are not being deleted, by name.
func RunningPods(list []corev1.Pod) []*corev1.Pod {
	var out []*corev1.Pod
	for i := range list {
		p := &list[i]
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// FanOut runs command in every pod of pods, at most parallel at once (DefaultMaxParallel
// when <= 0): in each it finds or adds the debug container req describes (req.Pod is
// replaced) and runs the command there with streams' writers, without stdin. It returns
// one result per pod, in the order of pods; ctx's end stops pods not started yet.
func (d *Debugger) FanOut(ctx context.Context, pods []*corev1.Pod, req Request, command []string, parallel int, streams PodStreams) []FanOutResult {
	if parallel <= 0 {
		parallel = DefaultMaxParallel
	}
	results := make([]FanOutResult, len(pods))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, pod := range pods {
		results[i].Pod = pod.Name
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			results[i].Err = err
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			start := time.Now()
			r := req
			r.Pod = pod
			stdout, stderr := streams(pod.Name)
			res := d.runInPod(ctx, r, command, stdout, stderr)
			res.Pod, res.Took = pod.Name, time.Since(start)
			results[i] = res
		}()
	}
	wg.Wait()
	return results
}

func (d *Debugger) runInPod(ctx context.Context, req Request, command []string, stdout, stderr io.Writer) FanOutResult {
	t, err := d.Prepare(ctx, req)
	if err != nil {
		return FanOutResult{Err: err}
	}
	exec := ExecRequest{Stdout: stdout, Stderr: stderr}
	status, err := d.Session(ctx, t, command, true, exec)
	if t.Reused && errors.Is(err, ErrContainerExited) {
		req.NoReuse = true
		if t, err = d.Prepare(ctx, req); err != nil {
			return FanOutResult{Err: err}
		}
		status, err = d.Session(ctx, t, command, true, exec)
	}
	return FanOutResult{Status: status, Err: err, Debug: t.Debug, Reused: t.Reused}
}
