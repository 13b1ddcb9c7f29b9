package agent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// sessionChildEnv makes the test binary run one session (TestMain) instead of the tests.
const sessionChildEnv = "DDEBUG_AGENT_TEST_SESSION"

func TestMain(m *testing.M) {
	tools.Install(Applets)
	if os.Getenv(sessionChildEnv) == "1" {
		args := append([]string{AppletName, SessionFlag, QuietFlag, "--"}, os.Args[1:]...)
		os.Exit(run(context.Background(), tools.ProcessEnv(), args))
	}
	os.Exit(m.Run())
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (a cgroup for the fake target, setuid, chroot)")
	}
}

// fakeContainer starts `sleep` as uid:gid in a new pids cgroup named like a container ID
// and returns that ID.
func fakeContainer(t *testing.T, uid, gid uint32) string {
	t.Helper()
	b := make([]byte, 16)
	rand.Read(b)
	id := "ddebugtest" + hex.EncodeToString(b)
	dir := filepath.Join("/sys/fs/cgroup/pids", id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot make a pids cgroup (cgroup v1 layout needed): %v", err)
	}
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		for range 50 {
			if os.Remove(dir) == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	return id
}

// session runs the test binary as a session with identity (and as cred when not nil),
// and returns its output; it fails the test unless the session exits 0.
func session(t *testing.T, id, identity string, cred *syscall.Credential, command ...string) string {
	t.Helper()
	out, code := sessionStatus(t, id, identity, cred, command...)
	if code != 0 {
		t.Fatalf("session %v: exit %d\n%s", command, code, out)
	}
	return out
}

func sessionStatus(t *testing.T, id, identity string, cred *syscall.Credential, command ...string) (string, int) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if cred != nil { // the test binary's directory is private: give the child its own copy
		dir := t.TempDir()
		os.Chmod(dir, 0o755)
		os.Chmod(filepath.Dir(dir), 0o755)
		copyTo := filepath.Join(dir, "agent.test")
		src, _ := os.Open(self)
		dst, _ := os.OpenFile(copyTo, os.O_CREATE|os.O_WRONLY, 0o755)
		io.Copy(dst, src)
		src.Close()
		dst.Close()
		self = copyTo
	}
	cmd := exec.Command(self, command...)
	cmd.Env = []string{sessionChildEnv + "=1", EnvContainerID + "=containerd://" + id, EnvIdentity + "=" + identity, "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatalf("session %v: %v\n%s", command, err, out)
	}
	return string(out), 0
}

// Root that may switch: chroots into the target's root, then takes its uid and gid.
func TestSessionRootSwitches(t *testing.T) {
	requireRoot(t)
	id := fakeContainer(t, 65532, 65533)
	got := session(t, id, IdentitySwitch, nil, "/bin/sh", "-c", "id -u; id -g; pwd")
	if got != "65532\n65533\n/\n" {
		t.Errorf("session output %q, want uid 65532, gid 65533, cwd / (chroot)", got)
	}
	// Root that stays root (sysadmin) chroots and keeps uid 0.
	if got := session(t, id, IdentityRoot, nil, "/bin/sh", "-c", "id -u"); got != "0\n" {
		t.Errorf("root session output %q, want uid 0", got)
	}
}

// A session with the target's ids and no capability shows the target's root without a
// chroot, and starts there.
func TestSessionSameIDsNoChroot(t *testing.T) {
	requireRoot(t)
	id := fakeContainer(t, 65532, 65533)
	got := session(t, id, "65532:65533", &syscall.Credential{Uid: 65532, Gid: 65533}, "/bin/sh", "-c", "id -u; echo $PWD; ls -d etc")
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 3 || lines[0] != "65532" || !strings.HasSuffix(lines[1], "/root") || lines[2] != "etc" {
		t.Errorf("session output %q, want uid 65532, $PWD at the target's root, its etc visible", got)
	}
	// Another uid cannot read the target's root, and is told what would.
	out, code := sessionStatus(t, id, "1000:1000", &syscall.Credential{Uid: 1000, Gid: 1000}, "true")
	if code != 125 || !strings.Contains(out, "not readable") || !strings.Contains(out, "--profile") {
		t.Errorf("session as another uid: exit %d, output %q; want 125 and advice", code, out)
	}
}
