//go:build e2e

package kube_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/clustertest"
)

// kubectl ddebug list shows the ddebug containers of a pod, one exited after --idle and
// one running, with who added them; a kubectl debug container is not shown; -l and -A
// select pods.
func TestList(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-list", nil)
	e.pod(t, ns, "web", rootSpec)
	e.pod(t, ns, "quiet", rootSpec)
	e.c.MustKubectl(t, "-n", ns, "label", "pod/web", "tier=front")

	r := e.mustList(t, "-n", ns, "pod/web")
	contains(t, "list before any debug container", r.stderr, "no ddebug containers on pod web")

	e.mustDdebug(t, "-n", ns, "web", "-q", "--idle", "2s", "--", "true")
	exited := e.ephemeralNames(t, ns, "web")[0]
	clustertest.Eventually(t, 30*time.Second, "the idle agent to exit", func() (bool, error) {
		state := e.c.MustKubectl(t, "-n", ns, "get", "pod", "web", "-o", "jsonpath={.status.ephemeralContainerStatuses[?(@.name=='"+exited+"')].state}")
		return strings.Contains(state, `"terminated"`), nil
	})
	e.mustDdebug(t, "-n", ns, "web", "-q", "--", "true")
	e.c.MustKubectl(t, "-n", ns, "debug", "pod/web", "--image", e.image, "--image-pull-policy", "IfNotPresent",
		"-c", "kubectl-own", "--", "/bin/ddebug-toolbox", "sleep", "600")
	names := e.ephemeralNames(t, ns, "web")
	if len(names) != 3 {
		t.Fatalf("ephemeral containers %v, want 3", names)
	}
	running := ""
	for _, n := range names {
		if n != exited && strings.HasPrefix(n, "ddebug-") {
			running = n
		}
	}

	r = e.mustList(t, "-n", ns, "pod/web")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	t.Logf("list:\n%s", r.stdout)
	if len(lines) != 3 {
		t.Fatalf("list printed %d lines, want a header and two containers:\n%s", len(lines), r.stdout)
	}
	contains(t, "header", lines[0], "POD", "CONTAINER", "TARGET", "STATE", "STARTED", "FOR", "PROFILE", "RUNS AS", "IMAGE")
	// Ordered by start; the admin kubeconfig's user is who added them.
	for i, want := range [][]string{{"web", exited, "app", "exited 0", "admin", "general", "0:0", e.image}, {"web", running, "app", "running", "admin", "general", "0:0", e.image}} {
		contains(t, "row", lines[i+1], want...)
	}
	if strings.Contains(r.stdout, "kubectl-own") {
		t.Errorf("list shows kubectl debug's container:\n%s", r.stdout)
	}

	r = e.mustList(t, "-n", ns, "-l", "tier=front")
	if n := strings.Count(r.stdout, "\nweb "); n != 2 {
		t.Errorf("-l tier=front: %d rows of web, want 2:\n%s", n, r.stdout)
	}
	r = e.mustList(t, "-n", ns, "pod/quiet")
	contains(t, "pod without debug containers", r.stderr, "no ddebug containers on pod quiet")
	r = e.mustList(t, "-A")
	contains(t, "-A", r.stdout, "NAMESPACE", ns, running)

	r = e.list(t, "-n", ns, "pod/wbe")
	if r.code != 125 {
		t.Errorf("list of a missing pod: exit %d, want 125", r.code)
	}
	contains(t, "missing pod", r.stderr, "pod wbe not found", "did you mean web")
}

// list runs kubectl ddebug list with the admin's kubeconfig.
func (e *env) list(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.plugin, append([]string{"list", "--kubeconfig", e.c.Kubeconfig}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running kubectl-ddebug list: %v", err)
	}
	return r
}

func (e *env) mustList(t *testing.T, args ...string) result {
	t.Helper()
	r := e.list(t, args...)
	if r.code != 0 {
		t.Fatalf("kubectl ddebug list %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}
