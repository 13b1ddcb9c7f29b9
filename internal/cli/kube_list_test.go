//go:build !ddebug_host

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

// fakeKubeconfig writes a kubeconfig naming a server that is never contacted.
func fakeKubeconfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: alice, user: {token: t}}]
contexts: [{name: ctx, context: {cluster: c, user: alice}}]
current-context: ctx
`), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestListCommand(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	pod := testPod()
	ec, err := ephemeral.BuildDebugContainer(ephemeral.SpecOptions{Name: "ddebug-aaaaa", Image: "tb:1", Profile: ephemeral.ProfileGeneral,
		Target: "app", TargetID: testContainerID, Identity: ephemeral.TargetIdentity(pod, "app"), For: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	ec2 := *ec
	ec2.Name = "ddebug-bbbbb"
	pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{*ec, ec2}
	pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{
		{Name: "ddebug-aaaaa", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0,
			StartedAt: metav1.NewTime(now.Add(-time.Hour)), FinishedAt: metav1.NewTime(now.Add(-30 * time.Minute))}}},
		{Name: "ddebug-bbbbb", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(now.Add(-90 * time.Second))}}},
	}
	other := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "prod"}}
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    string
		wantErr    string
	}{
		{"one pod", []string{"list", "pod/web"}, 0, `POD  CONTAINER     TARGET  STATE               STARTED  FOR    PROFILE  RUNS AS  IMAGE
web  ddebug-aaaaa  app     exited 0 (30m ago)  60m      alice  general  0:0      tb:1
web  ddebug-bbbbb  app     running             90s      alice  general  0:0      tb:1
`, ""},
		{"all namespaces", []string{"list", "-A"}, 0, `NAMESPACE  POD  CONTAINER     TARGET  STATE               STARTED  FOR    PROFILE  RUNS AS  IMAGE
default    web  ddebug-aaaaa  app     exited 0 (30m ago)  60m      alice  general  0:0      tb:1
default    web  ddebug-bbbbb  app     running             90s      alice  general  0:0      tb:1
`, ""},
		{"nothing in the namespace", []string{"list", "-n", "prod"}, 0, "", "no ddebug containers in namespace prod\n"},
		{"selector matching none", []string{"list", "-l", "app=none"}, 0, "", "no ddebug containers in namespace default (pods matching app=none)\n"},
		{"missing pod", []string{"list", "wbe"}, ExitFailure, "", "kubectl ddebug: pod wbe not found in namespace default\nhint: did you mean web?\n"},
		{"a workload", []string{"list", "deploy/web"}, ExitFailure, "", "list takes a pod"},
		{"name and -A", []string{"list", "web", "-A"}, ExitFailure, "", "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hook := withList(func(o *ListOptions) {
				o.Now = func() time.Time { return now }
				o.NewDebugger = func() (*ephemeral.Debugger, error) {
					return &ephemeral.Debugger{Client: fake.NewClientset(pod.DeepCopy(), other)}, nil
				}
			})
			status, out, errOut := runPluginWith(t, []Option{hook}, append(tt.args, "--kubeconfig", fakeKubeconfig(t))...)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d\nstderr: %s", status, tt.wantStatus, errOut)
			}
			if out != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
		})
	}
}
