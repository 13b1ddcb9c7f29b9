//go:build !ddebug_host

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"
	uexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

// fanPod is a running pod whose debug container can be reused.
func fanPod(t *testing.T, name string) corev1.Pod {
	t.Helper()
	pod := testPod()
	pod.Name = name
	pod.Status.Phase = corev1.PodRunning
	ec, err := ephemeral.BuildDebugContainer(ephemeral.SpecOptions{Name: "ddebug-" + name, Image: DefaultImage, Profile: ephemeral.ProfileGeneral,
		Target: "app", TargetID: testContainerID, Identity: ephemeral.TargetIdentity(pod, "app")})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{*ec}
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: ec.Name, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
	return *pod
}

func fanRun(t *testing.T, pods []corev1.Pod, exec ephemeral.ExecFunc, args ...string) (int, string, string, []string) {
	t.Helper()
	var mu sync.Mutex
	var execs []string
	kube := withKube(func(o *KubeOptions) {
		o.NewDebugger = func() (*ephemeral.Debugger, error) {
			return &ephemeral.Debugger{Client: fake.NewClientset(), Exec: func(ctx context.Context, r ephemeral.ExecRequest) error {
				mu.Lock()
				execs = append(execs, r.Pod+":"+strings.Join(r.Command[slices.Index(r.Command, "--")+1:], " "))
				mu.Unlock()
				return exec(ctx, r)
			}}, nil
		}
	})
	fan := withFan(func(f *FanOptions) {
		no := false
		f.Color = &no
		f.ListPods = func(context.Context) ([]corev1.Pod, string, error) { return pods, "of deploy/web", nil }
	})
	status, out, errOut := runPluginWith(t, []Option{kube, fan}, append([]string{"--kubeconfig", fakeKubeconfig(t)}, args...)...)
	slices.Sort(execs)
	return status, out, errOut, execs
}

func TestFanOutCommand(t *testing.T) {
	stopped := fanPod(t, "web-stopped")
	stopped.Status.Phase = corev1.PodFailed
	pods := []corev1.Pod{fanPod(t, "web-a"), fanPod(t, "web-bb"), fanPod(t, "web-c"), stopped}
	exec := func(_ context.Context, r ephemeral.ExecRequest) error {
		fmt.Fprintf(r.Stdout, "%s line 1\n%s ", r.Pod, r.Pod)
		fmt.Fprintf(r.Stdout, "line 2\nno newline")
		if r.Pod == "web-bb" {
			fmt.Fprintln(r.Stderr, "oops")
			return uexec.CodeExitError{Err: errors.New("exit 4"), Code: 4}
		}
		return nil
	}
	status, stdout, stderr, execs := fanRun(t, pods, exec, "deploy/web", "--all-pods", "--max-parallel", "2", "--", "cat", "/etc/hostname")
	if status != 4 {
		t.Errorf("status %d, want 4 (web-bb's)", status)
	}
	if diff := cmp.Diff([]string{"web-a:cat /etc/hostname", "web-bb:cat /etc/hostname", "web-c:cat /etc/hostname"}, execs); diff != "" {
		t.Errorf("execs (-want +got):\n%s", diff)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	slices.Sort(lines)
	want := []string{
		"web-a  no newline", "web-a  web-a line 1", "web-a  web-a line 2",
		"web-bb no newline", "web-bb web-bb line 1", "web-bb web-bb line 2",
		"web-c  no newline", "web-c  web-c line 1", "web-c  web-c line 2",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("stdout lines (-want +got):\n%s", diff)
	}
	contains := func(s string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(s, w) {
				t.Errorf("stderr lacks %q:\n%s", w, s)
			}
		}
	}
	contains(stderr, "ddebug: 3 running pods of deploy/web, up to 2 at once\n", "web-bb oops\n", "ddebug: 3 pods in ", ": 2 succeeded, 1 failed (web-bb: exit 4)\n")

	// All succeed: status 0; -q keeps only the output.
	status, _, stderr, _ = fanRun(t, pods[:1], func(context.Context, ephemeral.ExecRequest) error { return nil }, "-q", "deploy/web", "--all-pods", "--", "true")
	if status != 0 || stderr != "" {
		t.Errorf("all succeeded with -q: status %d, stderr %q", status, stderr)
	}
	// A pod whose target does not run fails with ddebug's own status, named.
	broken := fanPod(t, "web-x")
	broken.Status.ContainerStatuses[0].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}
	status, _, stderr, _ = fanRun(t, []corev1.Pod{pods[0], broken}, func(context.Context, ephemeral.ExecRequest) error { return nil }, "deploy/web", "--all-pods", "--", "true")
	if status != ExitFailure {
		t.Errorf("a pod that fails in ddebug: status %d, want %d", status, ExitFailure)
	}
	contains(stderr, "web-x kubectl ddebug: container app of pod web-x is not running (waiting: CrashLoopBackOff)", "1 failed (web-x: ddebug failed)")
}

func TestFanOutCommandLine(t *testing.T) {
	never := func(context.Context, ephemeral.ExecRequest) error { t.Error("exec called"); return nil }
	pods := []corev1.Pod{fanPod(t, "web-a")}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no command", []string{"deploy/web", "--all-pods"}, "put it after --"},
		{"-l without --all-pods", []string{"-l", "app=web", "--", "true"}, "go with --all-pods"},
		{"NAME and -l", []string{"deploy/web", "-l", "app=web", "--all-pods", "--", "true"}, "not both"},
		{"nothing selected", []string{"--all-pods", "--", "true"}, "needs a workload"},
		{"stdin", []string{"deploy/web", "--all-pods", "-i", "--", "cat"}, "without stdin"},
		{"bad parallel", []string{"deploy/web", "--all-pods", "--max-parallel", "0", "--", "true"}, "must be positive"},
		{"no running pod", nil, "no running pod of deploy/web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			use, args := pods, tt.args
			if args == nil {
				stopped := fanPod(t, "web-a")
				stopped.Status.Phase = corev1.PodPending
				use, args = []corev1.Pod{stopped}, []string{"deploy/web", "--all-pods", "--", "true"}
			}
			status, _, stderr, _ := fanRun(t, use, never, args...)
			if status != ExitFailure || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("status %d, stderr %q; want %d with %q", status, stderr, ExitFailure, tt.wantErr)
			}
		})
	}
}

func TestLinePrefixer(t *testing.T) {
	var b bytes.Buffer
	var mu sync.Mutex
	l := &linePrefixer{mu: &mu, w: &b, prefix: podPrefix("web", 5, true)}
	l.Write([]byte("a\nb"))
	l.Write([]byte("c\n"))
	l.Write([]byte(strings.Repeat("x", 70<<10)))
	l.Flush()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 || lines[0] != lines[1][:len(lines[1])-2]+"a" || !strings.HasSuffix(lines[1], "bc") {
		t.Fatalf("lines %q", lines[:2])
	}
	if !strings.HasPrefix(lines[0], "\x1b[") || !strings.Contains(lines[0], "web\x1b[0m   a") {
		t.Errorf("coloured prefix %q", lines[0])
	}
	if n := len(lines[2]) - len(podPrefix("web", 5, true)); n != 70<<10 {
		t.Errorf("a long line without newline: %d bytes, want %d", n, 70<<10)
	}
}
