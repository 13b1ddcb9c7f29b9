//go:build e2e

package kube_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/clustertest"
)

// deployment creates a deployment web of replicas root targets in ns and waits for it.
func (e *env) deployment(t *testing.T, ns string, replicas int) []string {
	t.Helper()
	e.c.Apply(t, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %s}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: app, image: %s, imagePullPolicy: Never}
`, ns, replicas, rootTarget))
	// Polled rather than `kubectl rollout status --timeout`: every kubectl call of the suite
	// is killed after a minute, and 50 pods on a loaded 2-core node take longer.
	clustertest.Eventually(t, 10*time.Minute, fmt.Sprintf("%d pods of deploy/web to be ready", replicas), func() (bool, error) {
		r := e.c.Kubectl(t, "-n", ns, "get", "deploy/web", "-o", "jsonpath={.status.readyReplicas}")
		return r.Err == nil && r.Stdout == strconv.Itoa(replicas), nil
	})
	pods := strings.Fields(e.c.MustKubectl(t, "-n", ns, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"))
	if len(pods) != replicas {
		t.Fatalf("pods of deploy/web: %v, want %d", pods, replicas)
	}
	sort.Strings(pods)
	return pods
}

// --all-pods runs the command in every pod of a deployment: each line prefixed by its pod
// (no colours: not a terminal), a summary, the exit status of the failures; a second run
// reuses every debug container; -l selects the same pods.
func TestAllPods(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-fanout", nil)
	pods := e.deployment(t, ns, 3)

	r := e.mustDdebug(t, "-n", ns, "deploy/web", "--all-pods", "--", "cat", "/etc/hostname")
	t.Logf("first run (adds 3 debug containers) %v:\n%s%s", r.took, r.stdout, r.stderr)
	var want []string
	for _, p := range pods {
		want = append(want, p+" "+p) // the hostname of a pod is its name
	}
	got := strings.Split(strings.TrimSpace(r.stdout), "\n")
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant (in any order):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(r.stdout+r.stderr, "\x1b[") {
		t.Errorf("colours without a terminal:\n%q", r.stdout)
	}
	contains(t, "summary", r.stderr, "3 running pods of deploy/web", "3 pods in", "3 succeeded", "3 debug containers added")

	r = e.ddebug(t, "-n", ns, "--all-pods", "-l", "app=web", "--", "sh", "-c", `[ "$(cat /etc/hostname)" != `+pods[1]+` ]`)
	t.Logf("second run (reuses) %v:\n%s", r.took, r.stderr)
	if r.code != 1 {
		t.Errorf("one pod failing: exit %d, want 1\n%s", r.code, r.stderr)
	}
	contains(t, "summary of a failure", r.stderr, "2 succeeded, 1 failed ("+pods[1]+": exit 1)")
	if strings.Contains(r.stderr, "added") {
		t.Errorf("the second run added debug containers:\n%s", r.stderr)
	}
	for _, p := range pods {
		if names := e.ephemeralNames(t, ns, p); len(names) != 1 {
			t.Errorf("pod %s has debug containers %v, want one (reused)", p, names)
		}
	}
	r = e.ddebug(t, "-n", ns, "deploy/nope", "--all-pods", "--", "true")
	if r.code != 125 {
		t.Errorf("missing workload: exit %d, want 125", r.code)
	}
	contains(t, "missing workload", r.stderr, "deploy/nope not found")
}

// TestAllPodsBenchmark prints the wall time of `kubectl ddebug deploy/web --all-pods -- cat
// /etc/hostname` over 50 pods: the first run (50 debug containers added, 10 at once) and
// the reused runs (target <= 5 s). See benchMode (pods: DDEBUG_E2E_BENCH_PODS, default 50).
func TestAllPodsBenchmark(t *testing.T) {
	missed := benchMode(t)
	e := setup(t)
	n := 50
	if v, err := strconv.Atoi(os.Getenv("DDEBUG_E2E_BENCH_PODS")); err == nil && v > 0 {
		n = v
	}
	ns := e.c.Namespace(t, "kube-fanout-bench", nil)
	start := time.Now()
	pods := e.deployment(t, ns, n)
	t.Logf("%d pods ready in %v", n, time.Since(start).Round(time.Millisecond))
	type sample struct {
		took time.Duration
		cpu  runCPU
	}
	run := func() sample {
		t.Helper()
		before := clusterCPU(e.c)
		r := e.mustDdebug(t, "-n", ns, "deploy/web", "--all-pods", "-q", "--", "cat", "/etc/hostname")
		cpu := clusterCPU(e.c).minus(before)
		cpu.plugin = r.cpu
		if lines := strings.Count(r.stdout, "\n"); lines != n {
			t.Fatalf("%d lines of output, want %d\n%s", lines, n, r.stderr)
		}
		return sample{r.took, cpu}
	}
	first := run()
	var reused []sample
	for range 3 {
		reused = append(reused, run())
	}
	sort.Slice(reused, func(i, j int) bool { return reused[i].took < reused[j].took })
	report := fmt.Sprintf(`kubectl ddebug --all-pods benchmark: %d pods of deploy/web, -- cat /etc/hostname, --max-parallel 10
  first run (adds %d debug containers)  %6.2fs  CPU %v
  reused run, median of 3              %6.2fs  (%.2f..%.2f)   target <= 5s
  CPU of that reused run               %v
`, len(pods), len(pods), first.took.Seconds(), first.cpu, reused[1].took.Seconds(), reused[0].took.Seconds(), reused[2].took.Seconds(), reused[1].cpu)
	printReport(t, report)
	if reused[1].took > 5*time.Second {
		missed("reused run %v, target <= 5s", reused[1].took)
	}
}
