//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestExecSeesTheContainer checks, for every kind of target, that a session sees the
// container's files, processes, hostname and environment, and nothing of the caller's.
func TestExecSeesTheContainer(t *testing.T) {
	cases := []struct {
		ctr      string
		file     string // a file of the image
		proc     string // a process of the container, as ps shows its command
		hostname string
		env      string // KEY=VALUE of the image
	}{
		{ctrScratch, "app", "/app -listen :8080 -child", "scratchhost", "APP_MODE=test"},
		{ctrNonroot, "app", "/app -listen :8081", "nonroothost", "APP_MODE=nonroot"},
		{ctrReadonly, "app", "/app", "", "APP_MODE=test"},
		{ctrGlibc, "hello", "/hello", "", ""},
	}
	for _, c := range cases {
		t.Run(strings.TrimPrefix(c.ctr, prefix), func(t *testing.T) {
			if ls := mustDdebug(t, "exec", c.ctr, "--", "ls", "/"); !hasLine(ls, c.file) {
				t.Errorf("ls / = %q, want a line %q", ls, c.file)
			}
			want := c.hostname
			if want == "" {
				want = docker(t, "inspect", "-f", "{{.Config.Hostname}}", c.ctr)
			}
			if got := strings.TrimSpace(mustDdebug(t, "exec", c.ctr, "--", "hostname")); got != want {
				t.Errorf("hostname = %q, want %q", got, want)
			}
			if ps := mustDdebug(t, "exec", c.ctr, "--", "ps", "-eo", "pid,args"); !strings.Contains(ps, c.proc) {
				t.Errorf("ps = %q, want a process %q", ps, c.proc)
			}
			r := ddebug(t, []string{"DDEBUG_TEST_HOST_SECRET=hunter2"}, "exec", c.ctr, "--", "env")
			if r.status != 0 {
				t.Fatalf("env: exit %d: %s", r.status, r.stderr)
			}
			if strings.Contains(r.stdout, "DDEBUG_TEST_HOST_SECRET") || strings.Contains(r.stdout, "hunter2") {
				t.Errorf("the caller's environment reached the session:\n%s", r.stdout)
			}
			if c.env != "" && !hasLine(r.stdout, c.env) {
				t.Errorf("env lacks the image's %s:\n%s", c.env, r.stdout)
			}
			if !hasLine(r.stdout, "DDEBUG_TARGET="+c.ctr) {
				t.Errorf("env lacks DDEBUG_TARGET=%s:\n%s", c.ctr, r.stdout)
			}
		})
	}
}

func TestExecSockets(t *testing.T) {
	for ctr, port := range map[string]string{ctrScratch: ":8080", ctrNonroot: ":8081"} {
		out := mustDdebug(t, "exec", ctr, "--", "ss", "-tlnp")
		if !regexp.MustCompile(`LISTEN.*` + port + `\b.*"app",pid=1\b`).MatchString(out) {
			t.Errorf("%s: ss -tlnp does not show app (pid 1) listening on %s:\n%s", ctr, port, out)
		}
	}
}

func TestExecExitStatus(t *testing.T) {
	cases := []struct {
		name   string
		ctr    string
		cmd    []string
		status int
		stdout string
		stderr string
	}{
		{"applet ok", ctrScratch, []string{"true"}, 0, "", ""},
		{"applet fails", ctrScratch, []string{"false"}, 1, "", ""},
		{"shell exit", ctrScratch, []string{"sh", "-c", "exit 7"}, 7, "", ""},
		{"killed by signal", ctrScratch, []string{"sh", "-c", "kill -9 $$"}, 137, "", ""},
		{"not found", ctrScratch, []string{"no-such-tool"}, 127, "", "not found"},
		{"target program", ctrScratch, []string{"/app", "-no-such-flag"}, 2, "", "flag provided but not defined"},
		{"target dynamic program", ctrGlibc, []string{"/hello", "x"}, 0, "hello from glibc\n", ""},
		{"pipe of applets", ctrScratch, []string{"sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' ' | wc -w"}, 0, "4\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ddebug(t, nil, append([]string{"exec", c.ctr, "--"}, c.cmd...)...)
			if r.status != c.status {
				t.Errorf("exit status %d, want %d (stderr %q)", r.status, c.status, r.stderr)
			}
			if c.stdout != "" && strings.TrimLeft(r.stdout, " ") != c.stdout {
				t.Errorf("stdout %q, want %q", r.stdout, c.stdout)
			}
			if !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, c.stderr)
			}
		})
	}
}

func TestExecIdentity(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		script string
		want   string
	}{
		{"root by default", []string{ctrNonroot}, "id -u; id -g; pwd; cat /etc/secret", "0\n0\n/home/nonroot\ns3cret\n"},
		{"root has the container's capabilities", []string{ctrScratch}, "grep -E '^Cap(Eff|Bnd)' /proc/self/status",
			"CapEff:\t" + capsOf(t, ctrScratch) + "\nCapBnd:\t" + capsOf(t, ctrScratch) + "\n"},
		{"cap-drop ALL leaves none", []string{ctrReadonly}, "grep '^CapEff' /proc/self/status", "CapEff:\t0000000000000000\n"},
		{"as target", []string{"--as-target", ctrNonroot}, "id -u; id -g; pwd; grep '^CapEff' /proc/self/status; cat /etc/secret 2>/dev/null || echo denied",
			"65532\n65532\n/home/nonroot\nCapEff:\t0000000000000000\ndenied\n"},
		{"user", []string{"--user", "1234:5678", ctrScratch}, "id -u; id -g; cat /etc/secret 2>/dev/null || echo denied", "1234\n5678\ndenied\n"},
		{"privileged", []string{"--privileged", ctrReadonly}, "grep '^CapEff' /proc/self/status | grep -v 0000000000000000 >/dev/null && echo full", "full\n"},
		{"read-only root stays read-only", []string{ctrReadonly}, "touch /x 2>&1 >/dev/null | grep -ci 'read-only file system'", "1\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"exec"}, c.args...)
			r := ddebug(t, nil, append(args, "--", "sh", "-c", c.script)...)
			if r.stdout != c.want {
				t.Errorf("got %q (exit %d, stderr %q), want %q", r.stdout, r.status, r.stderr, c.want)
			}
		})
	}
}

// capsOf returns the bounding set of the container's main process, as /proc shows it.
func capsOf(t *testing.T, ctr string) string {
	pid := docker(t, "inspect", "-f", "{{.State.Pid}}", ctr)
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`CapBnd:\s*([0-9a-f]+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CapBnd in /proc/%s/status", pid)
	}
	return string(m[1])
}

// TestExecLeavesNothingBehind: the container's filesystem is unchanged and no process of a
// session survives it, background jobs included.
func TestExecLeavesNothingBehind(t *testing.T) {
	before := docker(t, "diff", ctrScratch)
	mustDdebug(t, "exec", ctrScratch, "--", "sh", "-c", "ls -la / >/dev/null; ps aux >/dev/null; ss -a >/dev/null; cat /etc/secret >/dev/null")
	out := mustDdebug(t, "exec", ctrScratch, "--", "sh", "-c", "/app -worker & echo $!")
	bg, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("background pid %q: %v", out, err)
	}
	if after := docker(t, "diff", ctrScratch); after != before {
		t.Errorf("docker diff changed:\nbefore %q\nafter  %q", before, after)
	}
	waitNoSessions(t, ctrScratch)
	// ps exits 1 when no process matches: only the output matters.
	if ps := ddebug(t, nil, "exec", ctrScratch, "--", "ps", "-o", "pid=", "-p", strconv.Itoa(bg)); strings.TrimSpace(ps.stdout) != "" || ps.stderr != "" {
		t.Errorf("background job %d still runs after the session ended: %q %q", bg, ps.stdout, ps.stderr)
	}
}

// sessionsIn lists the host PIDs of processes in ctr's PID namespace other than the
// container's own processes (those docker top shows).
func sessionsIn(t *testing.T, ctr string) []string {
	t.Helper()
	pid := docker(t, "inspect", "-f", "{{.State.Pid}}", ctr)
	ns, err := os.Readlink("/proc/" + pid + "/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, l := range strings.Split(docker(t, "top", ctr, "-o", "pid"), "\n")[1:] {
		own[strings.TrimSpace(l)] = true
	}
	var extra []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil || own[e.Name()] {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && l == ns {
			comm, _ := os.ReadFile("/proc/" + e.Name() + "/comm")
			extra = append(extra, e.Name()+"("+strings.TrimSpace(string(comm))+")")
		}
	}
	sort.Strings(extra)
	return extra
}

func waitNoSessions(t *testing.T, ctr string) {
	t.Helper()
	var left []string
	for i := 0; i < 50; i++ {
		if left = sessionsIn(t, ctr); len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("processes of ddebug left in %s: %v", ctr, left)
}

func TestExecConcurrentSessions(t *testing.T) {
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(ddebugBin, "exec", ctrScratch, "--", "sh", "-c", fmt.Sprintf("echo %d; hostname; ps -e | wc -l >/dev/null", i))
			out, err := cmd.CombinedOutput()
			if want := fmt.Sprintf("%d\nscratchhost\n", i); err != nil || string(out) != want {
				errs <- fmt.Sprintf("session %d: %v: %q, want %q", i, err, out, want)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	waitNoSessions(t, ctrScratch)
}

func TestExecPIDTarget(t *testing.T) {
	pid := docker(t, "inspect", "-f", "{{.State.Pid}}", ctrScratch)
	if got := strings.TrimSpace(mustDdebug(t, "exec", "pid://"+pid, "--", "hostname")); got != "scratchhost" {
		t.Errorf("pid://%s hostname = %q, want scratchhost", pid, got)
	}
	// A plain host process: its namespaces are the host's.
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	out := mustDdebug(t, "exec", fmt.Sprintf("pid://%d", sleep.Process.Pid), "--", "ps", "-o", "args=", "-p", strconv.Itoa(sleep.Process.Pid))
	if strings.TrimSpace(out) != "sleep 60" {
		t.Errorf("ps of the host process = %q, want \"sleep 60\"", out)
	}
}

func TestExecErrors(t *testing.T) {
	stopped := prefix + "stopped"
	docker(t, "run", "--name", stopped, "ddebug-e2e/scratch", "-h")

	cases := []struct {
		name string
		env  []string
		args []string
		want string
		cred *syscall.Credential
	}{
		{"no such container", nil, []string{"exec", prefix + "scrach"}, `no such container "` + prefix + `scrach" on docker (unix:///var/run/docker.sock); did you mean ` + ctrScratch, nil},
		{"not running", nil, []string{"exec", stopped}, `container "` + stopped + `" is exited (exit code 0): start it first`, nil},
		{"ambiguous prefix", nil, []string{"exec", ambiguousPrefix(t)}, "matches several containers", nil},
		{"socket missing", []string{"DOCKER_HOST=unix:///tmp/ddebug-e2e-nothing.sock"}, []string{"exec", "app"}, "Docker socket /tmp/ddebug-e2e-nothing.sock does not exist: is dockerd running?", nil},
		{"bad reference", nil, []string{"exec", "foo://bar"}, `unknown runtime "foo"`, nil},
		{"pid gone", nil, []string{"exec", "pid://4194000"}, "no process with PID 4194000", nil},
		{"not root", nil, []string{"exec", ctrScratch, "--", "true"}, "", &syscall.Credential{Uid: 65534, Gid: 65534}},
		{"exclusive flags", nil, []string{"exec", "--privileged", "--as-target", ctrScratch}, "exclude each other", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r result
			if c.cred != nil {
				cmd := exec.Command(ddebugBin, c.args...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
				out, _ := cmd.CombinedOutput()
				r = result{stderr: string(out), status: cmd.ProcessState.ExitCode()}
				// As a normal user it cannot even reach the Docker socket: either message is right.
				if !strings.Contains(r.stderr, "needs root") && !strings.Contains(r.stderr, "permission denied on the Docker socket") {
					t.Errorf("stderr %q, want it to say root is needed", r.stderr)
				}
			} else {
				r = ddebug(t, c.env, c.args...)
				if !strings.Contains(r.stderr, c.want) {
					t.Errorf("stderr %q, want it to contain %q", r.stderr, c.want)
				}
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

// ambiguousPrefix returns an ID prefix shared by two of the suite's containers, creating
// more (stopped) ones until two share a first character.
func ambiguousPrefix(t *testing.T) string {
	for i := 0; i < 40; i++ {
		seen := map[byte]bool{}
		for _, id := range strings.Fields(docker(t, "ps", "-aq", "--no-trunc", "--filter", "name="+prefix)) {
			if seen[id[0]] {
				return id[:1]
			}
			seen[id[0]] = true
		}
		docker(t, "create", "--name", fmt.Sprintf("%sfiller%d", prefix, i), "ddebug-e2e/scratch")
	}
	t.Fatal("no two containers share an ID prefix")
	return ""
}

func hasLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

// TestExecNetworkTools runs ping, traceroute and tcpdump inside containers: root with
// Docker's default capabilities (a raw ICMP socket, a packet socket), and a container
// with none, where ping needs the namespace's ping_group_range to admit root's group.
func TestExecNetworkTools(t *testing.T) {
	out := mustDdebug(t, "exec", ctrScratch, "--", "ping", "-c1", "127.0.0.1")
	if !strings.Contains(out, "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=") ||
		!strings.Contains(out, "1 packets transmitted, 1 received, 0% packet loss") {
		t.Errorf("ping -c1 127.0.0.1 in %s:\n%s", ctrScratch, out)
	}
	out = mustDdebug(t, "exec", ctrScratch, "--", "traceroute", "-n", "127.0.0.1")
	if !regexp.MustCompile(`\n 1  127\.0\.0\.1  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms\n$`).MatchString(out) {
		t.Errorf("traceroute -n 127.0.0.1 in %s:\n%s", ctrScratch, out)
	}
	out = mustDdebug(t, "exec", ctrScratch, "--", "sh", "-c",
		"tcpdump -i lo -c 2 icmp 2>/dev/null & sleep 1; ping -c1 127.0.0.1 >/dev/null; wait")
	if !strings.Contains(out, "IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id ") || !strings.Contains(out, "ICMP echo reply") {
		t.Errorf("tcpdump -i lo -c 2 icmp in %s:\n%s", ctrScratch, out)
	}

	groups := strings.Fields(mustDdebug(t, "exec", ctrReadonly, "--", "cat", "/proc/sys/net/ipv4/ping_group_range"))
	r := ddebug(t, nil, "exec", ctrReadonly, "--", "ping", "-c1", "127.0.0.1")
	if len(groups) == 2 && groups[0] == "0" { // Docker's default: every group may ping
		if r.status != 0 || !strings.Contains(r.stdout, "1 packets transmitted, 1 received") {
			t.Errorf("ping without capabilities, ping_group_range %v: exit %d\n%s%s", groups, r.status, r.stdout, r.stderr)
		}
	} else if r.status != 2 || !strings.Contains(r.stderr, "CAP_NET_RAW is missing") {
		t.Errorf("ping without capabilities, ping_group_range %v: exit %d, want 2 and what is missing\n%s%s", groups, r.status, r.stdout, r.stderr)
	}
	r = ddebug(t, nil, "exec", ctrReadonly, "--", "tcpdump", "-i", "lo", "-c", "1")
	if r.status != 1 || !strings.Contains(r.stderr, "tcpdump: capturing needs CAP_NET_RAW") {
		t.Errorf("tcpdump without capabilities: exit %d, want 1 and what is missing\n%s%s", r.status, r.stdout, r.stderr)
	}
}
