package ephemeral

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	uexec "k8s.io/client-go/util/exec"
)

// podWithDebugger is a running pod named name whose running debug container can be reused.
func podWithDebugger(t *testing.T, name string) *corev1.Pod {
	t.Helper()
	pod := runningPod(t, 0, 0)
	pod.Name = name
	ec, err := BuildDebugContainer(SpecOptions{Name: "ddebug-" + name, Image: "tb:1", Profile: ProfileGeneral, Target: "app", TargetID: testID,
		Pod: name, Namespace: pod.Namespace, Identity: TargetIdentity(pod, "app")})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{*ec}
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: ec.Name, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
	return pod
}

func TestFanOut(t *testing.T) {
	var pods []*corev1.Pod
	for i := range 12 {
		pods = append(pods, podWithDebugger(t, fmt.Sprintf("web-%02d", i)))
	}
	stopped := runningPod(t, 0, 0)
	stopped.Name = "web-stopped"
	stopped.Status.ContainerStatuses[0].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}}
	pods = append(pods, stopped)

	var running, most atomic.Int32
	d := &Debugger{Client: fake.NewClientset(), Exec: func(_ context.Context, r ExecRequest) error {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintf(r.Stdout, "hello from %s\n", r.Pod)
		if r.Pod == "web-03" {
			fmt.Fprintln(r.Stderr, "boom")
			return uexec.CodeExitError{Err: errors.New("exit 3"), Code: 3}
		}
		return nil
	}}
	var mu sync.Mutex
	outs := map[string]*bytes.Buffer{}
	streams := func(pod string) (io.Writer, io.Writer) {
		mu.Lock()
		defer mu.Unlock()
		o, e := &bytes.Buffer{}, &bytes.Buffer{}
		outs[pod], outs[pod+"/err"] = o, e
		return o, e
	}
	req := Request{Image: "tb:1", Profile: ProfileGeneral}
	res := d.FanOut(context.Background(), pods, req, []string{"cat", "/etc/hostname"}, 4, streams)
	if m := most.Load(); m > 4 || m < 2 {
		t.Errorf("at most %d execs ran at once, want 2..4 (parallel 4)", m)
	}
	if len(res) != 13 {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res {
		switch {
		case r.Pod != pods[i].Name:
			t.Errorf("result %d is for %s, want %s", i, r.Pod, pods[i].Name)
		case r.Pod == "web-03":
			if r.Status != 3 || r.Err != nil || !r.Failed() || outs["web-03/err"].String() != "boom\n" {
				t.Errorf("web-03: %+v, stderr %q", r, outs["web-03/err"])
			}
		case r.Pod == "web-stopped":
			if !errors.Is(r.Err, ErrTargetNotRunning) || !r.Failed() {
				t.Errorf("web-stopped: %+v", r)
			}
		default:
			if r.Failed() || !r.Reused || r.Debug != "ddebug-"+r.Pod || outs[r.Pod].String() != "hello from "+r.Pod+"\n" {
				t.Errorf("%s: %+v, stdout %q", r.Pod, r, outs[r.Pod])
			}
		}
	}
}

func TestFanOutCancelled(t *testing.T) {
	pods := []*corev1.Pod{podWithDebugger(t, "a"), podWithDebugger(t, "b"), podWithDebugger(t, "c")}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Debugger{Client: fake.NewClientset(), Exec: func(context.Context, ExecRequest) error {
		cancel()
		time.Sleep(10 * time.Millisecond)
		return nil
	}}
	res := d.FanOut(ctx, pods, Request{Image: "tb:1", Profile: ProfileGeneral}, []string{"true"}, 1, func(string) (io.Writer, io.Writer) { return io.Discard, io.Discard })
	var errs []bool
	for _, r := range res {
		errs = append(errs, errors.Is(r.Err, context.Canceled))
	}
	if diff := cmp.Diff([]bool{false, true, true}, errs); diff != "" {
		t.Errorf("cancelled after the first pod (-want +got):\n%s", diff)
	}
}

func TestRunningPods(t *testing.T) {
	now := metav1.Now()
	list := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Name: "b"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		{ObjectMeta: metav1.ObjectMeta{Name: "a"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		{ObjectMeta: metav1.ObjectMeta{Name: "pending"}, Status: corev1.PodStatus{Phase: corev1.PodPending}},
		{ObjectMeta: metav1.ObjectMeta{Name: "leaving", DeletionTimestamp: &now}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		{ObjectMeta: metav1.ObjectMeta{Name: "done"}, Status: corev1.PodStatus{Phase: corev1.PodSucceeded}},
	}
	var names []string
	for _, p := range RunningPods(list) {
		names = append(names, p.Name)
	}
	if diff := cmp.Diff([]string{"a", "b"}, names); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
