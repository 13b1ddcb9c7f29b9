package ephemeral

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

func TestBuildNodePod(t *testing.T) {
	p, err := buildNodePod(NodePodOptions{Node: "worker-1", Namespace: "ops", Image: "tb:1-node", For: "admin", RuntimeEndpoint: "unix:///run/containerd/containerd.sock"})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Spec
	if s.NodeName != "worker-1" || !s.HostPID || !s.HostNetwork || !s.HostIPC || s.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("spec: node %q hostPID %v hostNetwork %v hostIPC %v restart %s", s.NodeName, s.HostPID, s.HostNetwork, s.HostIPC, s.RestartPolicy)
	}
	if s.AutomountServiceAccountToken == nil || *s.AutomountServiceAccountToken {
		t.Error("the node pod carries a service account token")
	}
	if len(s.Tolerations) != 1 || s.Tolerations[0].Operator != corev1.TolerationOpExists || s.Tolerations[0].Key != "" {
		t.Errorf("tolerations %+v, want every taint tolerated", s.Tolerations)
	}
	if !strings.HasPrefix(p.Name, nodePodPrefix+"worker-1-") || p.Namespace != "ops" || p.Annotations[nodeAnnotation] != "worker-1" {
		t.Errorf("meta: %s/%s %v", p.Namespace, p.Name, p.Annotations)
	}
	c := s.Containers[0]
	if c.SecurityContext == nil || c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged || *c.SecurityContext.RunAsUser != 0 {
		t.Errorf("security context %+v, want privileged root", c.SecurityContext)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	for k, want := range map[string]string{agent.EnvTargetPID: "1", agent.EnvTargetRoot: nodeHostMount, agent.EnvTarget: "node/worker-1",
		agent.EnvIdentity: agent.IdentityRoot, "CONTAINER_RUNTIME_ENDPOINT": "unix:///run/containerd/containerd.sock"} {
		if env[k] != want {
			t.Errorf("env %s=%q, want %q", k, env[k], want)
		}
	}
	if len(s.Volumes) != 1 || s.Volumes[0].HostPath == nil || s.Volumes[0].HostPath.Path != "/" || c.VolumeMounts[0].MountPath != nodeHostMount {
		t.Errorf("host root mount: %+v %+v", s.Volumes, c.VolumeMounts)
	}
	if long := nodePodName(strings.Repeat("n", 300)); len(long) > 253 {
		t.Errorf("name of %d characters", len(long))
	}
	if _, err := buildNodePod(NodePodOptions{Node: "n"}); err == nil {
		t.Error("a node pod without image and namespace was built")
	}
}

func TestPrepareNode(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", Annotations: map[string]string{criSocketAnnotation: "unix:///run/crio/crio.sock"}}}
	o := NodePodOptions{Node: "worker-l", Namespace: "ops", Image: "tb:1-node"}

	d := &Debugger{Client: fake.NewClientset(node)}
	_, err := d.PrepareNode(context.Background(), o)
	var e *Error
	if !errors.Is(err, ErrNodeNotFound) || !errors.As(err, &e) || !strings.Contains(e.Advice, "worker-1") {
		t.Errorf("missing node: %v (%+v)", err, e)
	}

	// Pod Security refuses: the advice is a privileged namespace, not a profile.
	client := fake.NewClientset(node)
	client.PrependReactor("create", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "x",
			errors.New(`violates PodSecurity "baseline:latest": privileged (container "ddebug" must not set securityContext.privileged=true)`))
	})
	o.Node = "worker-1"
	d = &Debugger{Client: client}
	t0, err := d.PrepareNode(context.Background(), o)
	if !errors.Is(err, ErrPodSecurity) || !errors.As(err, &e) || !strings.Contains(e.Advice, "enforce=privileged") || t0 != nil {
		t.Errorf("refused by pod security: %v (%+v), target %+v", err, e, t0)
	}

	// Created, never runs: a timeout, and the target to delete; the pod got the node's CRI socket.
	client = fake.NewClientset(node)
	d = &Debugger{Client: client, Timeout: 300 * time.Millisecond}
	t1, err := d.PrepareNode(context.Background(), o)
	if !errors.Is(err, ErrTimeout) || t1 == nil {
		t.Fatalf("never runs: %v, %+v", err, t1)
	}
	p, gerr := client.CoreV1().Pods("ops").Get(context.Background(), t1.Pod, metav1.GetOptions{})
	if gerr != nil {
		t.Fatal(gerr)
	}
	found := false
	for _, e := range p.Spec.Containers[0].Env {
		found = found || (e.Name == "CONTAINER_RUNTIME_ENDPOINT" && e.Value == "unix:///run/crio/crio.sock")
	}
	if !found {
		t.Errorf("the node's CRI socket did not reach the pod: %+v", p.Spec.Containers[0].Env)
	}
	if err := d.DeleteNode(context.Background(), t1); err != nil {
		t.Fatal(err)
	}
	if _, gerr := client.CoreV1().Pods("ops").Get(context.Background(), t1.Pod, metav1.GetOptions{}); !apierrors.IsNotFound(gerr) {
		t.Errorf("after DeleteNode: %v", gerr)
	}
}
