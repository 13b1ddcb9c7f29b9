//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The suite's fixtures, set up once by TestMain.
var (
	ddebugBin string // the plugin binary under test (called as ddebug)
	repoRoot  string
)

// Test images and containers; every name has this prefix, so a crashed run's leftovers are
// found and removed by the next.
const prefix = "ddebug-e2e-"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "e2e: these tests enter container namespaces and need root (run 'sudo make e2e'; CI runs as root)")
		return 1
	}
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	stop, err := ensureDocker()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: docker:", err)
		return 1
	}
	defer stop()
	tmp, err := os.MkdirTemp("", "ddebug-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if ddebugBin, err = buildDdebug(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building ddebug:", err)
		return 1
	}
	removeLeftovers()
	defer removeLeftovers()
	if err := buildImages(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building test images:", err)
		return 1
	}
	return m.Run()
}

// ensureDocker makes sure a Docker Engine answers: it installs Debian's docker.io when
// dockerd is missing and starts dockerd when none runs; the returned func stops only what
// it started.
func ensureDocker() (func(), error) {
	if exec.Command("docker", "info").Run() == nil {
		return func() {}, nil
	}
	if _, err := exec.LookPath("dockerd"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: installing docker.io containerd runc with apt-get")
		out, err := exec.Command("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io containerd runc").CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("apt-get install docker.io: %v\n%s", err, out)
		}
	}
	logf, err := os.CreateTemp("", "ddebug-e2e-dockerd-*.log")
	if err != nil {
		return nil, err
	}
	d := exec.Command("dockerd", "--pidfile", "/run/ddebug-e2e-dockerd.pid")
	d.Stdout, d.Stderr = logf, logf
	if err := d.Start(); err != nil {
		return nil, fmt.Errorf("starting dockerd: %w", err)
	}
	stop := func() {
		d.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { d.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			d.Process.Kill()
		}
		logf.Close()
	}
	for i := 0; i < 120; i++ {
		if exec.Command("docker", "info").Run() == nil {
			return stop, nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	stop()
	b, _ := os.ReadFile(logf.Name())
	return nil, fmt.Errorf("dockerd did not answer within 60s; its log:\n%s", tail(string(b), 20))
}

// buildDdebug returns DDEBUG_E2E_BIN when set (make builds the release-like binary with
// the toolbox embedded), else builds the plugin and the toolbox beside it.
func buildDdebug(dir string) (string, error) {
	if p := os.Getenv("DDEBUG_E2E_BIN"); p != "" {
		return filepath.Abs(p)
	}
	bin := filepath.Join(dir, "ddebug")
	for _, b := range [][2]string{{bin, "./cmd/kubectl-ddebug"}, {filepath.Join(dir, "ddebug-toolbox"), "./cmd/ddebug-toolbox"}} {
		cmd := exec.Command("go", "build", "-o", b[0], b[1])
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	return bin, nil
}

func removeLeftovers() {
	out, _ := exec.Command("docker", "ps", "-aq", "--filter", "name="+prefix).Output()
	if ids := strings.Fields(string(out)); len(ids) > 0 {
		exec.Command("docker", append([]string{"rm", "-f"}, ids...)...).Run()
	}
}

// result of one ddebug run.
type result struct {
	stdout, stderr string
	status         int
}

// ddebug runs the binary under test with args and extra environment, stdin empty.
func ddebug(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runDdebug(t, ddebugBin, env, args...)
}

// runDdebug is ddebug with the binary bin.
func runDdebug(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if cmd.ProcessState != nil {
		r.status = cmd.ProcessState.ExitCode()
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("running ddebug %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("ddebug %v timed out; stderr: %s", args, r.stderr)
	}
	return r
}

// mustDdebug runs ddebug and fails the test unless it exits 0.
func mustDdebug(t *testing.T, args ...string) string {
	t.Helper()
	r := ddebug(t, nil, args...)
	if r.status != 0 {
		t.Fatalf("ddebug %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.status, r.stdout, r.stderr)
	}
	return r.stdout
}

func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
