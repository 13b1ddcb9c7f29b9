//go:build e2e

package kube_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/clustertest"
)

const (
	enforce   = "pod-security.kubernetes.io/enforce"
	rootSpec  = "  containers:\n  - {name: app, image: " + rootTarget + ", imagePullPolicy: Never, args: [-listen, ':8080']}\n"
	restrictC = "securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"
)

func contains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// A root FROM-scratch target: the debugger runs as root, chroots into the target's root
// (/ is the target's files), sees its processes and sockets.
func TestRootTarget(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-root", nil)
	e.pod(t, ns, "web", rootSpec)

	r := e.mustDdebug(t, "-n", ns, "pod/web", "--", "cat", "/etc/marker")
	contains(t, "cat /etc/marker", r.stdout, "root-target")
	contains(t, "progress", r.stderr, "profile general")
	t.Logf("first session: %v", r.took)

	r = e.mustDdebug(t, "-n", ns, "web", "--", "ps", "-ef")
	contains(t, "ps -ef", r.stdout, "/app -listen :8080")
	r = e.mustDdebug(t, "-n", ns, "web", "--", "ls", "/")
	contains(t, "ls /", r.stdout, "app", "etc")
	if strings.Contains(r.stdout, "ddebug-toolbox") || strings.Contains(r.stdout, "target\n") {
		t.Errorf("ls / shows the toolbox image, not the target's root:\n%s", r.stdout)
	}
	if n := len(e.ephemeralNames(t, ns, "web")); n != 1 {
		t.Errorf("%d ephemeral containers after three runs, want 1 (reuse)", n)
	}
}

// A uid 65532 target (image USER 65532:65532 under a pod runAsUser: gid 0) in a
// restricted namespace: auto picks restricted, the debugger copies 65532:0 and reads the
// target's files at /target, including a 0600 file of 65532, without any capability.
func TestRestrictedNonRootTarget(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-restricted", map[string]string{enforce: "restricted"})
	e.pod(t, ns, "app", `  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
  - {name: app, image: `+nonRootTarget+`, imagePullPolicy: Never, `+restrictC+`}
`)
	r := e.mustDdebug(t, "-n", ns, "app", "--", "cat", "data/secret", "etc/marker")
	contains(t, "cat of the target's files", r.stdout, "only-for-65532", "nonroot-target")
	contains(t, "progress", r.stderr, "profile restricted", "uid:gid 65532:0")
	r = e.mustDdebug(t, "-n", ns, "app", "--", "sh", "-c", "pwd; id -u; id -g; cat /target/etc/marker")
	contains(t, "session", r.stdout, "/target\n65532\n0\nnonroot-target")
	sc := e.c.MustKubectl(t, "-n", ns, "get", "pod", "app", "-o", "jsonpath={.spec.ephemeralContainers[0].securityContext}")
	contains(t, "debug container securityContext", sc, `"runAsUser":65532`, `"runAsGroup":0`, `"drop":["ALL"]`)

	// A profile that breaks the level is refused with the rule and the profile that passes.
	r = e.ddebug(t, "-n", ns, "app", "--profile=general", "--new", "--", "true")
	if r.code != 125 {
		t.Fatalf("--profile=general in a restricted namespace: exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "rejection", r.stderr, "restricted", "SYS_PTRACE", "--profile=restricted")
}

// Each explicit profile on a uid 65532 target in an unlabeled namespace: those that copy the
// ids show /target; sysadmin and netadmin are root with SYS_PTRACE and chroot.
func TestProfiles(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-profiles", nil)
	e.pod(t, ns, "app", "  securityContext: {runAsUser: 65532}\n  containers:\n  - {name: app, image: "+nonRootTarget+", imagePullPolicy: Never}\n")
	tests := []struct {
		profile, want string
	}{
		{"general", "65532 0 /target nonroot-target"},
		{"baseline", "65532 0 /target nonroot-target"},
		{"restricted", "65532 0 /target nonroot-target"},
		{"sysadmin", "0 0 / nonroot-target"},
		{"netadmin", "0 0 / nonroot-target"},
	}
	for _, tt := range tests {
		r := e.ddebug(t, "-n", ns, "app", "--profile", tt.profile, "-q", "--", "sh", "-c", `echo $(id -u) $(id -g) $PWD $(cat etc/marker)`)
		if tt.profile == "sysadmin" && r.code == 125 && strings.Contains(r.stderr, "allow-privileged=false") {
			t.Logf("--profile=sysadmin: this cluster forbids privileged containers, said so: %s", strings.TrimSpace(r.stderr))
			continue
		}
		if r.code != 0 {
			t.Errorf("--profile=%s: exit %d\n%s", tt.profile, r.code, r.stderr)
			continue
		}
		if got := strings.TrimSpace(r.stdout); got != tt.want {
			t.Errorf("--profile=%s: %q, want %q", tt.profile, got, tt.want)
		}
	}
}

// shareProcessNamespace: PID 1 is the pause process; the target is found by its cgroup.
func TestSharedProcessNamespace(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-shared", nil)
	e.pod(t, ns, "shared", "  shareProcessNamespace: true\n"+rootSpec)
	r := e.mustDdebug(t, "-n", ns, "shared", "--", "sh", "-c", "cat /etc/marker; ps -o pid,args")
	contains(t, "session", r.stdout, "root-target", "/app -listen :8080", "pause")
}

// Two containers: -c picks the second; the default is the first.
func TestTwoContainers(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-two", nil)
	e.pod(t, ns, "two", rootSpec+"  - {name: side, image: "+sideTarget+", imagePullPolicy: Never}\n")
	r := e.mustDdebug(t, "-n", ns, "two", "-c", "side", "--", "cat", "/etc/marker")
	contains(t, "-c side", r.stdout, "side-target")
	r = e.mustDdebug(t, "-n", ns, "two", "--", "cat", "/etc/marker")
	contains(t, "default container", r.stdout, "root-target")
	r = e.ddebug(t, "-n", ns, "two", "-c", "nope", "--", "true")
	if r.code != 125 {
		t.Errorf("-c nope: exit %d, want 125", r.code)
	}
	contains(t, "-c nope", r.stderr, `no container "nope"`, "app, side")
}

// A read-only root filesystem in the target changes nothing for the debugger.
func TestReadOnlyRootFS(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-ro", nil)
	e.pod(t, ns, "ro", "  containers:\n  - {name: app, image: "+rootTarget+", imagePullPolicy: Never, securityContext: {readOnlyRootFilesystem: true}}\n")
	r := e.mustDdebug(t, "-n", ns, "ro", "--", "sh", "-c", "cat /etc/marker; touch /etc/x 2>&1; echo rc=$?")
	contains(t, "session", r.stdout, "root-target", "rc=1")
}

// deploy/NAME debugs a running pod of the workload.
func TestWorkload(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-deploy", nil)
	e.c.Apply(t, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %s}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: app, image: %s, imagePullPolicy: Never}
`, ns, rootTarget))
	e.c.MustKubectl(t, "-n", ns, "rollout", "status", "deploy/web", "--timeout=60s")
	r := e.mustDdebug(t, "-n", ns, "deploy/web", "--", "cat", "/etc/marker")
	contains(t, "deploy/web", r.stdout, "root-target")
}

// A second run reuses the running debug container; --new adds another.
func TestReuse(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-reuse", nil)
	e.pod(t, ns, "web", rootSpec)
	first := e.mustDdebug(t, "-n", ns, "web", "--", "true")
	second := e.mustDdebug(t, "-n", ns, "web", "--", "true")
	contains(t, "second run", second.stderr, "reusing")
	if names := e.ephemeralNames(t, ns, "web"); len(names) != 1 {
		t.Errorf("ephemeral containers after two runs: %v, want one", names)
	}
	t.Logf("first %v, reused %v", first.took, second.took)
	e.mustDdebug(t, "-n", ns, "web", "--new", "-q", "--", "true")
	if names := e.ephemeralNames(t, ns, "web"); len(names) != 2 {
		t.Errorf("ephemeral containers after --new: %v, want two", names)
	}
}

// An image that cannot be pulled is reported from the first event, long before --timeout.
func TestImageCannotBePulled(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-pull", nil)
	e.pod(t, ns, "web", rootSpec)
	for _, policy := range []string{"IfNotPresent", "Never"} {
		r := e.ddebug(t, "-n", ns, "web", "--image", "registry.invalid/ddebug/none:1", "--image-pull-policy", policy, "--timeout", "60s", "--", "true")
		if r.code != 125 {
			t.Fatalf("%s: exit %d, want 125\n%s", policy, r.code, r.stderr)
		}
		contains(t, policy, r.stderr, "registry.invalid/ddebug/none:1", "hint:")
		if r.took > 30*time.Second {
			t.Errorf("%s: failure reported after %v, want well before the 60s timeout", policy, r.took)
		}
		t.Logf("%s: reported after %v: %s", policy, r.took.Round(time.Millisecond), strings.TrimSpace(r.stderr))
	}
}

// A user who may read pods but not add ephemeral containers is told which right is missing.
func TestForbidden(t *testing.T) {
	e := setup(t)
	if e.c.LimitedKubeconfig == "" {
		t.Fatal("the cluster has no limited user")
	}
	ns := e.c.Namespace(t, "kube-rbac", nil)
	e.pod(t, ns, "web", rootSpec)
	e.c.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: view, namespace: %s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: %s}
`, ns, e.c.LimitedUser))
	r := e.ddebugAs(t, e.c.LimitedKubeconfig, "", "-n", ns, "web", "--", "true")
	if r.code != 125 {
		t.Fatalf("exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "403", r.stderr, "patch pods/ephemeralcontainers", e.c.LimitedUser)
	if names := e.ephemeralNames(t, ns, "web"); len(names) != 0 {
		t.Errorf("ephemeral containers after a refusal: %v", names)
	}
}

// The command's exit status comes back, and its output is complete on every run.
func TestExitCodeAndOutput(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-exit", nil)
	e.pod(t, ns, "web", rootSpec)
	for i := range 5 {
		r := e.ddebug(t, "-n", ns, "web", "-q", "--", "sh", "-c", "seq 1 2000; echo done >&2; exit 7")
		if r.code != 7 {
			t.Errorf("run %d: exit %d, want 7\n%s", i, r.code, r.stderr)
		}
		if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2000 || lines[1999] != "2000" {
			t.Errorf("run %d: %d lines of output, want 2000", i, len(lines))
		}
		if strings.TrimSpace(r.stderr) != "done" {
			t.Errorf("run %d: stderr %q, want \"done\"", i, r.stderr)
		}
	}
	r := e.ddebugAs(t, e.c.Kubeconfig, "hello from stdin\n", "-n", ns, "web", "-q", "-i", "--", "cat")
	contains(t, "stdin", r.stdout, "hello from stdin")
	r = e.ddebug(t, "-n", ns, "nosuchpod", "--", "true")
	contains(t, "missing pod", r.stderr, "not found")
	r = e.ddebug(t, "-n", ns, "wbe", "--", "true")
	contains(t, "close name", r.stderr, "did you mean web")
}

// The agent exits after --idle without a session; the next run adds a new container
// instead of reusing the exited one.
func TestIdleExit(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-idle", nil)
	e.pod(t, ns, "web", rootSpec)
	e.mustDdebug(t, "-n", ns, "web", "--idle", "2s", "--", "true")
	name := e.ephemeralNames(t, ns, "web")[0]
	clustertest.Eventually(t, 30*time.Second, "the idle agent to exit", func() (bool, error) {
		state := e.c.MustKubectl(t, "-n", ns, "get", "pod", "web", "-o", "jsonpath={.status.ephemeralContainerStatuses[?(@.name=='"+name+"')].state}")
		return strings.Contains(state, `"terminated"`) && strings.Contains(state, `"exitCode":0`), nil
	})
	r := e.mustDdebug(t, "-n", ns, "web", "--", "true")
	if strings.Contains(r.stderr, "reusing") {
		t.Errorf("an exited debug container was reused:\n%s", r.stderr)
	}
	if names := e.ephemeralNames(t, ns, "web"); len(names) != 2 {
		t.Errorf("ephemeral containers: %v, want the exited one and a new one", names)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
