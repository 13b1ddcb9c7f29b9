//go:build e2e

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pluginBinary is the whole plugin under test: kubectl-ddebug beside the lean ddebug that
// make builds, else the binary itself (buildDdebug builds the plugin).
func pluginBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(ddebugBin), "kubectl-ddebug")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ddebugBin
}

// TestExecSessionFromThePlugin: a plugin installed alone (`go install .../cmd/kubectl-ddebug`)
// is its own launcher and session program. It runs the launcher stage from the package
// initialisation of internal/launchstart, which needs pkg/nsenter alone, and the session
// stage from that of internal/sessionstart, which needs the toolbox: the session works, and
// each stage's traced initialisation shows none of the command line's packages (the
// Kubernetes scheme, the gRPC transport of the containerd and CRI clients, internal/cli),
// the launcher's not even the toolbox's.
func TestExecSessionFromThePlugin(t *testing.T) {
	plugin := pluginBinary(t)
	pid := docker(t, "inspect", "-f", "{{.State.Pid}}", ctrScratch)
	r := runDdebug(t, plugin, []string{"DDEBUG_TOOLBOX=" + plugin}, "exec", "-v", "pid://"+pid, "--", "hostname")
	if r.status != 0 || strings.TrimSpace(r.stdout) != "scratchhost" {
		t.Fatalf("session from the plugin itself: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "DDEBUG_TOOLBOX") {
		t.Errorf("-v does not say the session program came from DDEBUG_TOOLBOX: %q", r.stderr)
	}

	heavy := []string{"k8s.io/client-go/kubernetes/scheme", "google.golang.org/grpc/internal/transport", "github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"}
	toolboxInit := "init github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox @"

	// Started as the launcher by hand: no launch configuration, so it reports an error on
	// its status descriptor (7) and ends; what it initialised first is in the trace. Its
	// own package's line never comes (its init ends the process): x/sys/unix, which
	// pkg/nsenter imports, comes before it.
	trace, status := stageByHand(t, plugin, "ddebug-launch", 125)
	if !strings.HasPrefix(status, "err ") {
		t.Errorf("launcher's status line = %q, want an error", status)
	}
	if !strings.Contains(trace, "init golang.org/x/sys/unix @") {
		t.Errorf("no init line for golang.org/x/sys/unix in the launcher's trace:\n%s", trace)
	}
	for _, pkg := range append(heavy, "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox", "regexp") {
		if strings.Contains(trace, "init "+pkg+" @") {
			t.Errorf("the launcher initialised %s, which it does not need", pkg)
		}
	}

	// Started as the session by hand: its configuration (descriptor 3) is empty, so it
	// reports that and ends with 126, the toolbox initialised and the command line not.
	trace, _ = stageByHand(t, plugin, "ddebug-session", 126)
	if !strings.Contains(trace, toolboxInit) {
		t.Errorf("no init line for the toolbox in the session's trace:\n%s", trace)
	}
	for _, pkg := range heavy {
		if strings.Contains(trace, "init "+pkg+" @") {
			t.Errorf("the session initialised %s, a package of the command line", pkg)
		}
	}
}

// stageByHand starts plugin as the stage argv0 with GODEBUG=inittrace=1 and descriptors 3
// to 7 open (/dev/null, but 7, the launcher's status, a file), wants exit code want, and
// returns the trace and what was written on descriptor 7.
func stageByHand(t *testing.T, plugin, argv0 string, want int) (trace, status string) {
	t.Helper()
	statusFile, err := os.CreateTemp(t.TempDir(), "status")
	if err != nil {
		t.Fatal(err)
	}
	defer statusFile.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd := exec.Command(plugin)
	cmd.Args[0] = argv0
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	cmd.ExtraFiles = []*os.File{devnull, devnull, devnull, devnull, statusFile} // 3..7
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != want {
		t.Fatalf("the plugin as %s without configuration: %v, want exit %d\n%s", argv0, err, want, stderr.String())
	}
	b, err := os.ReadFile(statusFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	return stderr.String(), string(b)
}
