package ephemeral

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

var (
	t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	t1 = t0.Add(5 * time.Minute)
)

// withDebugContainers adds to pod a running ddebug container, a terminated one, a
// waiting one without status, and one of kubectl debug.
func withDebugContainers(t *testing.T, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	add := func(name string, p Profile) {
		ec, err := BuildDebugContainer(SpecOptions{Name: name, Image: "tb:1", Profile: p, Target: "app", TargetID: testID,
			Pod: pod.Name, Namespace: pod.Namespace, Identity: TargetIdentity(pod, "app"), For: "alice", Version: "v1.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		pod.Spec.EphemeralContainers = append(pod.Spec.EphemeralContainers, *ec)
	}
	add("ddebug-old", ProfileGeneral)
	pod.Spec.EphemeralContainers = append(pod.Spec.EphemeralContainers, corev1.EphemeralContainer{
		EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger-xyz", Image: "busybox"}, TargetContainerName: "app"})
	add("ddebug-new", ProfileRestricted)
	add("ddebug-pull", ProfileBaseline)
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{
		{Name: "ddebug-old", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			Reason: "Completed", ExitCode: 0, StartedAt: metav1.NewTime(t0), FinishedAt: metav1.NewTime(t1)}}},
		{Name: "debugger-xyz", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(t0)}}},
		{Name: "ddebug-new", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(t1)}}},
		{Name: "ddebug-pull", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ErrImagePull"}}},
	}
	return pod
}

func TestDebugContainers(t *testing.T) {
	pod := withDebugContainers(t, runningPod(t, 65532, 0))
	base := DebugContainer{Namespace: "ns", Pod: "web", Target: "app", Image: "tb:1", Identity: "65532:0", For: "alice", Version: "v1.2.3"}
	old, nu, pull := base, base, base
	old.Name, old.Profile, old.State, old.Reason, old.Started, old.Finished = "ddebug-old", "general", "terminated", "Completed", t0, t1
	nu.Name, nu.Profile, nu.State, nu.Started = "ddebug-new", "restricted", "running", t1
	pull.Name, pull.Profile, pull.State, pull.Reason = "ddebug-pull", "baseline", "waiting", "ErrImagePull"
	if diff := cmp.Diff([]DebugContainer{old, nu, pull}, debugContainers(pod)); diff != "" {
		t.Errorf("debugContainers (-want +got):\n%s", diff)
	}
	// The spec's order is not the order of start.
	ecs := pod.Spec.EphemeralContainers
	ecs[0], ecs[2] = ecs[2], ecs[0]
	if diff := cmp.Diff([]DebugContainer{old, nu, pull}, debugContainers(pod)); diff != "" {
		t.Errorf("debugContainers, spec in another order (-want +got):\n%s", diff)
	}
	// Without any status yet (just added): waiting, no reason.
	pod.Status.EphemeralContainerStatuses = nil
	got := debugContainers(pod)
	if len(got) != 3 || got[1].State != "waiting" || got[1].Reason != "" || !got[1].Started.IsZero() {
		t.Errorf("without statuses: %+v", got)
	}
	if got := debugContainers(runningPod(t, 0, 0)); len(got) != 0 {
		t.Errorf("a pod without debug containers: %+v", got)
	}
}

func TestList(t *testing.T) {
	web := withDebugContainers(t, runningPod(t, 65532, 0))
	web.Labels = map[string]string{"app": "web"}
	other := withDebugContainers(t, runningPod(t, 65532, 0))
	other.Name, other.Namespace = "api", "prod"
	plain := runningPod(t, 0, 0)
	plain.Name, plain.Labels = "plain", map[string]string{"app": "web"}
	names := func(l []DebugContainer) []string {
		var out []string
		for _, c := range l {
			out = append(out, c.Namespace+"/"+c.Pod+"/"+c.Name)
		}
		return out
	}
	tests := []struct {
		name string
		o    ListOptions
		want []string
	}{
		{"one pod", ListOptions{Namespace: "ns", Pod: "web"}, []string{"ns/web/ddebug-old", "ns/web/ddebug-new", "ns/web/ddebug-pull"}},
		{"a pod without any", ListOptions{Namespace: "ns", Pod: "plain"}, nil},
		{"namespace", ListOptions{Namespace: "prod"}, []string{"prod/api/ddebug-old", "prod/api/ddebug-new", "prod/api/ddebug-pull"}},
		{"selector", ListOptions{Namespace: "ns", Selector: "app=web"}, []string{"ns/web/ddebug-old", "ns/web/ddebug-new", "ns/web/ddebug-pull"}},
		{"selector matching none", ListOptions{Namespace: "ns", Selector: "app=db"}, nil},
		{"all namespaces", ListOptions{AllNamespaces: true}, []string{"ns/web/ddebug-old", "ns/web/ddebug-new", "ns/web/ddebug-pull",
			"prod/api/ddebug-old", "prod/api/ddebug-new", "prod/api/ddebug-pull"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Debugger{Client: fake.NewClientset(web, other, plain)}
			got, err := d.List(context.Background(), tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestListErrors(t *testing.T) {
	d := &Debugger{Client: fake.NewClientset(runningPod(t, 0, 0))}
	_, err := d.List(context.Background(), ListOptions{Namespace: "ns", Pod: "wbe"})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrPodNotFound) || e.Advice != "did you mean web?" {
		t.Errorf("missing pod: %v (%+v)", err, e)
	}
	client := fake.NewClientset()
	client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New(`User "bob" cannot list resource "pods"`))
	})
	d = &Debugger{Client: client}
	_, err = d.List(context.Background(), ListOptions{AllNamespaces: true})
	if !errors.Is(err, ErrForbidden) || err.Error() != "you (bob) may not list pods in all namespaces" {
		t.Errorf("forbidden list: %v", err)
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{-time.Second: "0s", 5 * time.Second: "5s", 3 * time.Minute: "3m", 5 * time.Hour: "5h", 72 * time.Hour: "3d"} {
		if got := Age(t0.Add(d), t0); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
	if got := Age(t0, time.Time{}); got != "-" {
		t.Errorf("Age of zero time = %q", got)
	}
}
