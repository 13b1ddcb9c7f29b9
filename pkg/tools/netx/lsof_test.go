//go:build linux

package netx

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestLsofUnreadableProcess runs lsof as nobody on a root process, whose links and
// descriptors it may not read: like lsof it lists the process with the reason in NAME
// rather than printing nothing, and exits 0.
func TestLsofUnreadableProcess(t *testing.T) {
	target := exec.Command("sleep", "30")
	if err := target.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { target.Process.Kill(); target.Wait() })
	pid := strconv.Itoa(target.Process.Pid)
	const nobody = 65534
	out, stderr, code := toolstest.Status(t, toolstest.CommandAs(t, nobody, nobody, "lsof", "-p", pid))
	if code != 0 {
		t.Fatalf("lsof -p %s as nobody = %d %q", pid, code, stderr)
	}
	want := []string{
		"cwd unknown /proc/" + pid + "/cwd (readlink: Permission denied)",
		"rtd unknown /proc/" + pid + "/root (readlink: Permission denied)",
		"txt unknown /proc/" + pid + "/exe (readlink: Permission denied)",
		"NOFD /proc/" + pid + "/fd (opendir: Permission denied)",
	}
	if diff := cmp.Diff(want, lsofRows(out)); diff != "" {
		t.Errorf("lsof -p %s as nobody (-want +got):\n%s\n%s", pid, diff, out)
	}

	// The same rows as the real lsof (FD, TYPE and NAME; it has columns we do not).
	if _, err := exec.LookPath("lsof"); err != nil {
		t.Skip("lsof not installed for the golden comparison (apt-get install lsof)")
	}
	real := exec.Command("lsof", "-p", pid)
	real.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	ref, _, code := toolstest.Status(t, real)
	if code != 0 {
		t.Fatalf("real lsof -p %s as nobody = %d", pid, code)
	}
	if diff := cmp.Diff(lsofRows(ref), lsofRows(out)); diff != "" {
		t.Errorf("lsof -p as nobody (-lsof +ours):\n%s", diff)
	}
}

var lsofUnreadable = regexp.MustCompile(`^\S+\s+\d+\s+\S+\s+(\S+)\s+(unknown\s+)?(/proc/\S+ \(.*\))$`)

// lsofRows is "FD [TYPE] NAME" of the rows whose NAME says why a link was unreadable.
func lsofRows(out string) []string {
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if m := lsofUnreadable.FindStringSubmatch(l); m != nil {
			rows = append(rows, strings.Join(strings.Fields(m[1]+" "+m[2]+" "+m[3]), " "))
		}
	}
	return rows
}
