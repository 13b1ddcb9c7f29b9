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
// is its own launcher and session program. It runs those stages from the package
// initialisation of internal/sessionstart, before the packages of the command line (the
// Kubernetes scheme, the containerd and CRI clients) initialise: the session works, and
// the launcher's traced initialisation shows none of them.
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

	// Started as the launcher by hand: no launch configuration, so it reports an error on
	// its status descriptor (7) and ends; what it initialised first is in the trace.
	status, err := os.CreateTemp(t.TempDir(), "status")
	if err != nil {
		t.Fatal(err)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd := exec.Command(plugin)
	cmd.Args[0] = "ddebug-launch"
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	cmd.ExtraFiles = []*os.File{devnull, devnull, devnull, devnull, status} // 3..7
	var trace bytes.Buffer
	cmd.Stderr = &trace
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 125 {
		t.Fatalf("the plugin as a launcher without configuration: %v, want exit 125\n%s", err, trace.String())
	}
	if b, _ := os.ReadFile(status.Name()); !strings.HasPrefix(string(b), "err ") {
		t.Errorf("status line = %q, want an error", b)
	}
	// internal/sessionstart's own line never comes: its init ends the process. The toolbox
	// it imports comes just before it; each package below has an init line in the plugin's
	// ordinary start.
	if !strings.Contains(trace.String(), "init github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox @") {
		t.Errorf("no init line for the toolbox in the launcher's trace:\n%s", trace.String())
	}
	for _, heavy := range []string{"k8s.io/client-go/kubernetes/scheme", "google.golang.org/grpc/internal/transport", "github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"} {
		if strings.Contains(trace.String(), "init "+heavy) {
			t.Errorf("the launcher initialised %s, a package of the command line", heavy)
		}
	}
}
