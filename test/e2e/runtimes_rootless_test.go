//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rootlessUser is the user the rootless Podman test creates and removes.
const rootlessUser = "ddebug-e2e-rl"

// testPodmanRootless runs a rootless Podman container and its API service as a user of
// its own, and checks that ddebug finds it through the rootless socket and enters it,
// user namespace included, as the container's root (the user's uid on the host, never
// the host's root), with the behaviour table of every runtime, and that ddebug ps lists
// it. It skips, saying why, where rootless Podman cannot run.
func testPodmanRootless(t *testing.T, images string) {
	for _, p := range []string{"useradd", "userdel", "newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("rootless Podman needs %s (apt-get install passwd uidmap): %v", p, err)
		}
	}
	if _, err := user.Lookup(rootlessUser); err != nil {
		if out, err := exec.Command("useradd", "-m", "-s", "/bin/sh", rootlessUser).CombinedOutput(); err != nil {
			t.Skipf("cannot create the rootless user: %v\n%s", err, out)
		}
	}
	u, err := user.Lookup(rootlessUser)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// Not t.TempDir: its parent is private to root, and the user must reach these.
	top, err := os.MkdirTemp("", "ddebug-e2e-rl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(top, "run")
	if err := os.MkdirAll(filepath.Join(runDir, "podman"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{runDir, filepath.Join(runDir, "podman")} {
		if err := os.Chown(d, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	img := filepath.Join(top, "images.tar")
	if b, err := os.ReadFile(images); err != nil || os.WriteFile(img, b, 0o644) != nil {
		t.Fatalf("copying the images for the rootless user: %v", err)
	}
	t.Cleanup(func() { removeRootlessUser(t, uid) })

	asUser := func(args ...string) *exec.Cmd {
		cmd := exec.Command("podman", args...)
		cmd.Dir = u.HomeDir
		cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + u.HomeDir, "USER=" + rootlessUser, "XDG_RUNTIME_DIR=" + runDir}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		return cmd
	}
	if out, err := asUser("load", "-q", "-i", img).CombinedOutput(); err != nil {
		t.Fatalf("rootless podman load: %v\n%s", err, out)
	}
	if out, err := asUser("run", "-d", "--name", prefix+"rl", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
		"localhost/ddebug-e2e/scratch", "-listen", ":18094").CombinedOutput(); err != nil {
		t.Skipf("rootless podman run fails on this machine: %v\n%s", err, out)
	}
	sock := filepath.Join(runDir, "podman", "podman.sock")
	svc := asUser("system", "service", "--time=0", "unix://"+sock)
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Process.Kill(); svc.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 100 {
			t.Fatal("the rootless podman service made no socket within 20s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	out, err := asUser("inspect", "-f", "{{.State.Pid}}", prefix+"rl").Output()
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(string(out))

	// As "sudo ddebug" would find it: through the invoking user's runtime dir.
	env := []string{"XDG_RUNTIME_DIR=" + runDir}
	pidN, _ := strconv.Atoi(pid)
	checkBehaviour(t, env, behaviour{pid: pidN, ref: "podman://" + prefix + "rl", name: prefix + "rl", proc: "/app -listen :18094", env: "container=podman"})
	// The container's root is the user on the host: the session's first uid_map line says
	// so, and a file of the host's root (the memfd the session runs from is one) is no
	// more its own than the container's.
	want := fmt.Sprintf("0\n0 %s 1\n%s\n", u.Uid, mustReadlink(t, "/proc/"+pid+"/ns/user"))
	// Its reference names the rootless service (the socket's owner); the name alone finds
	// it too while no other Podman service runs a container of that name.
	canonical := "podman://uid=" + u.Uid + "/" + prefix + "rl"
	for _, ref := range []string{canonical, "podman://" + prefix + "rl", prefix + "rl"} {
		got := mustDdebugEnv(t, env, "exec", ref, "--", "sh", "-c", "id -u; head -n 1 /proc/self/uid_map | tr -s ' ' | sed 's/^ //'; readlink /proc/self/ns/user")
		if got != want {
			t.Errorf("%s: session identity %q, want %q", ref, got, want)
		}
	}
	if r := ddebug(t, env, "exec", "--user", "70000", "podman://"+prefix+"rl", "--", "true"); r.status != 125 ||
		!strings.Contains(r.stderr, "uid 70000 is not mapped in the target's user namespace") {
		t.Errorf("--user 70000: exit %d, %q; want 125 and the unmapped uid named", r.status, r.stderr)
	}
	ps := mustDdebugEnv(t, env, "ps")
	found := false
	for _, l := range strings.Split(ps, "\n") {
		if f := strings.Fields(l); len(f) == 5 && f[1] == canonical {
			found = true
			if f[3] != u.Uid || f[4] != pid {
				t.Errorf("ps row %v: want uid %s (the user's: root of its user namespace) and pid %s", f, u.Uid, pid)
			}
		}
	}
	if !found {
		t.Errorf("ddebug ps lacks the rootless container:\n%s", ps)
	}
}

// removeRootlessUser ends the processes of the test's user (its containers, conmon,
// Podman's pause process), one by one, then removes the user and its home.
func removeRootlessUser(t *testing.T, uid int) {
	for i := 0; i < 20; i++ {
		left := 0
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			var st syscall.Stat_t
			if syscall.Stat("/proc/"+e.Name(), &st) == nil && int(st.Uid) == uid {
				syscall.Kill(pid, syscall.SIGKILL)
				left++
			}
		}
		if left == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if out, err := exec.Command("userdel", "-r", rootlessUser).CombinedOutput(); err != nil && !strings.Contains(string(out), "mail spool") {
		t.Logf("userdel %s: %v\n%s", rootlessUser, err, out)
	}
}

func mustReadlink(t *testing.T, path string) string {
	t.Helper()
	l, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
