//go:build e2e

package kube_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/clustertest"
)

// crashSpec is a container that exits at once, again and again (CrashLoopBackOff).
const crashSpec = "  containers:\n  - {name: app, image: " + rootTarget + ", imagePullPolicy: Never, args: [-listen, 'no-such-host.invalid:x']}\n"

// A crashing container has nothing running to share: --copy-to makes a copy of the pod
// whose container runs the toolbox, its own files at /, where the original command can
// be started by hand; --rm deletes the copy.
func TestCopyToCrashing(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-copyto", nil)
	e.c.Apply(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: crash, namespace: "+ns+", labels: {app: crash}}\nspec:\n  terminationGracePeriodSeconds: 0\n"+crashSpec)
	clustertest.Eventually(t, 60*time.Second, "the container to crash", func() (bool, error) {
		n := e.c.MustKubectl(t, "-n", ns, "get", "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].restartCount}")
		return n != "" && n != "0", nil
	})
	r := e.ddebug(t, "-n", ns, "crash", "--", "true")
	if r.code != 125 {
		t.Errorf("an ephemeral container on a crashing target: exit %d, want 125", r.code)
	}
	contains(t, "not running", r.stderr, "not running")

	r = e.mustDdebug(t, "-n", ns, "crash", "--copy-to=crash-debug", "--", "sh", "-c", "cat /etc/marker; echo $PWD")
	contains(t, "copy session", r.stdout, "root-target\n/")
	t.Logf("first copy session %v:\n%s", r.took, r.stderr)
	labels := e.c.MustKubectl(t, "-n", ns, "get", "pod", "crash-debug", "-o", "jsonpath={.metadata.labels}")
	if strings.Contains(labels, "crash") {
		t.Errorf("the copy kept the labels (a Service would send it traffic): %s", labels)
	}
	ann := e.c.MustKubectl(t, "-n", ns, "get", "pod", "crash-debug", "-o", "jsonpath={.metadata.annotations}")
	contains(t, "copy annotations", ann, "copy-of", "no-such-host.invalid")

	// The original command, started by hand, says why it crashes; its status comes back.
	r = e.ddebug(t, "-n", ns, "crash", "--copy-to=crash-debug", "-q", "--", "/app", "-listen", "no-such-host.invalid:x")
	if r.code != 1 {
		t.Errorf("the original command: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	contains(t, "original command's error", r.stderr, "listen tcp")

	r = e.mustDdebug(t, "-n", ns, "crash", "--copy-to=crash-debug", "--rm", "--", "true")
	contains(t, "--rm", r.stderr, "reusing pod copy crash-debug", "deleted pod crash-debug")
	clustertest.Eventually(t, 30*time.Second, "the copy to go", func() (bool, error) {
		res := e.c.Kubectl(t, "-n", ns, "get", "pod", "crash-debug")
		return res.Err != nil && strings.Contains(res.Stderr, "NotFound"), nil
	})
	r = e.ddebug(t, "-n", ns, "crash", "--copy-to=crash", "--", "true")
	if r.code != 125 {
		t.Errorf("--copy-to with the pod's own name: exit %d, want 125", r.code)
	}
}

// In a restricted namespace the copy (and its toolbox installer) passes Pod Security with
// the target's own settings, and sees the target's files as uid 65532.
func TestCopyToRestricted(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-copyto-restricted", map[string]string{enforce: "restricted"})
	e.c.Apply(t, `apiVersion: v1
kind: Pod
metadata: {name: crash, namespace: `+ns+`}
spec:
  terminationGracePeriodSeconds: 0
  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
  - {name: app, image: `+nonRootTarget+`, imagePullPolicy: Never, args: [-listen, 'no-such-host.invalid:x'], `+restrictC+`}
`)
	r := e.mustDdebug(t, "-n", ns, "crash", "--copy-to=crash-debug", "--rm", "--", "sh", "-c", "id -u; cat /data/secret /etc/marker")
	contains(t, "restricted copy", r.stdout, "65532\nonly-for-65532\nnonroot-target")
}
