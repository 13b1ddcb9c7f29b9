//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	uexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

func TestCopyToCommand(t *testing.T) {
	pod := testPod()
	pod.Spec.Containers[0].Command = []string{"/app", "-listen", ":8080"}
	pod.Status.ContainerStatuses[0].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}
	copyOf := func(t *testing.T) *corev1.Pod {
		cp, err := ephemeral.BuildPodCopy(pod, ephemeral.PodCopyOptions{Name: "web-debug", Container: "app", Image: DefaultImage})
		if err != nil {
			t.Fatal(err)
		}
		cp.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
		return cp
	}
	tests := []struct {
		name       string
		args       []string
		execErr    error
		wantStatus int
		wantCmd    []string
		wantErr    string
		wantGone   bool
	}{
		{"a command in the copy", []string{"web", "--copy-to", "web-debug", "--", "cat", "/etc/marker"}, nil, 0,
			[]string{"/ddebug/ddebug-toolbox", "env", "cat", "/etc/marker"}, "reusing pod copy web-debug", false},
		{"exit status and --rm", []string{"web", "--copy-to=web-debug", "--rm", "--", "false"}, uexec.CodeExitError{Err: errors.New("exit 1"), Code: 1}, 1,
			[]string{"/ddebug/ddebug-toolbox", "env", "false"}, "deleted pod web-debug", true},
		{"the shell", []string{"web", "--copy-to=web-debug", "-q"}, nil, 0, []string{"/ddebug/ddebug-toolbox", "sh"}, "", false},
		{"--rm alone", []string{"web", "--rm", "--", "true"}, nil, ExitFailure, nil, "--rm goes with --copy-to", false},
		{"with --all-pods", []string{"web", "--copy-to=x", "--all-pods", "--", "true"}, nil, ExitFailure, nil, "does not go with --all-pods", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := fake.NewClientset(pod.DeepCopy(), copyOf(t))
			var execs [][]string
			hook := withKube(func(o *KubeOptions) {
				o.NewDebugger = func() (*ephemeral.Debugger, error) {
					return &ephemeral.Debugger{Client: client, Exec: func(_ context.Context, r ephemeral.ExecRequest) error {
						if r.Pod != "web-debug" || r.Container != "app" {
							t.Errorf("exec into %s/%s", r.Pod, r.Container)
						}
						execs = append(execs, r.Command)
						return tt.execErr
					}}, nil
				}
				o.ResolvePod = func(context.Context) (*corev1.Pod, error) { return pod, nil }
			})
			status, _, errOut := runPluginWith(t, []Option{hook}, append([]string{"--kubeconfig", fakeKubeconfig(t)}, tt.args...)...)
			if status != tt.wantStatus || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("status %d, stderr %q; want %d with %q", status, errOut, tt.wantStatus, tt.wantErr)
			}
			if tt.wantCmd != nil {
				if diff := cmp.Diff([][]string{tt.wantCmd}, execs); diff != "" {
					t.Errorf("execs (-want +got):\n%s", diff)
				}
			}
			_, gerr := client.CoreV1().Pods("default").Get(context.Background(), "web-debug", metav1.GetOptions{})
			if gone := apierrors.IsNotFound(gerr); gone != tt.wantGone {
				t.Errorf("copy deleted: %v, want %v", gone, tt.wantGone)
			}
		})
	}
}
