//go:build !ddebug_host

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	uexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

const testContainerID = "containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func testPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}}},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{
			Name: "app", ContainerID: testContainerID, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}},
			User: &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: 0, GID: 0}},
		}}},
	}
}

// kubeRun runs `kubectl ddebug args...` with a fake cluster holding a running pod web
// whose debug container is already running (so it is reused), exec answering with
// execErr, and returns the exit status, stderr and the exec requests.
func kubeRun(t *testing.T, execErr error, resolveErr error, args ...string) (int, string, []ephemeral.ExecRequest) {
	t.Helper()
	status, stderr, execs, _ := kubeRunClient(t, nil, execErr, resolveErr, args...)
	return status, stderr, execs
}

// kubeRunClient is kubeRun that lets setup add reactors to the fake cluster first, and
// returns it.
func kubeRunClient(t *testing.T, setup func(*fake.Clientset), execErr error, resolveErr error, args ...string) (int, string, []ephemeral.ExecRequest, *fake.Clientset) {
	t.Helper()
	pod := podWithDebugContainer(t)
	client := fake.NewClientset(pod, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-2", Namespace: "default"}})
	if setup != nil {
		setup(client)
	}
	var execs []ephemeral.ExecRequest
	hook := withKube(func(o *KubeOptions) {
		o.NewDebugger = func() (*ephemeral.Debugger, error) {
			return &ephemeral.Debugger{Client: client, Exec: func(_ context.Context, r ephemeral.ExecRequest) error {
				execs = append(execs, r)
				return execErr
			}}, nil
		}
		o.ResolvePod = func(context.Context) (*corev1.Pod, error) {
			if resolveErr != nil {
				return nil, resolveErr
			}
			return pod, nil
		}
	})
	status, _, stderr := runPluginWith(t, []Option{hook}, append([]string{"--kubeconfig", fakeKubeconfig(t)}, args...)...)
	return status, stderr, execs, client
}

// podWithDebugContainer is testPod with a running debug container of ddebug's for app.
func podWithDebugContainer(t *testing.T) *corev1.Pod {
	t.Helper()
	pod := testPod()
	ec, err := ephemeral.BuildDebugContainer(ephemeral.SpecOptions{Name: "ddebug-aaaaa", Image: DefaultImage, Profile: ephemeral.ProfileGeneral,
		Target: "app", TargetID: testContainerID, Identity: ephemeral.TargetIdentity(pod, "app")})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{*ec}
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: ec.Name, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
	return pod
}

// runPlugin runs the plugin's command line with args and returns the exit status main
// gives, stdout, and stderr with the error main prints.
func runPlugin(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	return runPluginWith(t, nil, args...)
}

// runPluginWith is runPlugin with the options (the seams of the commands) opts set.
func runPluginWith(t *testing.T, opts []Option, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := NewRootCommand("kubectl-ddebug", Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, opts...)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	var ee exitError
	switch {
	case errors.As(err, &ee):
		return ee.status, out.String(), errOut.String()
	case err != nil:
		return ExitFailure, out.String(), errOut.String() + err.Error()
	}
	return 0, out.String(), errOut.String()
}

// TestKubeRecordsRequester: a new debug container records the API server's name for the
// user (a SelfSubjectReview); a reused one asks nothing.
func TestKubeRecordsRequester(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		isNew bool
	}{{[]string{"web", "-q", "--", "true"}, false}, {[]string{"web", "-q", "--new", "--", "true"}, true}} {
		args, isNew := tt.args, tt.isNew
		asked := 0
		setup := func(c *fake.Clientset) {
			c.PrependReactor("create", "selfsubjectreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
				asked++
				return true, &authnv1.SelfSubjectReview{Status: authnv1.SelfSubjectReviewStatus{UserInfo: authnv1.UserInfo{Username: "oidc:alice"}}}, nil
			})
			c.PrependReactor("patch", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
				// Answer the patch with the debug container already running.
				pod := testPod()
				var patch struct {
					Spec struct{ EphemeralContainers []corev1.EphemeralContainer } `json:"spec"`
				}
				if err := json.Unmarshal(a.(k8stesting.PatchAction).GetPatch(), &patch); err != nil {
					return true, nil, err
				}
				pod.Spec.EphemeralContainers = patch.Spec.EphemeralContainers
				for _, ec := range patch.Spec.EphemeralContainers {
					pod.Status.EphemeralContainerStatuses = append(pod.Status.EphemeralContainerStatuses,
						corev1.ContainerStatus{Name: ec.Name, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}})
				}
				c.Tracker().Update(corev1.SchemeGroupVersion.WithResource("pods"), pod, "default")
				return true, pod, nil
			})
		}
		status, stderr, _, client := kubeRunClient(t, setup, nil, nil, args...)
		if status != 0 {
			t.Fatalf("%v: status %d; stderr:\n%s", args, status, stderr)
		}
		if !isNew {
			if asked != 0 {
				t.Errorf("%v: %d SelfSubjectReviews for a reused container, want none", args, asked)
			}
			continue
		}
		var recorded []string
		for _, a := range client.Actions() {
			if p, ok := a.(k8stesting.PatchAction); ok {
				recorded = append(recorded, string(p.GetPatch()))
			}
		}
		if asked != 1 || len(recorded) != 1 || !strings.Contains(recorded[0], `"name":"DDEBUG_FOR","value":"oidc:alice"`) {
			t.Errorf("%v: %d SelfSubjectReviews, patches %v; want one review and DDEBUG_FOR=oidc:alice", args, asked, recorded)
		}
	}
}

func TestKubeCommandLine(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		execErr    error
		resolveErr error
		wantStatus int
		wantCmd    []string
		wantStdin  bool
		wantErr    string
	}{
		{"command after --", []string{"web", "--", "ss", "-ltn"}, nil, nil, 0,
			[]string{"/bin/ddebug-toolbox", "ddebug-agent", "--session", "--", "ss", "-ltn"}, false, ""},
		{"flags after NAME, -q", []string{"pod/web", "-q", "-c", "app", "--", "true"}, nil, nil, 0,
			[]string{"/bin/ddebug-toolbox", "ddebug-agent", "--session", "-q", "--", "true"}, false, ""},
		{"-i passes stdin", []string{"web", "-i", "--", "cat"}, nil, nil, 0,
			[]string{"/bin/ddebug-toolbox", "ddebug-agent", "--session", "--", "cat"}, true, ""},
		{"no command: the shell, with stdin", []string{"web"}, nil, nil, 0,
			[]string{"/bin/ddebug-toolbox", "ddebug-agent", "--session", "--"}, true, ""},
		{"exit status passed through", []string{"web", "--", "false"}, uexec.CodeExitError{Err: errors.New("exit 7"), Code: 7}, nil, 7, nil, false, ""},
		{"command without --", []string{"web", "ls"}, nil, nil, ExitFailure, nil, false, "put the command after --"},
		{"bad profile", []string{"web", "--profile=legacy", "--", "true"}, nil, nil, ExitFailure, nil, false, "unknown profile"},
		{"bad pull policy", []string{"web", "--image-pull-policy=Sometimes", "--", "true"}, nil, nil, ExitFailure, nil, false, "--image-pull-policy"},
		{"pod not found suggests", []string{"wbe", "--", "true"}, nil, apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "wbe"),
			ExitFailure, nil, false, "hint: did you mean web"},
		{"workload not found", []string{"sts/nope", "--", "true"}, nil, apierrors.NewNotFound(schema.GroupResource{Group: "apps", Resource: "statefulsets"}, "nope"),
			ExitFailure, nil, false, "kubectl ddebug: sts/nope not found in namespace default\n"},
		{"exec forbidden", []string{"web", "--", "true"}, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "web", fmt.Errorf(`User "bob" cannot create resource "pods/exec"`)), nil,
			ExitFailure, nil, false, "kubectl ddebug: you (bob) may not create pods/exec in namespace default\nhint: ask for a Role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stderr, execs := kubeRun(t, tt.execErr, tt.resolveErr, tt.args...)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d; stderr:\n%s", status, tt.wantStatus, stderr)
			}
			if tt.wantErr != "" && !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
			if tt.wantCmd == nil {
				return
			}
			if len(execs) != 1 {
				t.Fatalf("%d execs, want 1", len(execs))
			}
			if diff := cmp.Diff(tt.wantCmd, execs[0].Command); diff != "" {
				t.Errorf("exec command (-want +got):\n%s", diff)
			}
			if execs[0].Container != "ddebug-aaaaa" || (execs[0].Stdin != nil) != tt.wantStdin {
				t.Errorf("exec into %q with stdin %v, want the reused ddebug-aaaaa with stdin %v", execs[0].Container, execs[0].Stdin != nil, tt.wantStdin)
			}
		})
	}
}

func TestPodName(t *testing.T) {
	for ref, want := range map[string]string{"web": "web", "pod/web": "web", "pods/web": "web", "po/web": "web", "deploy/web": ""} {
		got, ok := podName(ref)
		if got != want || ok != (want != "") {
			t.Errorf("podName(%q) = %q, %v", ref, got, ok)
		}
	}
}

func TestNodeName(t *testing.T) {
	for ref, want := range map[string]string{"node/w1": "w1", "nodes/w1": "w1", "no/w1": "w1", "w1": "", "pod/w1": "", "node/": ""} {
		got, ok := nodeName(ref)
		if got != want || ok != (want != "") {
			t.Errorf("nodeName(%q) = %q, %v", ref, got, ok)
		}
	}
}

func TestKubeNodeErrors(t *testing.T) {
	status, stderr, execs := kubeRun(t, nil, nil, "node/w1", "-c", "app", "--", "true")
	if status != ExitFailure || !strings.Contains(stderr, "a node has none") || len(execs) != 0 {
		t.Errorf("node/ with -c: %d %q", status, stderr)
	}
	status, stderr, _ = kubeRun(t, nil, nil, "node/w1", "--", "true")
	if status != ExitFailure || !strings.Contains(stderr, "node w1 not found") || strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
		t.Errorf("missing node: %d %q", status, stderr)
	}
}
