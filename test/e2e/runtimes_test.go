//go:build e2e

package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRuntimes runs the Docker suite's behaviour table against containerd (ctr run),
// the CRI (a pod created through the CRI API, reached as k8s:// and cri://) and rootful
// Podman, then the cross-runtime features: bare names and ddebug ps. Each runtime is
// started here and stopped by this test's cleanup.
func TestRuntimes(t *testing.T) {
	images := savedImages(t)
	ctrd := startContainerd(t, images)
	startPodman(t, images)
	env := ctrd.env()
	podmanPID := func(name string) int {
		pid, err := strconv.Atoi(podman(t, "inspect", "-f", "{{.State.Pid}}", name))
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}

	// containerd: a container of ctr, in the default namespace.
	ctrd.ctr(t, "default", "run", "-d", "--env", "APP_MODE=containerd", "docker.io/ddebug-e2e/scratch:latest", prefix+"ctr", "/app", "-listen", ":18090", "-child")
	ctrd.ctr(t, "default", "run", "-d", "docker.io/ddebug-e2e/nonroot:latest", prefix+"ctr-nonroot")
	// CRI: a pod sandbox and its container, as a kubelet makes them.
	pod := &criPod{namespace: "ddebug-e2e", name: prefix + "pod", container: prefix + "criapp"}
	runCRIPod(t, ctrd, pod, "docker.io/ddebug-e2e/scratch:latest", []string{"-listen", ":18091", "-child"}, map[string]string{"APP_MODE": "cri"})
	// Podman.
	podmanRun(t, prefix+"pm", "--hostname", "podmanhost", "localhost/ddebug-e2e/scratch", "-listen", ":18093", "-child")
	podmanRun(t, prefix+"pm-nonroot", "localhost/ddebug-e2e/nonroot")

	t.Run("toolbox image", func(t *testing.T) { testToolboxImage(t, ctrd) })

	ctrPID, criPID, pmPID := ctrd.taskPID(t, "default", prefix+"ctr"), ctrd.taskPID(t, "k8s.io", pod.containerID), podmanPID(prefix+"pm")

	t.Run("containerd", func(t *testing.T) {
		checkBehaviour(t, env, behaviour{pid: ctrPID, ref: "containerd://" + prefix + "ctr", name: prefix + "ctr", proc: "/app -listen :18090 -child", env: "APP_MODE=containerd", port: ":18090"})
		checkBehaviour(t, env, behaviour{pid: ctrPID, ref: "containerd://default/" + prefix + "ctr", name: prefix + "ctr", proc: "/app -listen :18090 -child", env: "APP_MODE=containerd"})
		checkAsTarget(t, env, "containerd://"+prefix+"ctr-nonroot")
		// A container of another namespace is found, and its reference says where.
		r := ddebug(t, env, "exec", "containerd://"+pod.containerID[:12], "--", "ps", "-eo", "args")
		if r.status != 0 || !strings.Contains(r.stdout, "/app -listen :18091 -child") {
			t.Errorf("containerd://<CRI container ID> (namespace k8s.io): exit %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
		}

		ctrd.ctr(t, "default", "containers", "create", "docker.io/ddebug-e2e/scratch:latest", prefix+"created")
		ctrd.ctr(t, "default", "run", "-d", "docker.io/ddebug-e2e/scratch:latest", prefix+"paused")
		ctrd.ctr(t, "default", "tasks", "pause", prefix+"paused")
		ctrd.ctr(t, "default", "run", "-d", "docker.io/ddebug-e2e/scratch:latest", prefix+"exited", "/app", "-h")
		waitFor(t, "task "+prefix+"exited stopped", func() bool {
			return strings.Contains(ctrd.ctr(t, "default", "tasks", "ls"), "STOPPED")
		})
		checkErrors(t, []errorCase{
			{"no such container", env, "containerd://" + prefix + "ctx", `no such container "` + prefix + `ctx" on containerd (` + ctrd.socket + `, namespaces default, k8s.io); did you mean ` + prefix + "ctr"},
			{"no task", env, "containerd://" + prefix + "created", "has no task (created, never started): start it first ('ctr -n default task start " + prefix + "created')"},
			{"paused", env, "containerd://" + prefix + "paused", "is paused: its processes are frozen, a session would hang (run 'ctr -n default task resume " + prefix + "paused' first)"},
			{"paused, by ID prefix", env, "containerd://" + prefix + "pause", "is paused: its processes are frozen"},
			{"stopped", env, "containerd://" + prefix + "exited", "is stopped (exit code 0)"},
			{"namespace given", env, "containerd://k8s.io/" + prefix + "ctr", `no such container "` + prefix + `ctr" on containerd (` + ctrd.socket + `, namespaces k8s.io)`},
			{"socket missing", []string{"CONTAINERD_ADDRESS=/tmp/ddebug-e2e-nothing.sock"}, "containerd://x", "containerd socket /tmp/ddebug-e2e-nothing.sock does not exist: is containerd running?"},
		})
		// The lean ddebug answers a container's ID or nerdctl name itself, as the whole
		// product would (a container named as nerdctl names them, never started: ps
		// lists running tasks only).
		ctrd.ctr(t, "default", "containers", "create", "--label", "nerdctl/name="+prefix+"labelled", "docker.io/ddebug-e2e/scratch:latest", prefix+"labelled-id")
		checkDirect(t, ctrd.socket, []string{"default/" + prefix + "ctr", prefix + "ctr", prefix + "ctr-nonroot",
			prefix + "created", prefix + "paused", prefix + "exited", "k8s.io/" + pod.containerID,
			prefix + "labelled", "default/" + prefix + "labelled", pod.containerID},
			[]string{prefix + "pause", prefix + "ctx", "k8s.io/" + prefix + "ctr", pod.containerID[:12]})
		if ddebugBinIsLean() {
			checkLeanAlone(t, env, "containerd://default/"+prefix+"ctr")
		}
		if st := ctrd.ctr(t, "default", "tasks", "ls"); !regexp.MustCompile(prefix + `paused\s+\d+\s+PAUSED`).MatchString(st) {
			t.Errorf("the paused task is not paused any more:\n%s", st)
		}
	})

	t.Run("cri", func(t *testing.T) {
		for _, ref := range []string{"k8s://ddebug-e2e/" + pod.name + "/" + pod.container, "k8s://ddebug-e2e/" + pod.name, "cri://" + pod.containerID[:12]} {
			checkBehaviour(t, env, behaviour{pid: criPID, ref: ref, name: pod.name + "/" + pod.container, proc: "/app -listen :18091 -child", env: "APP_MODE=cri", port: ":18091"})
		}
		checkErrors(t, []errorCase{
			{"no such pod", env, "k8s://ddebug-e2e/" + prefix + "pdo", "no pod ddebug-e2e/" + prefix + "pdo on this node (containerd 1."},
			{"no such pod: close names", env, "k8s://ddebug-e2e/" + prefix + "pdo", "did you mean " + pod.name + "?"},
			{"no such container", env, "k8s://ddebug-e2e/" + pod.name + "/nope", `pod ddebug-e2e/` + pod.name + ` has no container "nope" (its containers: ` + pod.container + `)`},
			{"no such ID", env, "cri://0000000000", `no such container "0000000000" on CRI (containerd`},
			{"socket missing", []string{"CONTAINER_RUNTIME_ENDPOINT=unix:///tmp/ddebug-e2e-nothing.sock"}, "cri://abc", "no CRI socket found (looked at /tmp/ddebug-e2e-nothing.sock): is this a Kubernetes node?"},
		})
		// A container frozen behind the kubelet's back (ctr task pause in k8s.io): CRI has
		// no paused state, its cgroup's freezer tells.
		ctrd.ctr(t, "k8s.io", "tasks", "pause", pod.containerID)
		resume := func() {
			exec.Command("ctr", "-a", ctrd.socket, "-n", "k8s.io", "tasks", "resume", pod.containerID).Run()
		}
		t.Cleanup(resume)
		checkErrors(t, []errorCase{
			{"frozen behind the kubelet", env, "cri://" + pod.containerID[:12], "is paused: its cgroup is frozen, a session would hang (run 'ctr -n k8s.io task resume " + pod.containerID},
			{"frozen, by pod", env, "k8s://ddebug-e2e/" + pod.name + "/" + pod.container, "is paused: its cgroup is frozen"},
		})
		resume()
		mustDdebugEnv(t, env, "exec", "cri://"+pod.containerID[:12], "--", "true")
		// Docker's own containerd has its CRI plugin disabled.
		if _, err := os.Stat("/var/run/docker/containerd/containerd.sock"); err == nil {
			checkErrors(t, []errorCase{{"no CRI on the socket", []string{"CONTAINER_RUNTIME_ENDPOINT=unix:///var/run/docker/containerd/containerd.sock"}, "cri://abc",
				"/var/run/docker/containerd/containerd.sock answers no CRI v1 (runtime.v1.RuntimeService): its CRI plugin is disabled"}})
		}
	})

	t.Run("podman", func(t *testing.T) {
		checkBehaviour(t, nil, behaviour{pid: pmPID, ref: "podman://" + prefix + "pm", name: prefix + "pm", proc: "/app -listen :18093 -child", env: "APP_MODE=test", port: ":18093", hostname: "podmanhost"})
		checkAsTarget(t, nil, "podman://"+prefix+"pm-nonroot")
		id := podman(t, "inspect", "-f", "{{.Id}}", prefix+"pm")
		checkBehaviour(t, nil, behaviour{pid: pmPID, ref: "podman://" + id[:10], name: prefix + "pm", proc: "/app -listen :18093 -child", env: "APP_MODE=test"})

		podmanRun(t, prefix+"pm-paused", "localhost/ddebug-e2e/scratch")
		podman(t, "pause", prefix+"pm-paused")
		exec.Command("podman", "rm", "-f", prefix+"pm-exited").Run()
		podman(t, "run", "--name", prefix+"pm-exited", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "localhost/ddebug-e2e/scratch", "-h")
		t.Cleanup(func() { exec.Command("podman", "rm", "-f", prefix+"pm-exited").Run() })
		checkErrors(t, []errorCase{
			{"no such container", nil, "podman://" + prefix + "pn", `no such container "` + prefix + `pn" on podman (/run/podman/podman.sock); did you mean ` + prefix + "pm"},
			{"paused", nil, "podman://" + prefix + "pm-paused", `container "` + prefix + `pm-paused" is paused: its processes are frozen, a session would hang (run 'podman unpause ` + prefix + `pm-paused' first)`},
			{"exited", nil, "podman://" + prefix + "pm-exited", `container "` + prefix + `pm-exited" is exited (exit code 0): start it first ('podman start ` + prefix + `pm-exited')`},
			{"socket missing", []string{"CONTAINER_HOST=unix:///tmp/ddebug-e2e-nothing.sock"}, "podman://x", "the Podman API socket /tmp/ddebug-e2e-nothing.sock does not exist: start it: 'systemctl start podman.socket' (rootless: 'systemctl --user start podman.socket') or 'podman system service --time=0 &'"},
		})
		if st := podman(t, "inspect", "-f", "{{.State.Status}}", prefix+"pm-paused"); st != "paused" {
			t.Errorf("the paused container is %s after ddebug", st)
		}
	})

	t.Run("podman rootless", func(t *testing.T) { testPodmanRootless(t, images) })

	t.Run("bare names", func(t *testing.T) {
		for _, ref := range []string{prefix + "pm", prefix + "ctr", pod.container} {
			r := ddebug(t, env, "exec", ref, "--", "cat", "/etc/secret")
			if r.status != 0 || r.stdout != "s3cret\n" {
				t.Errorf("exec %s: exit %d, stdout %q, stderr %q", ref, r.status, r.stdout, r.stderr)
			}
		}
		twin := prefix + "twin"
		exec.Command("docker", "rm", "-f", twin).Run()
		docker(t, "run", "-d", "--name", twin, "ddebug-e2e/scratch")
		t.Cleanup(func() { exec.Command("docker", "rm", "-f", twin).Run() })
		podmanRun(t, twin, "localhost/ddebug-e2e/scratch")
		checkErrors(t, []errorCase{
			{"in two runtimes", env, twin, `ambiguous reference: "` + twin + `" names a running container in 2 runtimes: docker://` + twin + ` and podman://` + twin + `; pass one of these references`},
			{"nowhere", env, prefix + "nowhere", `no such container "` + prefix + `nowhere" on`},
		})
		if r := ddebug(t, env, "exec", "docker://"+twin, "--", "true"); r.status != 0 {
			t.Errorf("docker://%s: exit %d: %s", twin, r.status, r.stderr)
		}
	})

	t.Run("ps", func(t *testing.T) {
		// A Docker container of this test's own: the suite's may be gone if another run of
		// the suite shares this Docker (its cleanup removes every ddebug-e2e- container).
		dk := prefix + "ps-docker"
		exec.Command("docker", "rm", "-f", dk).Run()
		docker(t, "run", "-d", "--name", dk, "ddebug-e2e/nonroot")
		t.Cleanup(func() { exec.Command("docker", "rm", "-f", dk).Run() })
		out := mustDdebugEnv(t, env, "ps")
		t.Logf("ddebug ps:\n%s", out)
		rows := map[string][]string{}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			f := strings.Fields(l)
			if len(f) != 5 {
				t.Fatalf("ps row %q: want 5 columns\n%s", l, out)
			}
			if rows[f[1]] != nil {
				t.Errorf("%s listed twice:\n%s", f[1], out)
			}
			rows[f[1]] = f
		}
		want := []struct {
			ref, runtime, image, uid, pid string
		}{
			{"docker://" + dk, "docker", "ddebug-e2e/nonroot", "65532", docker(t, "inspect", "-f", "{{.State.Pid}}", dk)},
			{"podman://" + prefix + "pm", "podman", "localhost/ddebug-e2e/scratch:latest", "0", strconv.Itoa(pmPID)},
			{"podman://" + prefix + "pm-nonroot", "podman", "localhost/ddebug-e2e/nonroot:latest", "65532", strconv.Itoa(podmanPID(prefix + "pm-nonroot"))},
			{"k8s://ddebug-e2e/" + pod.name + "/" + pod.container, "cri", "docker.io/ddebug-e2e/scratch:latest", "0", strconv.Itoa(criPID)},
			{"containerd://default/" + prefix + "ctr", "containerd", "docker.io/ddebug-e2e/scratch:latest", "0", strconv.Itoa(ctrPID)},
			{"containerd://default/" + prefix + "ctr-nonroot", "containerd", "docker.io/ddebug-e2e/nonroot:latest", "65532", ""},
		}
		for _, w := range want {
			got := rows[w.ref]
			if got == nil {
				t.Errorf("ps lacks %s:\n%s", w.ref, out)
				continue
			}
			if got[0] != w.runtime || got[2] != w.image || got[3] != w.uid || (w.pid != "" && got[4] != w.pid) {
				t.Errorf("ps row of %s = %v, want runtime %s image %s uid %s pid %q", w.ref, got, w.runtime, w.image, w.uid, w.pid)
			}
		}
		// The CRI container is listed once (as k8s://, not again from containerd's k8s.io
		// namespace), and the pod's pause sandbox not at all.
		for ref := range rows {
			if strings.HasPrefix(ref, "containerd://k8s.io/") {
				t.Errorf("ps lists %s, a CRI container or sandbox seen through containerd:\n%s", ref, out)
			}
		}
		// Every reference it prints is one 'ddebug exec' takes.
		for ref := range rows {
			if !strings.HasPrefix(ref, "docker://") || strings.HasPrefix(ref, "docker://"+prefix) {
				if r := ddebug(t, env, "exec", ref, "--", "true"); r.status != 0 {
					t.Errorf("exec %s (from ps): exit %d: %s", ref, r.status, r.stderr)
				}
			}
		}
		// A user who may not reach the sockets is told so, one line per runtime.
		cmd := exec.Command(ddebugBin, "ps")
		cmd.Env = append(os.Environ(), env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		b, _ := cmd.CombinedOutput()
		for _, w := range []string{"docker: container runtime unavailable: permission denied on the Docker socket", "podman: container runtime unavailable: permission denied on the Podman API socket /run/podman/podman.sock: run ddebug as root (sudo)"} {
			if !strings.Contains(string(b), w) {
				t.Errorf("ps as nobody: %q, want it to contain %q", b, w)
			}
		}
		if cmd.ProcessState.ExitCode() != 125 {
			t.Errorf("ps as nobody: exit %d, want 125", cmd.ProcessState.ExitCode())
		}
	})
}

// behaviour is one row of the behaviour table: what a session in ref must see.
type behaviour struct {
	ref      string
	pid      int    // its main process, as the runtime's own tool shows it
	name     string // DDEBUG_TARGET
	proc     string // a process of the container, as ps shows its command
	env      string // KEY=VALUE of the container
	port     string // a port the container listens on ("" = not checked)
	hostname string // "" = not checked
}

// checkBehaviour checks files, processes, environment, sockets and exit codes seen
// through ref, and that a session leaves nothing behind: no file written, no process.
func checkBehaviour(t *testing.T, env []string, b behaviour) {
	t.Helper()
	t.Run(strings.NewReplacer("/", "_", ":", "").Replace(b.ref), func(t *testing.T) {
		pid := b.pid
		upperBefore := upperDirState(t, pid)
		own := pidsInNamespaceOf(t, pid)

		if got := mustDdebugEnv(t, env, "exec", b.ref, "--", "cat", "/etc/secret"); got != "s3cret\n" {
			t.Errorf("cat /etc/secret = %q", got)
		}
		if ls := mustDdebugEnv(t, env, "exec", b.ref, "--", "ls", "/"); !hasLine(ls, "app") {
			t.Errorf("ls / = %q, want a line app", ls)
		}
		if ps := mustDdebugEnv(t, env, "exec", b.ref, "--", "ps", "-eo", "pid,args"); !strings.Contains(ps, b.proc) {
			t.Errorf("ps = %q, want a process %q", ps, b.proc)
		}
		if b.hostname != "" {
			if got := strings.TrimSpace(mustDdebugEnv(t, env, "exec", b.ref, "--", "hostname")); got != b.hostname {
				t.Errorf("hostname = %q, want %q", got, b.hostname)
			}
		}
		r := ddebug(t, append([]string{"DDEBUG_TEST_HOST_SECRET=hunter2"}, env...), "exec", b.ref, "--", "env")
		if r.status != 0 {
			t.Fatalf("env: exit %d: %s", r.status, r.stderr)
		}
		if strings.Contains(r.stdout, "hunter2") || strings.Contains(r.stdout, "CONTAINERD_ADDRESS") {
			t.Errorf("the caller's environment reached the session:\n%s", r.stdout)
		}
		if !hasLine(r.stdout, b.env) || !hasLine(r.stdout, "DDEBUG_TARGET="+b.name) {
			t.Errorf("env lacks %s or DDEBUG_TARGET=%s:\n%s", b.env, b.name, r.stdout)
		}
		if b.port != "" {
			out := mustDdebugEnv(t, env, "exec", b.ref, "--", "ss", "-tlnp")
			if !regexp.MustCompile(`LISTEN.*` + b.port + `\b.*"app",pid=`).MatchString(out) {
				t.Errorf("ss -tlnp does not show app listening on %s:\n%s", b.port, out)
			}
		}
		for _, c := range []struct {
			cmd    []string
			status int
		}{
			{[]string{"true"}, 0}, {[]string{"false"}, 1}, {[]string{"sh", "-c", "exit 7"}, 7},
			{[]string{"sh", "-c", "kill -9 $$"}, 137}, {[]string{"no-such-tool"}, 127}, {[]string{"/app", "-no-such-flag"}, 2},
		} {
			if r := ddebug(t, env, append([]string{"exec", b.ref, "--"}, c.cmd...)...); r.status != c.status {
				t.Errorf("%v: exit %d, want %d (stderr %q)", c.cmd, r.status, c.status, r.stderr)
			}
		}
		// A background job of a session ends with it.
		mustDdebugEnv(t, env, "exec", b.ref, "--", "sh", "-c", "/app -worker & ls -la / >/dev/null; ps aux >/dev/null; ss -a >/dev/null")
		waitFor(t, "no process of ddebug left in "+b.ref, func() bool { return len(newPIDs(t, pid, own)) == 0 })
		if left := newPIDs(t, pid, own); len(left) > 0 {
			t.Errorf("processes left in %s: %v", b.ref, left)
		}
		if after := upperDirState(t, pid); after != upperBefore {
			t.Errorf("the container's writable layer changed:\nbefore %q\nafter  %q", upperBefore, after)
		}
	})
}

// checkAsTarget: --as-target takes the image's USER 65532, root by default.
func checkAsTarget(t *testing.T, env []string, ref string) {
	t.Helper()
	if got := mustDdebugEnv(t, env, "exec", "--as-target", ref, "--", "sh", "-c", "id -u; id -g; pwd; cat /etc/secret 2>/dev/null || echo denied"); got != "65532\n65532\n/home/nonroot\ndenied\n" {
		t.Errorf("%s --as-target: %q", ref, got)
	}
	if got := mustDdebugEnv(t, env, "exec", ref, "--", "sh", "-c", "id -u; cat /etc/secret"); got != "0\ns3cret\n" {
		t.Errorf("%s as root: %q", ref, got)
	}
}

type errorCase struct {
	name string
	env  []string
	ref  string
	want string
}

// checkErrors: each error is one line on stderr containing want, exit status 125.
func checkErrors(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ddebug(t, c.env, "exec", c.ref, "--", "true")
			t.Logf("%s: %s", c.ref, strings.TrimSpace(r.stderr))
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, c.want)
			}
			if r.status != 125 {
				t.Errorf("exit status %d, want 125", r.status)
			}
			if n := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n"); n != 0 {
				t.Errorf("error is %d lines, want one: %q", n+1, r.stderr)
			}
		})
	}
}

func mustDdebugEnv(t *testing.T, env []string, args ...string) string {
	t.Helper()
	r := ddebug(t, env, args...)
	if r.status != 0 {
		t.Fatalf("ddebug %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.status, r.stdout, r.stderr)
	}
	return r.stdout
}

// pidsInNamespaceOf lists the host PIDs in pid's PID namespace.
func pidsInNamespaceOf(t *testing.T, pid int) map[int]bool {
	t.Helper()
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]bool{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", p)); err == nil && l == ns {
			out[p] = true
		}
	}
	return out
}

// newPIDs lists the processes in pid's namespace that are not in own.
func newPIDs(t *testing.T, pid int, own map[int]bool) []string {
	t.Helper()
	var extra []string
	for p := range pidsInNamespaceOf(t, pid) {
		if !own[p] {
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
			extra = append(extra, fmt.Sprintf("%d(%s)", p, strings.TrimSpace(string(comm))))
		}
	}
	sort.Strings(extra)
	return extra
}

// upperDirState lists the writable layer of pid's root (overlay upperdir, read from its
// mountinfo) with sizes and modification times: it must not change under a session. A root
// that is no overlay (Podman's vfs storage) is listed whole, through /proc/<pid>/root,
// without descending into other filesystems mounted in it.
func upperDirState(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		t.Fatal(err)
	}
	var upper, fsType string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && f[4] == "/" {
			if _, after, ok := strings.Cut(l, " - "); ok {
				fsType, _, _ = strings.Cut(after, " ")
			}
			if m := regexp.MustCompile(`upperdir=([^,]+)`).FindStringSubmatch(l); m != nil {
				upper = m[1]
			}
		}
	}
	oneFS := false
	if upper == "" {
		if fsType == "overlay" || fsType == "" {
			t.Fatalf("the root of pid %d is an overlay without an upperdir, or none:\n%s", pid, b)
		}
		upper, oneFS = fmt.Sprintf("/proc/%d/root", pid), true
	}
	var rootDev uint64
	if st, err := os.Stat(upper); err == nil {
		rootDev = st.Sys().(*syscall.Stat_t).Dev
	}
	var sb strings.Builder
	err = filepath.WalkDir(upper, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if oneFS && d.IsDir() && info.Sys().(*syscall.Stat_t).Dev != rootDev {
			return fs.SkipDir
		}
		fmt.Fprintf(&sb, "%s %v %d %d\n", strings.TrimPrefix(p, upper), info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatalf("walking the upper dir of pid %d: %v", pid, err)
	}
	return sb.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 50; i++ {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("still waiting for %s after 5s", what)
}
