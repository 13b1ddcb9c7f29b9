package ephemeral

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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
	uexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// newDebugger returns a Debugger on a fake clientset holding objs, whose progress lines
// are collected, and which calls onWait once when it starts waiting.
func newDebugger(t *testing.T, onWait func(*fake.Clientset), objs ...runtime.Object) (*Debugger, *fake.Clientset, *[]string) {
	t.Helper()
	client := fake.NewClientset(objs...)
	var mu sync.Mutex
	var lines []string
	var once sync.Once
	d := &Debugger{
		Client:     client,
		NameSuffix: func() string { return "abcde" },
		Timeout:    5 * time.Second,
	}
	d.Progress = func(s Step) {
		mu.Lock()
		lines = append(lines, s.Detail)
		mu.Unlock()
		if s.What == "waiting" && onWait != nil {
			once.Do(func() { go onWait(client) })
		}
	}
	return d, client, &lines
}

func namespace(labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns", Labels: labels}}
}

// setEphemeralState sets the state of the debug container ddebug-abcde in the stored pod.
func setEphemeralState(t *testing.T, client *fake.Clientset, state corev1.ContainerState) {
	pod, err := client.CoreV1().Pods("ns").Get(context.Background(), "web", metav1.GetOptions{})
	if err != nil {
		t.Error(err)
		return
	}
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "ddebug-abcde", Image: "toolbox:1", State: state}}
	if _, err := client.CoreV1().Pods("ns").UpdateStatus(context.Background(), pod, metav1.UpdateOptions{}); err != nil {
		t.Error(err)
	}
}

func patches(client *fake.Clientset) []k8stesting.PatchAction {
	var out []k8stesting.PatchAction
	for _, a := range client.Actions() {
		if p, ok := a.(k8stesting.PatchAction); ok {
			out = append(out, p)
		}
	}
	return out
}

func TestPrepareAddsAndWaits(t *testing.T) {
	pod := runningPod(t, 65532, 0)
	d, client, lines := newDebugger(t, func(c *fake.Clientset) {
		setEphemeralState(t, c, corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}})
		setEphemeralState(t, c, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})
	}, pod, namespace(map[string]string{labelEnforce: "restricted"}))
	got, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: ProfileAuto, For: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	want := &Target{Namespace: "ns", Pod: "web", Container: "app", Debug: "ddebug-abcde", Profile: ProfileRestricted, Identity: "65532:0", Toolbox: agent.DefaultToolboxPath}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Prepare (-want +got):\n%s", diff)
	}
	ps := patches(client)
	if len(ps) != 1 || ps[0].GetSubresource() != "ephemeralcontainers" {
		t.Fatalf("patches = %v, want one on the ephemeralcontainers subresource", ps)
	}
	stored, _ := client.CoreV1().Pods("ns").Get(context.Background(), "web", metav1.GetOptions{})
	if n := len(stored.Spec.EphemeralContainers); n != 1 || stored.Spec.EphemeralContainers[0].TargetContainerName != "app" {
		t.Errorf("stored ephemeral containers = %+v", stored.Spec.EphemeralContainers)
	}
	if joined := strings.Join(*lines, "\n"); !strings.Contains(joined, "ContainerCreating") || !strings.Contains(joined, "profile restricted") {
		t.Errorf("progress lines lack the waiting state or the profile:\n%s", joined)
	}
}

func TestPrepareReusesRunningContainer(t *testing.T) {
	pod := runningPod(t, 65532, 0)
	ec, err := BuildDebugContainer(SpecOptions{Name: "ddebug-old", Image: "toolbox:1", Profile: ProfileGeneral, Target: "app", TargetID: testID, Identity: TargetIdentity(pod, "app")})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{*ec}
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "ddebug-old", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}

	tests := []struct {
		name   string
		mutate func(*corev1.Pod, *Request)
		reuse  bool
	}{
		{"same identity", func(*corev1.Pod, *Request) {}, true},
		{"--new", func(_ *corev1.Pod, r *Request) { r.NoReuse = true }, false},
		{"other image", func(_ *corev1.Pod, r *Request) { r.Image = "toolbox:2" }, false},
		{"other profile", func(_ *corev1.Pod, r *Request) { r.Profile = ProfileBaseline }, false},
		{"target restarted since", func(p *corev1.Pod, _ *Request) {
			p.Status.ContainerStatuses[0].ContainerID = "containerd://1111111111111111"
		}, false},
		{"other uid", func(p *corev1.Pod, _ *Request) { p.Status.ContainerStatuses[0].User.Linux.UID = 1000 }, false},
		{"it exited", func(p *corev1.Pod, _ *Request) {
			p.Status.EphemeralContainerStatuses[0].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pod.DeepCopy()
			req := Request{Pod: p, Image: "toolbox:1", Profile: ProfileAuto}
			tt.mutate(p, &req)
			d, client, _ := newDebugger(t, func(c *fake.Clientset) {
				setEphemeralState(t, c, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})
			}, p, namespace(nil))
			got, err := d.Prepare(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Reused != tt.reuse || (tt.reuse && got.Debug != "ddebug-old") {
				t.Errorf("Prepare = %+v, want reuse %v", got, tt.reuse)
			}
			if n := len(patches(client)); (n == 0) != tt.reuse {
				t.Errorf("%d patches, want reuse %v", n, tt.reuse)
			}
		})
	}
}

func TestPrepareFailsFast(t *testing.T) {
	waiting := func(reason, msg string) func(*fake.Clientset) {
		return func(c *fake.Clientset) {
			setEphemeralState(nil, c, corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: msg}})
		}
	}
	event := func(reason, msg string) func(*fake.Clientset) {
		return func(c *fake.Clientset) {
			_, err := c.CoreV1().Events("ns").Create(context.Background(), &corev1.Event{
				ObjectMeta:     metav1.ObjectMeta{Name: "ev-" + strings.ToLower(reason), Namespace: "ns"},
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web", Namespace: "ns", FieldPath: "spec.ephemeralContainers{ddebug-abcde}"},
				Type:           evType(reason), Reason: reason, Message: msg,
			}, metav1.CreateOptions{})
			if err != nil {
				panic(err)
			}
		}
	}
	tests := []struct {
		name    string
		onWait  func(*fake.Clientset)
		kind    error
		wantMsg string
	}{
		{"pull error in the status", waiting("ErrImagePull", `failed to pull "nope:1": not found`), ErrImagePull, "nope:1"},
		{"never pull", waiting("ErrImageNeverPull", `Container image "nope:1" is not present with pull policy of Never`), ErrImagePull, "not present"},
		{"config error in the status", waiting("CreateContainerConfigError", "container has runAsNonRoot and image will run as root"), ErrCreateContainer, "runAsNonRoot"},
		{"warning event before the status", event("Failed", "Error: container has runAsNonRoot and image will run as root"), ErrCreateContainer, "runAsNonRoot"},
		{"pull event", event("Failed", `Failed to pull image "nope:1": rpc error: not found`), ErrImagePull, "nope:1"},
		{"exited", func(c *fake.Clientset) {
			setEphemeralState(nil, c, corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "StartError", ExitCode: 128, Message: "exec: /bin/ddebug-toolbox: not found"}})
		}, ErrContainerExited, "not found"},
		{"timeout", nil, ErrTimeout, "did not start"},
		{"normal events are progress, not failures", func(c *fake.Clientset) { event("Pulled", "image already present")(c); event("Created", "created")(c) }, ErrTimeout, "did not start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := runningPod(t, 65532, 0)
			d, _, _ := newDebugger(t, tt.onWait, pod, namespace(nil))
			d.Timeout = time.Second
			start := time.Now()
			_, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: ProfileGeneral})
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Prepare err = %v, want %v mentioning %q", err, tt.kind, tt.wantMsg)
			}
			if tt.kind != ErrTimeout && time.Since(start) > 500*time.Millisecond {
				t.Errorf("failure reported after %v, want at once", time.Since(start))
			}
		})
	}
}

func evType(reason string) string {
	switch reason {
	case "Pulled", "Created", "Started":
		return corev1.EventTypeNormal
	}
	return corev1.EventTypeWarning
}

func TestPrepareReadyOnStartedEvent(t *testing.T) {
	pod := runningPod(t, 65532, 0)
	d, _, _ := newDebugger(t, func(c *fake.Clientset) {
		_, err := c.CoreV1().Events("ns").Create(context.Background(), &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: "started", Namespace: "ns"},
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web", Namespace: "ns", FieldPath: "spec.ephemeralContainers{ddebug-abcde}"},
			Type:           corev1.EventTypeNormal, Reason: "Started", Message: "Started container ddebug-abcde",
		}, metav1.CreateOptions{})
		if err != nil {
			panic(err)
		}
	}, pod, namespace(nil))
	d.Timeout = 2 * time.Second
	start := time.Now()
	if _, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: ProfileGeneral}); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("ready after %v, want at the Started event", time.Since(start))
	}
}

func TestPrepareRefusesBeforeAdding(t *testing.T) {
	windows := runningPod(t, 0, 0)
	windows.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
	windowsSelector := runningPod(t, 0, 0)
	windowsSelector.Spec.NodeSelector = map[string]string{corev1.LabelOSStable: "windows"}
	onWindowsNode := runningPod(t, 0, 0)
	onWindowsNode.Spec.NodeName = "win-1"
	winNode := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "win-1", Labels: map[string]string{corev1.LabelOSStable: "windows"}}}
	waitingPod := runningPod(t, 0, 0)
	waitingPod.Status.ContainerStatuses[0].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}
	annotated := runningPod(t, 0, 0)
	annotated.Annotations = map[string]string{defaultContainerAnnotation: "nope"}
	tests := []struct {
		name      string
		pod       *corev1.Pod
		container string
		profile   Profile
		kind      error
		want      string
		node      *corev1.Node
	}{
		{"windows", windows, "", ProfileGeneral, ErrWindows, "Windows nodes are not supported", nil},
		{"windows nodeSelector", windowsSelector, "", ProfileAuto, ErrWindows, "Windows nodes are not supported", nil},
		{"windows node label", onWindowsNode, "", ProfileAuto, ErrWindows, "node win-1, a Windows node", winNode},
		{"not running", waitingPod, "", ProfileGeneral, ErrTargetNotRunning, "CrashLoopBackOff", nil},
		{"no such container", runningPod(t, 0, 0), "db", ProfileGeneral, ErrNoSuchContainer, `no container "db"`, nil},
		{"bad default-container annotation", annotated, "", ProfileGeneral, ErrNoSuchContainer, `"nope"`, nil},
		{"restricted on a root target", runningPod(t, 0, 0), "", ProfileRestricted, ErrPodSecurity, "restricted forbids root", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := []runtime.Object{tt.pod, namespace(nil)}
			if tt.node != nil {
				objs = append(objs, tt.node)
			}
			d, client, _ := newDebugger(t, nil, objs...)
			_, err := d.Prepare(context.Background(), Request{Pod: tt.pod, Container: tt.container, Image: "toolbox:1", Profile: tt.profile})
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Prepare err = %v, want %v mentioning %q", err, tt.kind, tt.want)
			}
			if n := len(patches(client)); n != 0 {
				t.Errorf("%d patches sent for a refused request", n)
			}
		})
	}
}

// TestPrepareNodeUnreadable: a node that may not be read, or is gone, refuses nothing.
func TestPrepareNodeUnreadable(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"forbidden", apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "worker-1", errors.New(`User "bob" cannot get resource "nodes"`))},
		{"not found", apierrors.NewNotFound(schema.GroupResource{Resource: "nodes"}, "worker-1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := runningPod(t, 65532, 0)
			pod.Spec.NodeName = "worker-1"
			d, client, _ := newDebugger(t, func(c *fake.Clientset) {
				setEphemeralState(t, c, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})
			}, pod, namespace(nil))
			gets := 0
			client.PrependReactor("get", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
				gets++
				return true, nil, tt.err
			})
			if _, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: ProfileGeneral}); err != nil {
				t.Fatal(err)
			}
			if gets != 1 || len(patches(client)) != 1 {
				t.Errorf("%d node gets and %d patches, want 1 and 1", gets, len(patches(client)))
			}
		})
	}
}

// TestPrepareRootTargetInRestrictedNamespace: restricted forbids root, so no profile is
// advised for a root target there; the advice says what would debug it.
func TestPrepareRootTargetInRestrictedNamespace(t *testing.T) {
	rejectAll := func(c *fake.Clientset) {
		c.PrependReactor("patch", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "web",
				errors.New(`violates PodSecurity "restricted:latest": runAsNonRoot != true (container "ddebug-abcde" must set securityContext.runAsNonRoot=true)`))
		})
	}
	tests := []struct {
		name    string
		profile Profile
		ns      *corev1.Namespace
		patches int
	}{
		{"explicit general, rejected", ProfileGeneral, namespace(map[string]string{labelEnforce: "restricted"}), 1},
		{"auto, namespace read", ProfileAuto, namespace(map[string]string{labelEnforce: "restricted"}), 0},
		{"auto, level learnt from the rejection", ProfileAuto, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := runningPod(t, 0, 0)
			pod.Spec.NodeName = "worker-1"
			objs := []runtime.Object{pod}
			if tt.ns != nil {
				objs = append(objs, tt.ns)
			}
			d, client, _ := newDebugger(t, nil, objs...)
			rejectAll(client)
			_, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: tt.profile})
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrPodSecurity) {
				t.Fatalf("Prepare err = %v, want a Pod Security *Error", err)
			}
			if strings.Contains(e.Advice, "--profile=restricted") || !strings.Contains(e.Advice, "runs as root, which restricted") ||
				!strings.Contains(e.Advice, "enforce=baseline") || !strings.Contains(e.Advice, "node/worker-1") {
				t.Errorf("advice %q: want no restricted, why, and what would work", e.Advice)
			}
			if n := len(patches(client)); n != tt.patches {
				t.Errorf("%d patches, want %d", n, tt.patches)
			}
		})
	}
}

func TestPrepareAutoLearnsLevelFromRejection(t *testing.T) {
	pod := runningPod(t, 65532, 0)
	d, client, _ := newDebugger(t, func(c *fake.Clientset) {
		setEphemeralState(t, c, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})
	}, pod)
	client.PrependReactor("get", "namespaces", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, "ns", errors.New("no"))
	})
	client.PrependReactor("patch", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if strings.Contains(string(a.(k8stesting.PatchAction).GetPatch()), "SYS_PTRACE") {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "web",
				errors.New(`violates PodSecurity "baseline:latest": non-default capabilities (container "ddebug-abcde" must not include "SYS_PTRACE" in securityContext.capabilities.add)`))
		}
		return false, nil, nil
	})
	got, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: ProfileAuto})
	if err != nil {
		t.Fatal(err)
	}
	if got.Profile != ProfileBaseline {
		t.Errorf("profile = %s, want baseline after the rejection", got.Profile)
	}
	if n := len(patches(client)); n != 2 {
		t.Errorf("%d patches, want 2 (general refused, then baseline)", n)
	}
}

func TestSessionExitStatusAndErrors(t *testing.T) {
	tgt := &Target{Namespace: "ns", Pod: "web", Container: "app", Debug: "ddebug-abcde", Toolbox: "/bin/ddebug-toolbox", Reused: true}
	tests := []struct {
		name     string
		execErr  error
		want     int
		wantKind error
	}{
		{"success", nil, 0, nil},
		{"exit 7", uexec.CodeExitError{Err: fmt.Errorf("command terminated with exit code 7"), Code: 7}, 7, nil},
		{"reused container gone", errors.New(`container "ddebug-abcde" not found in pod "web"`), 0, ErrContainerExited},
		{"forbidden", apierrors.NewForbidden(schema.GroupResource{Resource: "pods/exec"}, "web", errors.New(`User "bob" cannot create resource "pods/exec"`)), 0, ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ExecRequest
			d := &Debugger{Exec: func(_ context.Context, r ExecRequest) error { got = r; return tt.execErr }}
			status, err := d.Session(context.Background(), tgt, []string{"ss", "-ltn"}, true, ExecRequest{})
			if status != tt.want || (tt.wantKind == nil) != (err == nil) || (tt.wantKind != nil && !errors.Is(err, tt.wantKind)) {
				t.Fatalf("Session = %d, %v; want %d, %v", status, err, tt.want, tt.wantKind)
			}
			wantCmd := []string{"/bin/ddebug-toolbox", "ddebug-agent", "--session", "-q", "--", "ss", "-ltn"}
			if diff := cmp.Diff(wantCmd, got.Command); diff != "" || got.Container != "ddebug-abcde" || got.Pod != "web" {
				t.Errorf("exec request %+v (command -want +got:\n%s)", got, diff)
			}
		})
	}
}

func TestPodNotFoundSuggests(t *testing.T) {
	client := fake.NewClientset(
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "ns"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "db-0", Namespace: "ns"}},
	)
	err := PodNotFound(context.Background(), client, "ns", "wbe-1")
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrPodNotFound) || !strings.Contains(e.Advice, "web-1") || strings.Contains(e.Advice, "db-0") {
		t.Errorf("PodNotFound = %v (advice %q), want web-1 suggested", err, e.Advice)
	}
}
