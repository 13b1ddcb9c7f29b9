package ephemeral

import (
	"context"
	"errors"
	"testing"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// answerWhoAmI makes client answer SelfSubjectReviews with user, or err, and returns how
// many were asked.
func answerWhoAmI(client *fake.Clientset, user string, err error) *int {
	n := new(int)
	client.PrependReactor("create", "selfsubjectreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		*n++
		if err != nil {
			return true, nil, err
		}
		return true, &authnv1.SelfSubjectReview{Status: authnv1.SelfSubjectReviewStatus{UserInfo: authnv1.UserInfo{Username: user}}}, nil
	})
	return n
}

func TestPrepareRecordsRequester(t *testing.T) {
	tests := []struct {
		name   string
		user   string
		err    error
		want   string
		reused bool
	}{
		{"the API server's name", "oidc:alice@example.com", nil, "oidc:alice@example.com", false},
		{"no SelfSubjectReview API", "", apierrors.NewNotFound(schema.GroupResource{Group: "authentication.k8s.io", Resource: "selfsubjectreviews"}, ""), "alice", false},
		{"review forbidden", "", apierrors.NewForbidden(schema.GroupResource{Group: "authentication.k8s.io", Resource: "selfsubjectreviews"}, "", errors.New("no")), "alice", false},
		{"empty answer", "", nil, "alice", false},
		{"reused: nothing asked", "oidc:alice@example.com", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := runningPod(t, 65532, 0)
			if tt.reused {
				ec, err := BuildDebugContainer(SpecOptions{Name: "ddebug-old", Image: "toolbox:1", Profile: ProfileGeneral, Target: "app", TargetID: testID, Identity: TargetIdentity(pod, "app")})
				if err != nil {
					t.Fatal(err)
				}
				pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{*ec}
				pod.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "ddebug-old", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
			}
			d, client, _ := newDebugger(t, func(c *fake.Clientset) {
				setEphemeralState(t, c, corev1.ContainerState{Running: &corev1.ContainerStateRunning{}})
			}, pod, namespace(nil))
			asked := answerWhoAmI(client, tt.user, tt.err)
			got, err := d.Prepare(context.Background(), Request{Pod: pod, Image: "toolbox:1", Profile: ProfileGeneral, For: "alice"})
			if err != nil {
				t.Fatal(err)
			}
			if tt.reused {
				if !got.Reused || *asked != 0 {
					t.Errorf("reused %v after %d SelfSubjectReviews, want reuse and none", got.Reused, *asked)
				}
				return
			}
			if *asked != 1 {
				t.Errorf("%d SelfSubjectReviews, want 1", *asked)
			}
			stored, _ := client.CoreV1().Pods("ns").Get(context.Background(), "web", metav1.GetOptions{})
			if n := len(stored.Spec.EphemeralContainers); n != 1 {
				t.Fatalf("%d ephemeral containers stored, want 1", n)
			}
			if rec := envOf(&stored.Spec.EphemeralContainers[0], agent.EnvFor); rec != tt.want {
				t.Errorf("%s = %q, want %q", agent.EnvFor, rec, tt.want)
			}
		})
	}
}

func TestRequesterAsksOnce(t *testing.T) {
	d, client, _ := newDebugger(t, nil)
	asked := answerWhoAmI(client, "bob", nil)
	for range 3 {
		if got := d.requester(context.Background(), "fallback"); got != "bob" {
			t.Fatalf("requester = %q, want bob", got)
		}
	}
	if *asked != 1 {
		t.Errorf("%d SelfSubjectReviews, want 1 per Debugger", *asked)
	}
}
