//go:build ddebug_lean

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets a copy of this test binary run as the lean ddebug itself (leanProgram), so
// that the hand-off, which replaces the process and passes on its own os.Args, is tested
// as the installed program runs it.
func TestMain(m *testing.M) {
	if os.Getenv("DDEBUG_TEST_AS_LEAN_DDEBUG") == "1" {
		os.Exit(Main("ddebug", os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestLeanResolves: the lean build keeps exec of docker://, pid:// and containerd://
// references (package direct hands on what it cannot answer), and of a bare name only
// when Docker's is the only runtime socket here.
func TestLeanResolves(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "docker.sock")) // absent
	for ref, want := range map[string]bool{
		"docker://app":       true,
		"pid://1":            true,
		"containerd://app":   true,
		"containerd://a/b/c": false,
		"podman://app":       false,
		"cri://app":          false,
		"app":                false, // no Docker socket: another runtime may hold it
		"nope://x":           false,
		"docker://":          false,
		"pid://not-a-number": false,
	} {
		if got := leanResolves(ref); got != want {
			t.Errorf("leanResolves(%q) = %v, want %v", ref, got, want)
		}
	}
}

// leanProgram installs a copy of this test binary as DIR/ddebug, with a stand-in for the
// whole product beside it when full is set (a script writing its arguments to DIR/args),
// and returns a runner of that ddebug.
func leanProgram(t *testing.T, full bool) (run func(args ...string) (string, error), dir string) {
	t.Helper()
	dir = t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ddebug"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	if full {
		script := "#!/bin/sh\nprintf '%s\\n' \"$@\" >\"$(dirname \"$0\")/args\"\n"
		if err := os.WriteFile(filepath.Join(dir, fullProgram), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return func(args ...string) (string, error) {
		cmd := exec.Command(filepath.Join(dir, "ddebug"), args...)
		cmd.Env = append(os.Environ(), "DDEBUG_TEST_AS_LEAN_DDEBUG=1",
			"DOCKER_HOST=unix://"+filepath.Join(dir, "docker.sock"),     // absent: bare names are handed off
			"CONTAINERD_ADDRESS="+filepath.Join(dir, "containerd.sock")) // absent: containerd:// too
		out, err := cmd.CombinedOutput()
		return string(out), err
	}, dir
}

// TestLeanHandsOff: what the lean build lacks runs as kubectl-ddebug beside it, with the
// same arguments; what it has never leaves it.
func TestLeanHandsOff(t *testing.T) {
	run, dir := leanProgram(t, true)
	for _, args := range [][]string{
		{"completion", "bash"},
		{"exec", "app", "--", "ls", "-l"},
		{"exec", "containerd://app"},
		{"tool", "ls", "/"},
		{"ps"},
	} {
		os.Remove(filepath.Join(dir, "args"))
		if out, err := run(args...); err != nil {
			t.Errorf("ddebug %s: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, "args"))
		if err != nil {
			t.Errorf("ddebug %s: not handed to %s: %v", strings.Join(args, " "), fullProgram, err)
			continue
		}
		if want := strings.Join(args, "\n") + "\n"; string(got) != want {
			t.Errorf("ddebug %s: %s got arguments %q, want %q", strings.Join(args, " "), fullProgram, got, want)
		}
	}
	for _, args := range [][]string{{"version"}, {"exec", "pid://999999999", "--", "true"}} {
		os.Remove(filepath.Join(dir, "args"))
		out, _ := run(args...)
		if _, err := os.Stat(filepath.Join(dir, "args")); err == nil {
			t.Errorf("ddebug %s was handed to %s, want it run by the lean build\n%s", strings.Join(args, " "), fullProgram, out)
		}
	}
}

// TestLeanWithoutFull: with no whole product beside it, the lean build says so in one line
// and fails, and still runs what it has.
func TestLeanWithoutFull(t *testing.T) {
	run, _ := leanProgram(t, false)
	out, err := run("completion", "bash")
	if err == nil || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "install both ('make install')") {
		t.Errorf("ddebug completion bash without %s: %v, %q; want one line saying to install both", fullProgram, err, out)
	}
	if out, err := run("version"); err != nil || !strings.Contains(out, "ddebug") {
		t.Errorf("ddebug version without %s: %v\n%s", fullProgram, err, out)
	}
}
