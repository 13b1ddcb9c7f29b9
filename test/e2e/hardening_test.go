//go:build e2e

package e2e

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var hostileOnce struct {
	sync.Once
	err error
}

// buildHostileImage builds ddebug-e2e/hostile: the attacker program as PID 1, and /data
// holding links to /etc/shadow and / and a tar with entries that climb out with "..".
func buildHostileImage(t *testing.T) {
	t.Helper()
	hostileOnce.Do(func() {
		dir := t.TempDir()
		build := exec.Command("go", "build", "-o", filepath.Join(dir, "hostile"), "./test/e2e/hostile")
		build.Dir, build.Env = repoRoot, append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			hostileOnce.err = fmt.Errorf("building hostile: %v\n%s", err, out)
			return
		}
		data := filepath.Join(dir, "data")
		os.MkdirAll(data, 0o755)
		os.Symlink("/etc/shadow", filepath.Join(data, "shadow"))
		os.Symlink("/", filepath.Join(data, "root"))
		os.WriteFile(filepath.Join(data, "plain.txt"), []byte("plain\n"), 0o644)
		var tb bytes.Buffer
		tw := tar.NewWriter(&tb)
		for _, name := range []string{"../../etc/ddebug-e2e-evil", "ok.txt"} {
			tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
			tw.Write([]byte("evil\n"))
		}
		tw.WriteHeader(&tar.Header{Name: "escape", Typeflag: tar.TypeSymlink, Linkname: "/etc"})
		tw.WriteHeader(&tar.Header{Name: "escape/ddebug-e2e-evil2", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
		tw.Write([]byte("evil\n"))
		tw.Close()
		os.WriteFile(filepath.Join(dir, "evil.tar"), tb.Bytes(), 0o644)
		os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY hostile /hostile\nCOPY data /data\nCOPY evil.tar /data/evil.tar\nENTRYPOINT [\"/hostile\"]\n"), 0o644)
		if out, err := exec.Command("docker", "build", "-q", "-t", "ddebug-e2e/hostile", dir).CombinedOutput(); err != nil {
			hostileOnce.err = fmt.Errorf("docker build hostile: %v\n%s", err, out)
		}
	})
	if hostileOnce.err != nil {
		t.Fatal(hostileOnce.err)
	}
}

func startHostile(t *testing.T, name string, extra ...string) string {
	t.Helper()
	buildHostileImage(t)
	ctr := prefix + name
	exec.Command("docker", "rm", "-f", ctr).Run()
	docker(t, append(append([]string{"run", "-d", "--name", ctr}, extra...), "ddebug-e2e/hostile")...)
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", ctr).Run() })
	return ctr
}

type attackReport struct {
	PID    int      `json:"pid"`
	Comm   string   `json:"comm"`
	Attack string   `json:"attack"`
	OK     bool     `json:"ok"`
	Err    string   `json:"err"`
	Data   []string `json:"data"`
}

func attackReports(t *testing.T, ctr string) []attackReport {
	t.Helper()
	out, err := exec.Command("docker", "logs", ctr).Output()
	if err != nil {
		t.Fatal(err)
	}
	var rs []attackReport
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r attackReport
		if err := json.Unmarshal(sc.Bytes(), &r); err == nil {
			rs = append(rs, r)
		}
	}
	return rs
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// allowedFD is where a session's descriptors may lead: pipes and its own pty to ddebug,
// the Go runtime's anonymous inodes, the sealed session program (a memfd, or a file at the
// root of the detached read-only overlay, which its child holds until the exec), and the
// container's own cgroup and /proc files (the runtime reads its CPU limit through them).
// Never a host file, directory or socket.
var allowedFD = regexp.MustCompile(`^\d+=(pipe:\[\d+\]|anon_inode:.*|/dev/pts/\d+|/memfd:ddebug-(toolbox|launch) \(deleted\)|/ddebug-(toolbox|launch)|/sys/fs/cgroup/[^ ]*|/proc/\d+/(mountinfo|cgroup))$`)

// TestHostileContainer runs sessions in a container whose PID 1 attacks every process that
// appears beside it: with Docker's default capabilities, and with SYS_PTRACE, where the
// kernel lets it read and attach the session and it must find nothing of the host. The
// command session's child is held between its fork and its exec (a binary built with the
// test hooks, testHooksDdebug), so the attacker meets it in that instant for sure.
func TestHostileContainer(t *testing.T) {
	secret := "DDEBUG_TEST_HOST_SECRET=hunter2-" + strconv.Itoa(os.Getpid())
	hooked := testHooksDdebug(t)
	for _, v := range []struct {
		name   string
		extra  []string
		ptrace bool
	}{{"default-caps", nil, false}, {"sys-ptrace", []string{"--cap-add", "SYS_PTRACE"}, true}} {
		t.Run(v.name, func(t *testing.T) {
			ctr := startHostile(t, "hostile-"+v.name, v.extra...)
			before, hookedBefore := fileSum(t, ddebugBin), fileSum(t, hooked)
			// A command session and an interactive one, each living long enough to be attacked.
			if r := runDdebug(t, hooked, []string{secret, "DDEBUG_TEST_PAUSE_BEFORE_EXEC=1000"}, "exec", ctr, "--", "sleep", "1.5"); r.status != 0 {
				logs, _ := exec.Command("docker", "logs", ctr).CombinedOutput()
				t.Fatalf("session: exit %d: %s\nthe attacker's log:\n%s", r.status, r.stderr, tail(string(logs), 30))
			}
			c := startConsole(t, "exec", ctr)
			c.expect("ddebug:" + ctr)
			c.send("sleep 1.5; exit 4\r")
			if st := c.wait(); st != 4 {
				t.Errorf("interactive session exit %d, want 4", st)
			}
			if after := fileSum(t, ddebugBin); after != before || fileSum(t, hooked) != hookedBefore {
				t.Fatal("the host's ddebug binary changed during the sessions (CVE-2019-5736)")
			}
			time.Sleep(100 * time.Millisecond)
			rs := attackReports(t, ctr)
			capBnd := capsOf(t, ctr)
			bnd, _ := strconv.ParseUint(capBnd, 16, 64)
			seen := map[string]int{}
			preExec, memRead := 0, 0
			for _, r := range rs {
				seen[r.Attack]++
				switch r.Attack {
				case "exe-write", "exe-opath-reopen":
					if r.OK {
						t.Errorf("pid %d (%s): %s succeeded", r.PID, r.Comm, r.Attack)
					}
				case "environ":
					if r.OK && !v.ptrace {
						t.Errorf("pid %d (%s): environment readable without SYS_PTRACE: %v", r.PID, r.Comm, r.Data)
					}
					if r.OK && !strings.Contains(strings.Join(r.Data, "\n"), "DDEBUG_TARGET=") {
						preExec++ // the launcher's (empty) environment: the child before its exec
					}
					for _, kv := range r.Data {
						if strings.Contains(kv, "DDEBUG_TEST_HOST_SECRET") || strings.Contains(kv, "hunter2") || strings.HasPrefix(kv, "KUBECONFIG=") || strings.HasPrefix(kv, "SSH_AUTH_SOCK=") {
							t.Errorf("pid %d (%s): the caller's environment reached the session: %s", r.PID, r.Comm, kv)
						}
					}
				case "mem":
					if r.OK && !v.ptrace {
						t.Errorf("pid %d (%s): memory readable without SYS_PTRACE", r.PID, r.Comm)
					}
					if r.OK {
						memRead++
					}
					for _, f := range r.Data {
						t.Errorf("pid %d (%s): the caller's secret is in the session's memory: %s", r.PID, r.Comm, f)
					}
				case "fds":
					// Root in the container owns /proc/<session>/fd and may list the numbers;
					// where they lead takes ptrace access, which a non-dumpable session denies.
					for _, l := range r.Data {
						denied := strings.HasSuffix(l, ": permission denied")
						// A descriptor closed (or a session gone) between the listing and the
						// readlink led nowhere: the session closes its config fd early on.
						gone := strings.HasSuffix(l, ": no such file or directory") || strings.HasSuffix(l, ": no such process")
						if gone {
							continue
						}
						if !denied && !v.ptrace {
							t.Errorf("pid %d (%s): descriptor resolved without SYS_PTRACE: %s", r.PID, r.Comm, l)
						}
						if !denied && !allowedFD.MatchString(l) {
							t.Errorf("pid %d (%s): descriptor leads outside the session: %s", r.PID, r.Comm, l)
						}
					}
				case "status":
					for _, l := range r.Data {
						f := strings.Fields(l)
						if len(f) == 2 && (f[0] == "CapEff:" || f[0] == "CapPrm:" || f[0] == "CapBnd:") {
							if c, _ := strconv.ParseUint(f[1], 16, 64); c&^bnd != 0 {
								t.Errorf("pid %d (%s): %s %s exceeds the container's bounding set %s", r.PID, r.Comm, f[0], f[1], capBnd)
							}
						}
					}
				case "ptrace":
					if r.OK && !v.ptrace {
						t.Errorf("pid %d (%s): ptrace attach succeeded without SYS_PTRACE", r.PID, r.Comm)
					}
				}
			}
			// The attacker must really have met the sessions, or this test proves nothing.
			for _, a := range []string{"exe-write", "exe-opath-reopen", "environ", "fds", "mem", "status", "ptrace"} {
				if seen[a] < 2 {
					t.Errorf("the hostile process ran %q only %d times: it did not see both sessions", a, seen[a])
				}
			}
			if v.ptrace && (preExec == 0 || memRead == 0) {
				t.Errorf("with SYS_PTRACE the attacker read the child before its exec %d times and some session's memory %d times; want both > 0", preExec, memRead)
			}
			t.Logf("%d attacks on sessions, %d before the exec, %d memory reads; ptrace with %s: %v", len(rs), preExec, memRead, v.name, ptraceOutcomes(rs))
		})
	}
}

func ptraceOutcomes(rs []attackReport) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		if r.Attack == "ptrace" {
			if r.OK {
				m["attached"]++
			} else {
				m[r.Err]++
			}
		}
	}
	return m
}

// TestCopyOutOfHostileTarget: copying a target's files with the toolbox's tar never writes
// outside the destination: links stay links, ".." and link-following entries are refused.
func TestCopyOutOfHostileTarget(t *testing.T) {
	ctr := startHostile(t, "hostile-copy")
	base := t.TempDir()
	dest := filepath.Join(base, "a", "b", "dest")
	os.MkdirAll(dest, 0o755)
	pipe := func(src []string, dst []string) (int, string) {
		producer := exec.Command(ddebugBin, src...)
		consumer := exec.Command(ddebugBin, dst...)
		r, w, _ := os.Pipe()
		producer.Stdout, consumer.Stdin = w, r
		var errb bytes.Buffer
		consumer.Stderr, producer.Stderr = &errb, &errb
		if err := producer.Start(); err != nil {
			t.Fatal(err)
		}
		if err := consumer.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		r.Close()
		producer.Wait()
		consumer.Wait()
		return consumer.ProcessState.ExitCode(), errb.String()
	}
	if st, e := pipe([]string{"exec", ctr, "--", "tar", "cf", "-", "/data"}, []string{"tool", "tar", "xf", "-", "-C", dest}); st != 0 {
		t.Fatalf("tar of /data: exit %d: %s", st, e)
	}
	for link, want := range map[string]string{"data/shadow": "/etc/shadow", "data/root": "/"} {
		got, err := os.Readlink(filepath.Join(dest, link))
		if err != nil || got != want {
			t.Errorf("%s: readlink = %q, %v; want the link kept as a link to %s", link, got, err, want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dest, "data", "plain.txt")); err != nil || string(b) != "plain\n" {
		t.Errorf("data/plain.txt = %q, %v", b, err)
	}
	dest2 := filepath.Join(base, "a", "b", "dest2")
	os.MkdirAll(dest2, 0o755)
	st, e := pipe([]string{"exec", ctr, "--", "cat", "/data/evil.tar"}, []string{"tool", "tar", "xf", "-", "-C", dest2})
	if st == 0 {
		t.Errorf("extracting a tar with escaping entries succeeded; want a failure naming them (stderr %q)", e)
	}
	for _, p := range []string{filepath.Join(base, "etc", "ddebug-e2e-evil"), filepath.Join(base, "a", "etc", "ddebug-e2e-evil"), "/etc/ddebug-e2e-evil", "/etc/ddebug-e2e-evil2"} {
		if _, err := os.Lstat(p); err == nil {
			os.Remove(p)
			t.Errorf("extraction wrote outside the destination: %s", p)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dest2, "ok.txt")); err != nil || string(b) != "evil\n" {
		t.Errorf("the harmless entry ok.txt was not extracted: %q, %v", b, err)
	}
}

// TestBuiltWithoutCgo: no code of ours that runs with host privileges can load a library
// from a target's filesystem (CVE-2019-14271): the binary is static and cgo-free.
func TestBuiltWithoutCgo(t *testing.T) {
	out, err := exec.Command("go", "version", "-m", ddebugBin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)^\s+build\s+CGO_ENABLED=0$`).Match(out) {
		t.Errorf("%s was not built with CGO_ENABLED=0:\n%s", ddebugBin, out)
	}
	if f, err := exec.Command("file", "-L", ddebugBin).Output(); err == nil && !bytes.Contains(f, []byte("statically linked")) {
		t.Errorf("%s is not statically linked: %s", ddebugBin, f)
	}
}

// TestTargetStringsAreEscaped: a process named with terminal escape sequences cannot make
// ddebug print them raw.
func TestTargetStringsAreEscaped(t *testing.T) {
	dir := t.TempDir()
	evil := filepath.Join(dir, "evil\x1b]0;pwned\x07")
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(sleep)
	os.WriteFile(evil, b, 0o755)
	p := exec.Command(evil, "30")
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Process.Kill(); p.Wait() })
	c := startConsole(t, "exec", fmt.Sprintf("pid://%d", p.Process.Pid))
	c.expect(fmt.Sprintf("pid/%d", p.Process.Pid))
	c.send("exit\r")
	c.wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(c.out.Bytes(), []byte("\x1b]0;pwned")) {
		t.Errorf("ddebug printed the target's escape sequence raw: %q", c.out.String())
	}
}

// testHooksDdebug builds the binary under test again with the tag ddebug_testhooks: only
// there does DDEBUG_TEST_PAUSE_BEFORE_EXEC hold a session's child between its fork and its
// exec (internal/cli/testhooks.go); the binaries make and the releases build never read it.
func testHooksDdebug(t *testing.T) string {
	t.Helper()
	// With DDEBUG_E2E_BIN, the binary make builds as bin/ddebug (the session binaries
	// embedded); else beside the toolbox the harness built.
	tags, bin := "ddebug_embed ddebug_host ddebug_testhooks", filepath.Join(t.TempDir(), "ddebug")
	if os.Getenv("DDEBUG_E2E_BIN") == "" {
		tags, bin = "ddebug_testhooks", filepath.Join(filepath.Dir(ddebugBin), "ddebug-testhooks")
	}
	cmd := exec.Command("go", "build", "-tags", tags, "-o", bin, "./cmd/kubectl-ddebug")
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %q: %v\n%s", tags, err, out)
	}
	return bin
}
