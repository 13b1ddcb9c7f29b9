package nsenter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

var (
	toolbox      string // built by TestMain: the session program
	dumpProbe    string // built by TestMain: testdata/dumpprobe
	launcher     string // built by TestMain: cmd/ddebug-launch as the Makefile builds it
	selfLauncher string // built by TestMain: testdata/selflauncher
)

// launchers are the two ways a session is launched: by cmd/ddebug-launch, entered without
// the Go runtime where it can be (amd64, arm64), and by the session program itself (Launch).
func launchers() []struct {
	name string
	exe  nsenter.Executable
} {
	return []struct {
		name string
		exe  nsenter.Executable
	}{{"launcher", nsenter.Executable{Path: launcher}}, {"toolbox-launches", nsenter.Executable{}}}
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nsenter-test-")
	if err != nil {
		panic(err)
	}
	toolbox = filepath.Join(dir, "ddebug-toolbox")
	dumpProbe = filepath.Join(dir, "dumpprobe")
	launcher = filepath.Join(dir, "ddebug-launch")
	selfLauncher = filepath.Join(dir, "selflauncher")
	_, file, _, _ := runtime.Caller(0)
	for out, pkg := range map[string]string{toolbox: "./cmd/ddebug-toolbox", dumpProbe: "./pkg/nsenter/testdata/dumpprobe", launcher: "./cmd/ddebug-launch",
		selfLauncher: "./pkg/nsenter/testdata/selflauncher"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		if out == launcher && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") {
			cmd.Args = append(cmd.Args[:2], "-ldflags=-E github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry", "-o", out, pkg)
		}
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: joins namespaces (CI runs as root)")
	}
}

// isolated starts a process in new uts, net, ipc, pid and mount namespaces with hostname
// "nstest" and returns its PID.
func isolated(t *testing.T) int {
	t.Helper()
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Fatal("util-linux unshare is needed (apt-get install util-linux)")
	}
	cmd := exec.Command("unshare", "--uts", "--net", "--ipc", "--pid", "--mount", "--fork", "--mount-proc",
		"sh", "-c", "hostname nstest && exec sleep 60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The sleep is the child of unshare; wait until it runs in its new namespace.
	for i := 0; i < 100; i++ {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
		if f := strings.Fields(string(b)); len(f) == 1 {
			var pid int
			fmt.Sscan(f[0], &pid)
			if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) == "sleep" {
				return pid
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the isolated process did not start")
	return 0
}

func run(t *testing.T, pid int, cmd ...string) (string, int) {
	t.Helper()
	return runWith(t, nsenter.Executable{Path: launcher}, pid, cmd...)
}

func runWith(t *testing.T, launcher nsenter.Executable, pid int, cmd ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	status, err := nsenter.Run(context.Background(), nsenter.Options{
		PID: pid, Name: "nstest", Command: cmd, Session: nsenter.Executable{Path: toolbox}, Launcher: launcher,
		Stdout: &out, Stderr: &errb,
		// The test's target is root with every capability; it is the test's own process.
	})
	if err != nil {
		t.Fatalf("Run %v: %v", cmd, err)
	}
	return out.String() + errb.String(), status
}

func nsLink(t *testing.T, pid int, kind string) string {
	l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, kind))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestRunJoinsEveryNamespace compares namespace identities by inode, as seen from inside.
func TestRunJoinsEveryNamespace(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	for _, l := range launchers() {
		t.Run(l.name, func(t *testing.T) {
			// Every namespace and the session's pid namespace (it is a child born there).
			for _, kind := range []string{"uts", "net", "ipc", "mnt", "cgroup", "pid"} {
				out, status := runWith(t, l.exe, pid, "readlink", "/proc/self/ns/"+kind)
				if want := nsLink(t, pid, kind); status != 0 || strings.TrimSpace(out) != want {
					t.Errorf("%s namespace: %q (exit %d), want %q", kind, out, status, want)
				}
			}
			if out, _ := runWith(t, l.exe, pid, "hostname"); strings.TrimSpace(out) != "nstest" {
				t.Errorf("hostname %q, want nstest", out)
			}
			// With its own /proc mounted, the target is PID 1 and the session sees it.
			if out, _ := runWith(t, l.exe, pid, "cat", "/proc/1/comm"); strings.TrimSpace(out) != "sleep" {
				t.Errorf("/proc/1/comm = %q, want sleep", out)
			}
		})
	}
}

func TestRunExitStatus(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	for _, l := range launchers() {
		for cmd, want := range map[string]int{"exit 0": 0, "exit 42": 42, "kill -TERM $$": 128 + 15} {
			if _, status := runWith(t, l.exe, pid, "sh", "-c", cmd); status != want {
				t.Errorf("%s, %s: status %d, want %d", l.name, cmd, status, want)
			}
		}
	}
}

// TestRunReportsALaunchFailure: a session program that cannot be exec'd is an error that
// says which step of the launch failed and why.
func TestRunReportsALaunchFailure(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	for _, l := range launchers() {
		var errb bytes.Buffer
		_, err := nsenter.Run(context.Background(), nsenter.Options{
			PID: pid, Name: "nstest", Command: []string{"true"}, Stderr: &errb, Launcher: l.exe,
			Session: nsenter.Executable{Bytes: []byte("not a program\n")},
		})
		if l.exe.Path == "" {
			// The session program launches too: it is not there to report anything.
			if err == nil || !strings.Contains(err.Error(), "starting the session launcher: exec format error") {
				t.Errorf("%s: %v, want the launcher's exec failure", l.name, err)
			}
			continue
		}
		if want := "starting the session: executing the session program: exec format error"; err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", l.name, err, want)
		}
	}
}

func TestRunRefusesAReusedPID(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	_, err := nsenter.Run(context.Background(), nsenter.Options{
		PID: pid, StartTime: 1, Session: nsenter.Executable{Path: toolbox}, Command: []string{"true"},
	})
	if !errors.Is(err, nsenter.ErrTargetGone) {
		t.Errorf("Run with a wrong start time: %v, want ErrTargetGone", err)
	}
}

func TestRunSessionIsNonDumpableAndSealed(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	// The session inspects itself: its exe is the memfd, and it is not dumpable.
	out, status := run(t, pid, "sh", "-c", "readlink /proc/self/exe; grep -c . /proc/self/environ >/dev/null && echo environ-readable-by-self")
	if status != 0 || !strings.HasPrefix(out, "/memfd:ddebug-toolbox (deleted)\n") {
		t.Errorf("session exe: %q (exit %d), want the sealed memfd", out, status)
	}
}

// TestRunLauncherHoldsNothingOfTheCaller: the session is forked, for real, by a launcher
// whose environment holds nothing of the caller; a target that can ptrace (this one has every capability) gets
// a copy of nothing but the launch configuration.
func TestRunLauncherHoldsNothingOfTheCaller(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	t.Setenv("DDEBUG_TEST_HOST_SECRET", "hunter2")
	for _, l := range launchers() {
		t.Run(l.name, func(t *testing.T) { testLauncherHoldsNothing(t, l.exe, pid) })
	}
}

func testLauncherHoldsNothing(t *testing.T, launcher nsenter.Executable, pid int) {
	found := make(chan string, 1)
	go func() {
		for i := 0; i < 200; i++ {
			ents, _ := os.ReadDir("/proc")
			for _, e := range ents {
				cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
				if string(cmdline) != nsenter.LauncherArg0+"\x00" {
					continue
				}
				env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
				if err == nil {
					found <- fmt.Sprintf("environ %q", env)
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		found <- "no launcher seen"
	}()
	out, status := runWith(t, launcher, pid, "sh", "-c", "sleep 1; grep PPid /proc/self/status")
	if status != 0 || !strings.Contains(out, "PPid:\t0") {
		t.Errorf("session: %q (exit %d), want a parent outside its PID namespace", out, status)
	}
	if got := <-found; got != `environ "GOMAXPROCS=1\x00GOGC=off\x00"` {
		t.Errorf("launcher: %s, want only the Go runtime's settings", got)
	}
}

// TestRunIdentities: the raw fork applies --user and --as-target credentials.
func TestRunIdentities(t *testing.T) {
	requireRoot(t)
	pid := isolated(t) // its bounding set is ours: root in the session has our capabilities
	status, _ := os.ReadFile("/proc/self/status")
	var capEff string
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "CapEff:\t"); ok {
			capEff = v
		}
	}
	for _, c := range []struct {
		id   nsenter.Identity
		want string
	}{
		{nsenter.Identity{Mode: nsenter.IdentityUser, UID: 1234, GID: 567, HasGID: true}, "1234 567 567 0000000000000000"},
		{nsenter.Identity{Mode: nsenter.IdentityRoot}, "0 0 0 " + capEff},
	} {
		for _, l := range launchers() {
			var out, errb bytes.Buffer
			status, err := nsenter.Run(context.Background(), nsenter.Options{
				PID: pid, Name: "nstest", Identity: c.id, Session: nsenter.Executable{Path: toolbox}, Launcher: l.exe,
				Command: []string{"sh", "-c", `echo $(id -u) $(id -g) $(id -G) $(grep CapEff /proc/self/status | cut -f2)`},
				Stdout:  &out, Stderr: &errb,
			})
			if err != nil || status != 0 {
				t.Fatalf("%s, %+v: exit %d, %v: %s", l.name, c.id, status, err, errb.String())
			}
			got := strings.TrimSpace(out.String())
			if got != c.want {
				t.Errorf("%s, %+v: %q, want %q", l.name, c.id, got, c.want)
			}
		}
	}
}

// inUserNS starts a process in a user namespace of its own that maps ids 0-65535 to the
// host's 100000-165535, as rootless Podman or a userns-remapped Docker does (setgroups
// denied, as unshare -r does it), with its own uts, pid and mount namespaces and /proc;
// it returns its PID.
func inUserNS(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "mount --make-rprivate / && mount -t proc proc /proc && hostname nsuser && exec sleep 60")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWUTS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		Credential:  &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true},
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 150; i++ {
		if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid)); strings.TrimSpace(string(comm)) == "sleep" {
			return cmd.Process.Pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the process in a user namespace did not start: %s", errb.String())
	return 0
}

// TestRunJoinsAUserNamespace: a target in a user namespace of its own (rootless Podman) is
// entered as the namespace's root, which is not the host's: files of the host's root stay
// closed to it, however many capabilities it holds there.
func TestRunJoinsAUserNamespace(t *testing.T) {
	requireRoot(t)
	pid := inUserNS(t)
	out, status := run(t, pid, "sh", "-c", `readlink /proc/self/ns/user; hostname; id -u; id -g; id -G; cat /proc/self/uid_map; cat /proc/1/comm
grep CapBnd /proc/self/status | cut -f2
cat /etc/shadow >/dev/null 2>&1 && echo host-root-files-readable || echo host-root-files-closed`)
	var capBnd string
	st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, "CapBnd:\t"); ok {
			capBnd = v
		}
	}
	f := strings.Fields(out)
	want := []string{nsLink(t, pid, "user"), "nsuser", "0", "0", "0", "0", "100000", "65536", "sleep", capBnd, "host-root-files-closed"}
	if status != 0 || strings.Join(f, " ") != strings.Join(want, " ") {
		t.Errorf("session in the user namespace: %q (exit %d), want %q", out, status, want)
	}
	for _, c := range []struct {
		id   nsenter.Identity
		want string
	}{
		{nsenter.Identity{Mode: nsenter.IdentityUser, UID: 1000, GID: 1000, HasGID: true}, "1000 1000 1000 0000000000000000"},
		{nsenter.Identity{Mode: nsenter.IdentityTarget}, "0 0 0 " + capBnd},
	} {
		for _, l := range launchers() {
			var out, errb bytes.Buffer
			status, err := nsenter.Run(context.Background(), nsenter.Options{
				PID: pid, Name: "nsuser", Identity: c.id, Session: nsenter.Executable{Path: toolbox}, Launcher: l.exe,
				Command: []string{"sh", "-c", `echo $(id -u) $(id -g) $(id -G) $(grep CapEff /proc/self/status | cut -f2)`},
				Stdout:  &out, Stderr: &errb,
			})
			if err != nil || status != 0 {
				t.Fatalf("%s, %+v: exit %d, %v: %s", l.name, c.id, status, err, errb.String())
			}
			if got := strings.TrimSpace(out.String()); got != c.want {
				t.Errorf("%s, %+v: %q, want %q", l.name, c.id, got, c.want)
			}
		}
	}
	// An id the namespace does not map is refused before anything starts.
	_, err := nsenter.Run(context.Background(), nsenter.Options{
		PID: pid, Identity: nsenter.Identity{Mode: nsenter.IdentityUser, UID: 70000, GID: 0, HasGID: true},
		Session: nsenter.Executable{Path: toolbox}, Command: []string{"true"},
	})
	if !errors.Is(err, nsenter.ErrUserNamespace) || !strings.Contains(err.Error(), "uid 70000 is not mapped") {
		t.Errorf("unmapped uid: %v, want ErrUserNamespace naming it", err)
	}
}
