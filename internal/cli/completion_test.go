//go:build !ddebug_lean

// The lean build hands completion to the whole product; lean_test.go tests that.

package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/docker"
)

// runCLI runs the command line as name with args and returns its stdout.
func runCLI(t *testing.T, name string, args ...string) string {
	t.Helper()
	return runCLIWith(t, nil, name, args...)
}

// runCLIWith runs the command line built with opts.
func runCLIWith(t *testing.T, opts []Option, name string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	root := NewRootCommand(name, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, opts...)
	root.SetArgs(args)
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// completions runs cobra's hidden __complete and returns the candidates.
func completions(t *testing.T, name string, args ...string) []string {
	t.Helper()
	return completionsWith(t, nil, name, args...)
}

// completionsWith is completions of the command line built with opts.
func completionsWith(t *testing.T, opts []Option, name string, args ...string) []string {
	t.Helper()
	out := runCLIWith(t, opts, name, append([]string{"__complete"}, args...)...)
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") || line == "" {
			continue // the directive
		}
		got = append(got, strings.SplitN(line, "\t", 2)[0])
	}
	return got
}

func TestCompletionScripts(t *testing.T) {
	tests := []struct {
		prog, shell string
		want        []string
	}{
		{"kubectl-ddebug", "bash", []string{"bash completion V2 for kubectl-ddebug", "complete -o default -F __start_kubectl-ddebug kubectl-ddebug"}},
		{"kubectl-ddebug", "zsh", []string{"#compdef kubectl-ddebug", "compdef _kubectl-ddebug kubectl-ddebug"}},
		{"kubectl-ddebug", "fish", []string{"complete -c kubectl-ddebug"}},
		{"kubectl-ddebug", "powershell", []string{"Register-ArgumentCompleter -CommandName 'kubectl-ddebug'"}},
		{"ddebug", "bash", []string{"complete -o default -F __start_ddebug ddebug"}},
		{"ddebug", "zsh", []string{"#compdef ddebug"}},
	}
	for _, tt := range tests {
		t.Run(tt.prog+"/"+tt.shell, func(t *testing.T) {
			out := runCLI(t, tt.prog, "completion", tt.shell)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in the script", w)
				}
			}
			// A script registered for "kubectl" would replace kubectl's own completion.
			for _, bad := range []string{"__start_kubectl ", "#compdef kubectl\n", "complete -c kubectl "} {
				if strings.Contains(out, bad) {
					t.Errorf("the script completes kubectl itself (%q)", bad)
				}
			}
		})
	}
	// The root's Use is restored: help still says "kubectl ddebug".
	root := NewRootCommand("kubectl-ddebug", Streams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	if err := writeCompletion(root, "bash", &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(root.Use, "kubectl ddebug") {
		t.Errorf("root Use after writing a script = %q", root.Use)
	}
}

func TestCompletionCommandArgs(t *testing.T) {
	got := completions(t, "kubectl-ddebug", "completion", "")
	if diff := cmp.Diff([]string{"bash", "zsh", "fish", "powershell", "kubectl-plugin"}, got); diff != "" {
		t.Errorf("completion <TAB> (-want +got):\n%s", diff)
	}
	var out, errOut bytes.Buffer
	root := NewRootCommand("ddebug", Streams{Out: &out, ErrOut: &errOut})
	root.SetArgs([]string{"completion", "tcsh"})
	if err := root.Execute(); err == nil {
		t.Error("completion tcsh succeeded")
	}
}

func TestKubectlCompleteScript(t *testing.T) {
	file, err := os.ReadFile(filepath.Join("..", "..", "hack", "kubectl_complete-ddebug"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(file), runCLI(t, "kubectl-ddebug", "completion", "kubectl-plugin")); diff != "" {
		t.Errorf("hack/kubectl_complete-ddebug and 'completion kubectl-plugin' differ (-file +printed):\n%s", diff)
	}
	// The script hands kubectl's words to the plugin's __complete: run it with a stand-in
	// kubectl-ddebug on PATH that prints its arguments.
	dir := t.TempDir()
	script := filepath.Join(dir, "kubectl_complete-ddebug")
	if err := os.WriteFile(script, file, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kubectl-ddebug"), []byte("#!/bin/sh\necho \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script, "pod/web", "-c", "")
	cmd.Env = append(os.Environ(), "PATH="+dir+":/usr/bin:/bin")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "__complete pod/web -c \n" {
		t.Errorf("kubectl_complete-ddebug pod/web -c '': %q, %v; want __complete and the words", out, err)
	}
}

// stubTargets is the option that makes completion list ts.
func stubTargets(ts []target.Target) []Option {
	return []Option{withTargets(func(context.Context) target.Listing { return target.Listing{Targets: ts} })}
}

func TestCompleteExecTarget(t *testing.T) {
	opts := stubTargets([]target.Target{
		{Runtime: "docker", Name: "web", PID: 10},
		{Runtime: "docker", Name: "worker", PID: 11},
		{Runtime: "podman", Name: "db", PID: 12},
		{Runtime: "podman", Name: "web", PID: 13}, // also on Docker: only references name it
		{Runtime: "containerd", Name: "redis", Canonical: "containerd://default/redis", PID: 14},
		{Runtime: "cri", Name: "shop/cart/app", Canonical: "k8s://shop/cart/app", PID: 15},
	})
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"exec", ""}, []string{"db", "docker://web", "k8s://shop/cart/app", "podman://web", "redis", "worker"}},
		{[]string{"exec", "w"}, []string{"worker"}},
		{[]string{"exec", "docker://we"}, []string{"docker://web"}},
		{[]string{"exec", "podman://"}, []string{"podman://db", "podman://web"}},
		{[]string{"exec", "containerd://"}, []string{"containerd://default/redis"}},
		{[]string{"exec", "k8s://shop/"}, []string{"k8s://shop/cart/app"}},
		{[]string{"exec", "pid://1"}, nil},
		{[]string{"exec", "web", ""}, nil},
	}
	for _, prog := range []string{"ddebug", "kubectl-ddebug"} {
		for _, tt := range tests {
			got := completionsWith(t, opts, prog, tt.args...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s %v (-want +got):\n%s", prog, tt.args, diff)
			}
		}
	}
}

func TestCompleteExecTargetNoRuntime(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "docker.sock"))
	t.Setenv("CONTAINER_HOST", "unix://"+filepath.Join(dir, "podman.sock"))
	t.Setenv("CONTAINERD_ADDRESS", filepath.Join(dir, "containerd.sock"))
	t.Setenv("CONTAINER_RUNTIME_ENDPOINT", "unix://"+filepath.Join(dir, "cri.sock"))
	start := time.Now()
	out := runCLI(t, "ddebug", "__complete", "exec", "")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("completion without a runtime took %v", took)
	}
	if want := ":4\n"; !strings.HasPrefix(out, want) {
		t.Errorf("completion without a runtime printed %q, want only the no-file directive", out)
	}
}

// TestCompleteExecTargetRealDocker compares with `docker ps` when a daemon answers.
func TestCompleteExecTargetRealDocker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ps, err := exec.CommandContext(ctx, "docker", "ps", "--format", "{{.Names}}").Output()
	if err != nil {
		t.Skipf("no Docker daemon answers: %v", err)
	}
	want := strings.Fields(string(ps))
	sort.Strings(want)
	if len(want) == 0 {
		want = nil
	}
	opts := []Option{withTargets(func(ctx context.Context) target.Listing {
		r := target.NewRegistry(docker.Scheme)
		r.Register(docker.Resolver{})
		r.BareSchemes = []string{docker.Scheme}
		return r.List(ctx)
	})}
	if diff := cmp.Diff(want, completionsWith(t, opts, "ddebug", "exec", "")); diff != "" {
		t.Errorf("exec <TAB> vs docker ps (-want +got):\n%s", diff)
	}
}
