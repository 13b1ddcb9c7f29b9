package ephemeral

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func crashingPod(t *testing.T) *corev1.Pod {
	t.Helper()
	pod := runningPod(t, 65532, 0)
	pod.Labels = map[string]string{"app": "web"}
	pod.Annotations = map[string]string{"prometheus.io/scrape": "true"}
	pod.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1"}}
	pod.Spec.NodeName = "node-1"
	pod.Spec.Overhead = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")}
	pod.Spec.Volumes = []corev1.Volume{{Name: "data"}}
	app := &pod.Spec.Containers[0]
	app.Command, app.Args = []string{"/app"}, []string{"-listen", ":8080"}
	app.Env = []corev1.EnvVar{{Name: "MODE", Value: "prod"}}
	app.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
	app.LivenessProbe = &corev1.Probe{PeriodSeconds: 1}
	app.SecurityContext = &corev1.SecurityContext{RunAsNonRoot: ptr(true), AllowPrivilegeEscalation: ptr(false)}
	pod.Spec.Containers[1].ReadinessProbe = &corev1.Probe{PeriodSeconds: 1}
	pod.Spec.InitContainers = []corev1.Container{{Name: "migrate", Image: "app:1"}}
	pod.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "ddebug-x"}}}
	return pod
}

func TestBuildPodCopy(t *testing.T) {
	pod := crashingPod(t)
	before := pod.DeepCopy()
	cp, err := BuildPodCopy(pod, PodCopyOptions{Name: "web-debug", Container: "app", Image: "tb:1", Idle: 10 * time.Minute, For: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, pod); diff != "" {
		t.Errorf("BuildPodCopy changed its input (-before +after):\n%s", diff)
	}
	wantMeta := metav1.ObjectMeta{Name: "web-debug", Namespace: "ns", Annotations: map[string]string{
		copyOfAnnotation: "web", copyTargetAnnotation: "app", copyCommandAnnotation: "/app -listen :8080", forAnnotation: "alice"}}
	if diff := cmp.Diff(wantMeta, cp.ObjectMeta); diff != "" {
		t.Errorf("metadata (-want +got): no labels, annotations or owners of the original:\n%s", diff)
	}
	s := cp.Spec
	if s.NodeName != "" || s.RestartPolicy != corev1.RestartPolicyNever || s.EphemeralContainers != nil || s.Overhead != nil {
		t.Errorf("spec: node %q, restart %q, ephemeral %v, overhead %v", s.NodeName, s.RestartPolicy, s.EphemeralContainers, s.Overhead)
	}
	app := s.Containers[0]
	wantApp := before.Spec.Containers[0]
	wantApp.Command, wantApp.Args, wantApp.LivenessProbe = []string{"/ddebug/ddebug-toolbox", "sleep", "600s"}, nil, nil
	wantApp.VolumeMounts = append(wantApp.VolumeMounts, corev1.VolumeMount{Name: "ddebug-toolbox", MountPath: "/ddebug", ReadOnly: true})
	if diff := cmp.Diff(wantApp, app); diff != "" {
		t.Errorf("target container (-want +got): same image, env, mounts, security context; the toolbox as command:\n%s", diff)
	}
	if s.Containers[1].ReadinessProbe != nil || s.Containers[1].Image != "side:1" {
		t.Errorf("other container: %+v", s.Containers[1])
	}
	if len(s.InitContainers) != 2 || s.InitContainers[1].Name != "migrate" {
		t.Fatalf("init containers %+v", s.InitContainers)
	}
	wantInit := corev1.Container{Name: "ddebug-install", Image: "tb:1", ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"/bin/ddebug-toolbox", "cp", "-p", "/bin/ddebug-toolbox", "/ddebug/ddebug-toolbox"},
		VolumeMounts:    []corev1.VolumeMount{{Name: "ddebug-toolbox", MountPath: "/ddebug"}},
		SecurityContext: before.Spec.Containers[0].SecurityContext}
	if diff := cmp.Diff(wantInit, s.InitContainers[0]); diff != "" {
		t.Errorf("installer (-want +got):\n%s", diff)
	}
	if v := s.Volumes[len(s.Volumes)-1]; v.Name != "ddebug-toolbox" || v.EmptyDir == nil {
		t.Errorf("toolbox volume %+v", v)
	}

	for _, tt := range []struct {
		name string
		o    PodCopyOptions
		want string
	}{
		{"same name", PodCopyOptions{Name: "web", Container: "app", Image: "tb:1"}, "other than web"},
		{"no such container", PodCopyOptions{Name: "x", Container: "nope", Image: "tb:1"}, `no container "nope"`},
		{"no image", PodCopyOptions{Name: "x", Container: "app"}, "required"},
	} {
		if _, err := BuildPodCopy(pod, tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	cp, err = BuildPodCopy(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
		PodCopyOptions{Name: "x", Container: "c", Image: "tb:1"})
	if err != nil || cp.Annotations[copyCommandAnnotation] != "(the image's entrypoint)" {
		t.Errorf("no command: %v, %q", err, cp.Annotations[copyCommandAnnotation])
	}
}

func TestPrepareCopy(t *testing.T) {
	pod := crashingPod(t)
	o := PodCopyOptions{Name: "web-debug", Container: "app", Image: "tb:1"}

	other := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-debug", Namespace: "ns"}}
	d := &Debugger{Client: fake.NewClientset(pod, other)}
	if _, err := d.PrepareCopy(context.Background(), pod, o); !errors.Is(err, ErrCopyExists) || !strings.Contains(err.Error(), "not a ddebug copy") {
		t.Errorf("name taken: %v", err)
	}

	running, err := BuildPodCopy(pod, o)
	if err != nil {
		t.Fatal(err)
	}
	running.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
	d = &Debugger{Client: fake.NewClientset(pod, running)}
	ct, err := d.PrepareCopy(context.Background(), pod, o)
	if err != nil || !ct.Reused || ct.Original != "/app -listen :8080" || ct.Pod != "web-debug" {
		t.Errorf("reuse: %+v, %v", ct, err)
	}

	// A new copy whose installer cannot pull the image fails with the reason; one that
	// never starts times out.
	client := fake.NewClientset(pod)
	d = &Debugger{Client: client, Timeout: 300 * time.Millisecond}
	start := time.Now()
	ct, err = d.PrepareCopy(context.Background(), pod, o)
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 5*time.Second {
		t.Errorf("never starts: %v after %v (%+v)", err, time.Since(start), ct)
	}
	if _, gerr := client.CoreV1().Pods("ns").Get(context.Background(), "web-debug", metav1.GetOptions{}); gerr != nil {
		t.Errorf("the copy was not created: %v", gerr)
	}
	failing, _ := BuildPodCopy(pod, o)
	failing.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "ddebug-install", Image: "tb:1",
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ErrImageNeverPull", Message: "not present"}}}}
	if _, _, err := podState(failing, "app", "pod copy"); !errors.Is(err, ErrImagePull) || !strings.Contains(err.Error(), "tb:1") {
		t.Errorf("installer image missing: %v", err)
	}
	failing.Status.InitContainerStatuses = nil
	failing.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 127}}}}
	if _, _, err := podState(failing, "app", "pod copy"); !errors.Is(err, ErrContainerExited) {
		t.Errorf("target exited: %v", err)
	}
}
