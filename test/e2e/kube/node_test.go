//go:build e2e

package kube_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
)

var (
	nodeImageOnce sync.Once
	nodeImageErr  error
)

// nodeImage builds and loads the node image (the toolbox tree around the binary that also
// holds ddebug's host command line) as `make image-node` does, once per test binary.
func (e *env) nodeImage(t *testing.T) string {
	t.Helper()
	ref := e.image + cli.NodeImageSuffix
	nodeImageOnce.Do(func() { nodeImageErr = loadBuiltImage(e.c, ref, true) })
	if nodeImageErr != nil {
		t.Fatal(nodeImageErr)
	}
	return ref
}

// leftNodePods lists the node pods left in ns.
func (e *env) leftNodePods(t *testing.T, ns string) string {
	t.Helper()
	return strings.TrimSpace(e.c.MustKubectl(t, "-n", ns, "get", "pods", "-l", "app.kubernetes.io/managed-by=kubectl-ddebug", "-o", "name"))
}

// kubectl ddebug node/NAME: the host's root at /, the host's processes, and ddebug exec
// into a container of the node through CRI; the pod is gone afterwards.
func TestNode(t *testing.T) {
	e := setup(t)
	image := e.nodeImage(t)
	ns := e.c.Namespace(t, "kube-node", map[string]string{enforce: "privileged"})
	e.pod(t, ns, "web", rootSpec)
	node := e.c.MustKubectl(t, "get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")

	marker, err := os.CreateTemp("/var/tmp", "ddebug-e2e-node-")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(marker, "host-file-%d\n", os.Getpid())
	marker.Close()
	t.Cleanup(func() { os.Remove(marker.Name()) })

	sock := "unix://" + filepath.Join(e.c.State, "containerd", "containerd.sock")
	self, _ := os.ReadFile("/proc/self/comm")
	script := fmt.Sprintf(`cat %s; echo "host pid: $(cat /proc/%d/comm)"; `+
		`CONTAINER_RUNTIME_ENDPOINT=%s ddebug exec -q k8s://%s/web/app -- cat /etc/marker`, marker.Name(), os.Getpid(), sock, ns)
	r := e.mustDdebug(t, "-n", ns, "node/"+node, "--node-image", image, "--", "sh", "-c", script)
	contains(t, "node session", r.stdout, fmt.Sprintf("host-file-%d", os.Getpid()), "host pid: "+strings.TrimSpace(string(self)), "root-target")
	contains(t, "progress", r.stderr, "on node "+node, "deleted pod")
	if left := e.leftNodePods(t, ns); left != "" {
		t.Errorf("node pods left behind: %s", left)
	}

	// The command's exit code passes through, and the pod still goes.
	r = e.ddebug(t, "-n", ns, "node/"+node, "--node-image", image, "-q", "--", "sh", "-c", "exit 7")
	if r.code != 7 {
		t.Errorf("exit 7 in a node session: exit %d\n%s", r.code, r.stderr)
	}
	if left := e.leftNodePods(t, ns); left != "" {
		t.Errorf("node pods left behind after exit 7: %s", left)
	}
}

// A node that does not exist, and a namespace whose Pod Security level refuses privileged
// pods: one clear line each, exit 125, nothing left.
func TestNodeErrors(t *testing.T) {
	e := setup(t)
	image := e.nodeImage(t)
	node := e.c.MustKubectl(t, "get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")
	ns := e.c.Namespace(t, "kube-node-baseline", map[string]string{enforce: "baseline"})

	r := e.ddebug(t, "-n", ns, "node/"+node+"x", "--node-image", image, "--", "true")
	if r.code != 125 {
		t.Errorf("missing node: exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "missing node", r.stderr, "node "+node+"x not found", "did you mean "+node)

	r = e.ddebug(t, "-n", ns, "node/"+node, "--node-image", image, "--", "true")
	if r.code != 125 {
		t.Errorf("baseline namespace: exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "baseline namespace", r.stderr, "pod security admission", "enforce=privileged")
	if left := e.leftNodePods(t, ns); left != "" {
		t.Errorf("node pods left behind: %s", left)
	}
}
