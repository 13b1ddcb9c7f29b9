package ephemeral

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const testID = "containerd://4f3a9c0d1e2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7"

// runningPod is pod web in ns with container app running as uid:gid (as the kubelet
// reports it) and a second container side.
func runningPod(t *testing.T, uid, gid int64) *corev1.Pod {
	t.Helper()
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "u-1"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "app", Image: "app:1"},
			{Name: "side", Image: "side:1"},
		}},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning,
			ContainerStatuses: []corev1.ContainerStatus{
				{
					Name: "app", ContainerID: testID, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}},
					User: &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: uid, GID: gid}},
				},
				{Name: "side", ContainerID: "containerd://side0123456789", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
			},
		},
	}
}

func i64(v int64) *int64 { return &v }
