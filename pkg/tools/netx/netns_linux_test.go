//go:build linux

package netx

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// The network applets are compared with the real tools inside network namespaces a test
// makes for itself (ip netns add, veth pairs): a fixed world of addresses, routes and
// neighbours that no other test or daemon of the machine changes meanwhile.

// requireNetAdmin skips a test that makes network namespaces when not root (CI is root).
func requireNetAdmin(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("making network namespaces needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("making network namespaces needs ip (Debian package iproute2)")
	}
}

// newNetns makes an empty network namespace (its lo up) and removes it when the test ends.
func newNetns(t *testing.T) string {
	t.Helper()
	requireNetAdmin(t)
	b := make([]byte, 4)
	rand.Read(b)
	name := "ddebug-t-" + hex.EncodeToString(b)
	sh(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	sh(t, "ip", "-n", name, "link", "set", "lo", "up")
	return name
}

// sh runs a command that sets the test up, failing the test when it fails.
func sh(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// inNetns returns a command that runs our applet args[0] inside the namespace ns.
func inNetns(t *testing.T, ns string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := toolstest.Command(t, args...)
	cmd.Args = append([]string{"ip", "netns", "exec", ns}, cmd.Args...)
	cmd.Path = mustLook(t, "ip")
	return cmd
}

// realInNetns returns a command that runs the real tool args[0] inside ns.
func realInNetns(t *testing.T, ns, pkg string, args ...string) *exec.Cmd {
	t.Helper()
	toolstest.GNU(t, args[0], pkg)
	return exec.Command(mustLook(t, "ip"), append([]string{"netns", "exec", ns}, args...)...)
}

func mustLook(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runNetns runs our applet args[0] in ns and returns its output and status.
func runNetns(t *testing.T, ns string, args ...string) (string, string, int) {
	t.Helper()
	return toolstest.Status(t, inNetns(t, ns, args...))
}
