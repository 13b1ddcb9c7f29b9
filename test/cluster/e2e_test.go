//go:build e2e

package cluster_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
	"github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/clustertest"
)

const (
	targetImage     = "ddebug.test/e2e/target:1"
	debugImage      = "ddebug.test/e2e/debug-nonroot:1"
	rootDebugImage  = "ddebug.test/e2e/debug-root:1"
	nonRootUser     = "65532:65532"
	restrictedLabel = "pod-security.kubernetes.io/enforce"
)

// pod holds the few fields of a v1.Pod the test reads.
type pod struct {
	Status struct {
		Phase                      string            `json:"phase"`
		EphemeralContainerStatuses []containerStatus `json:"ephemeralContainerStatuses"`
	} `json:"status"`
	Spec struct {
		EphemeralContainers []struct {
			Name string `json:"name"`
		} `json:"ephemeralContainers"`
	} `json:"spec"`
}

type containerStatus struct {
	Name  string `json:"name"`
	State struct {
		Running *struct{} `json:"running"`
		Waiting *struct {
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"waiting"`
		Terminated *struct {
			Reason string `json:"reason"`
		} `json:"terminated"`
	} `json:"state"`
}

func getPod(t *testing.T, c *clustertest.Cluster, ns, name string) pod {
	t.Helper()
	var p pod
	out := c.MustKubectl(t, "-n", ns, "get", "pod", name, "-o", "json")
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("decoding pod %s/%s: %v", ns, name, err)
	}
	return p
}

func ephemeralStatus(p pod, name string) (containerStatus, bool) {
	for _, s := range p.Status.EphemeralContainerStatuses {
		if s.Name == name {
			return s, true
		}
	}
	return containerStatus{}, false
}

// loadImages builds the FROM-scratch images of the test: a non-root
// target, and the same debug tool (ps) as a non-root and as a root image.
func loadImages(t *testing.T, c *clustertest.Cluster) {
	t.Helper()
	pause := clustertest.BuildStatic(t, "github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/cmd/pause")
	ps := clustertest.BuildStatic(t, "github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/cmd/ps")
	app, err := ocibuild.FileFromHost("/app", pause)
	if err != nil {
		t.Fatal(err)
	}
	psFile, err := ocibuild.FileFromHost("/ps", ps)
	if err != nil {
		t.Fatal(err)
	}
	c.LoadImage(t, targetImage, []ocibuild.File{app}, ocibuild.Config{Entrypoint: []string{"/app"}, User: nonRootUser})
	c.LoadImage(t, debugImage, []ocibuild.File{psFile}, ocibuild.Config{Entrypoint: []string{"/ps"}, User: nonRootUser})
	c.LoadImage(t, rootDebugImage, []ocibuild.File{psFile}, ocibuild.Config{Entrypoint: []string{"/ps"}})
}

const targetPod = `apiVersion: v1
kind: Pod
metadata: {name: target, namespace: %s}
spec:
  terminationGracePeriodSeconds: 0
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: %s
    imagePullPolicy: Never
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

// TestClusterIsReal runs, against the e2e cluster, what kubectl-ddebug
// relies on: Pod Security enforcement, ephemeral containers sharing a
// FROM-scratch target's process namespace under the restricted profile,
// the kubelet's runAsNonRoot check and RBAC on pods/ephemeralcontainers.
func TestClusterIsReal(t *testing.T) {
	c := clustertest.Require(t)
	loadImages(t, c)
	ns := c.Namespace(t, "ddebug-e2e", map[string]string{restrictedLabel: "restricted"})

	t.Run("PodSecurity rejects a privileged pod", func(t *testing.T) {
		r := c.KubectlAs(t, c.Kubeconfig, "", "-n", ns, "run", "rootful", "--image", targetImage,
			"--image-pull-policy", "Never", "--restart", "Never")
		if r.Err == nil || !strings.Contains(r.Stderr, `violates PodSecurity "restricted:`) {
			t.Fatalf("kubectl run of a pod without securityContext: err=%v stderr=%q; want a PodSecurity rejection", r.Err, r.Stderr)
		}
	})

	c.Apply(t, fmt.Sprintf(targetPod, ns, targetImage))
	c.MustKubectl(t, "-n", ns, "wait", "--for=condition=Ready", "pod/target", "--timeout=60s")

	t.Run("restricted debug container sees the target's processes", func(t *testing.T) {
		start := time.Now()
		c.MustKubectl(t, "-n", ns, "debug", "pod/target", "--profile=restricted", "--image", debugImage,
			"--image-pull-policy", "Never", "--target", "app", "-c", "dbg")
		clustertest.Eventually(t, 30*time.Second, "the debug container to run", func() (bool, error) {
			s, ok := ephemeralStatus(getPod(t, c, ns, "target"), "dbg")
			if ok && s.State.Terminated != nil {
				return false, fmt.Errorf("debug container terminated: %s", s.State.Terminated.Reason)
			}
			return ok && s.State.Running != nil, nil
		})
		t.Logf("kubectl debug to Running: %v", time.Since(start).Round(time.Millisecond))

		var ps string
		clustertest.Eventually(t, 10*time.Second, "the process list", func() (bool, error) {
			ps = c.MustKubectl(t, "-n", ns, "logs", "target", "-c", "dbg")
			return strings.Contains(ps, "/ps"), nil
		})
		t.Logf("process list seen by the debug container:\n%s", ps)
		// The target is PID 1 of the namespace the debug container joined,
		// and both run as the non-root user.
		procs := map[string][2]string{} // command -> pid, uid
		for _, line := range strings.Split(ps, "\n")[1:] {
			if f := strings.Fields(line); len(f) >= 3 {
				procs[f[2]] = [2]string{f[0], f[1]}
			}
		}
		if got := procs["/app"]; got != [2]string{"1", "65532"} {
			t.Errorf("/app: pid, uid = %v, want [1 65532]; process list:\n%s", got, ps)
		}
		if got, ok := procs["/ps"]; !ok || got[1] != "65532" {
			t.Errorf("/ps: pid, uid = %v, want uid 65532; process list:\n%s", got, ps)
		}
		// exec works in the ephemeral container too.
		if out := c.MustKubectl(t, "-n", ns, "exec", "target", "-c", "dbg", "--", "/ps", "-once"); !strings.Contains(out, "/app") {
			t.Errorf("kubectl exec /ps -once printed no /app:\n%s", out)
		}
	})

	t.Run("a root debug image is refused by the kubelet", func(t *testing.T) {
		c.MustKubectl(t, "-n", ns, "debug", "pod/target", "--profile=restricted", "--image", rootDebugImage,
			"--image-pull-policy", "Never", "--target", "app", "-c", "dbg-root")
		var s containerStatus
		clustertest.Eventually(t, 30*time.Second, "the root debug container to be refused", func() (bool, error) {
			var ok bool
			s, ok = ephemeralStatus(getPod(t, c, ns, "target"), "dbg-root")
			if ok && s.State.Running != nil {
				return false, fmt.Errorf("a root image runs under runAsNonRoot")
			}
			return ok && s.State.Waiting != nil && s.State.Waiting.Reason == "CreateContainerConfigError", nil
		})
		if !strings.Contains(s.State.Waiting.Message, "non-root") && !strings.Contains(s.State.Waiting.Message, "runAsNonRoot") {
			t.Errorf("waiting message = %q, want it to name runAsNonRoot", s.State.Waiting.Message)
		}
	})

	t.Run("a user without pods/ephemeralcontainers gets 403", func(t *testing.T) {
		if c.LimitedKubeconfig == "" || c.LimitedUser == "" {
			t.Fatal("up.sh wrote no limited user")
		}
		c.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: limited-view, namespace: %s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: %s}
`, ns, c.LimitedUser))
		// The user can read the pod (RBAC caches are immediate, but retry
		// briefly anyway)...
		clustertest.Eventually(t, 10*time.Second, "the view binding", func() (bool, error) {
			return c.KubectlAs(t, c.LimitedKubeconfig, "", "-n", ns, "get", "pod", "target").Err == nil, nil
		})
		// ...but not add a debug container to it.
		r := c.KubectlAs(t, c.LimitedKubeconfig, "", "-n", ns, "debug", "pod/target", "--profile=restricted",
			"--image", debugImage, "--image-pull-policy", "Never", "--target", "app", "-c", "dbg-denied", "-v=6")
		if r.Err == nil {
			t.Fatalf("kubectl debug as %s succeeded", c.LimitedUser)
		}
		var denied bool
		for _, line := range strings.Split(r.Stderr, "\n") {
			if strings.Contains(line, "/ephemeralcontainers") && strings.Contains(line, "403 Forbidden") {
				denied = true
			}
		}
		if !denied || !strings.Contains(r.Stderr, `cannot patch resource "pods/ephemeralcontainers"`) {
			t.Errorf("kubectl debug as %s: want a 403 on pods/ephemeralcontainers, stderr:\n%s", c.LimitedUser, r.Stderr)
		}
		for _, e := range getPod(t, c, ns, "target").Spec.EphemeralContainers {
			if e.Name == "dbg-denied" {
				t.Errorf("the denied debug container was added anyway")
			}
		}
	})
}
