package agent

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const cid = "4f3a9c0d1e2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7"

// fakeProc writes a /proc-like tree: pid -> cgroup file content, and status files.
func fakeProc(t *testing.T, cgroups map[int]string, status map[int]string) string {
	t.Helper()
	dir := t.TempDir()
	for pid, cg := range cgroups {
		p := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "cgroup"), []byte(cg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for pid, st := range status {
		p := filepath.Join(dir, strconv.Itoa(pid))
		os.MkdirAll(p, 0o755)
		if err := os.WriteFile(filepath.Join(p, "status"), []byte(st), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "self"), 0o755)
	return dir
}

func TestFindTarget(t *testing.T) {
	v1 := "12:pids:/kubepods/besteffort/podabc/" + cid + "\n11:memory:/kubepods/besteffort/podabc/" + cid + "\n"
	other := "12:pids:/kubepods/besteffort/podabc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	pause := "12:pids:/kubepods/besteffort/podabc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	tests := []struct {
		name    string
		cgroups map[int]string
		want    int
		wantErr error
	}{
		{"target is pid 1", map[int]string{1: v1, 7: v1, 9: other}, 1, nil},
		{"shared pid namespace: pid 1 is pause", map[int]string{1: pause, 12: other, 30: v1, 31: v1}, 30, nil},
		{"cgroup v2 relative path", map[int]string{1: pause, 5: "0::/../cri-containerd-" + cid + ".scope\n"}, 5, nil},
		{"not visible", map[int]string{1: pause, 2: other}, 0, ErrNoTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FindTarget(fakeProc(t, tt.cgroups, nil), "containerd://"+cid)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("FindTarget = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := FindTarget(t.TempDir(), "containerd://abc"); err == nil {
		t.Error("FindTarget accepted a 3-character container ID")
	}
}

func TestReadIDs(t *testing.T) {
	proc := fakeProc(t, nil, map[int]string{
		7: "Name:\tapp\nUid:\t65532\t65532\t65532\t65532\nGid:\t0\t0\t0\t0\nGroups:\t10 20 \nCapEff:\t00000000a80425fb\n",
		8: "Name:\tbroken\n",
	})
	got, err := ReadIDs(proc, 7)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Target{PID: 7, UID: 65532, GID: 0, Groups: []int{10, 20}}, got); diff != "" {
		t.Errorf("ReadIDs (-want +got):\n%s", diff)
	}
	if _, err := ReadIDs(proc, 8); err == nil {
		t.Error("ReadIDs accepted a status without Uid/Gid")
	}
	status := filepath.Join(proc, "7", "status")
	// 0xa80425fb is the runtime's default set: CHOWN ... SYS_CHROOT (18), SETUID (7), SETGID (6).
	for bit, want := range map[uint]bool{capSysChroot: true, capSetuid: true, capSetgid: true, 21: false} {
		if got := HasCap(status, bit); got != want {
			t.Errorf("HasCap(%d) = %v, want %v", bit, got, want)
		}
	}
}

func TestSessionsRunning(t *testing.T) {
	self := "12:pids:/kubepods/podabc/debugdebugdebug\n"
	proc := fakeProc(t, map[int]string{1: "12:pids:/kubepods/podabc/target\n", 40: self}, nil)
	if sessionsRunning(proc, []byte(self), 40) {
		t.Error("the agent alone counts as a session")
	}
	proc = fakeProc(t, map[int]string{1: "12:pids:/kubepods/podabc/target\n", 40: self, 52: self}, nil)
	if !sessionsRunning(proc, []byte(self), 40) {
		t.Error("a session in the agent's cgroup is not seen")
	}
}

func TestCommands(t *testing.T) {
	if diff := cmp.Diff([]string{DefaultToolboxPath, AppletName, IdleFlag, "30m0s"}, AgentCommand("", 0)); diff != "" {
		t.Errorf("AgentCommand (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/tb", AppletName, IdleFlag, "1m0s"}, AgentCommand("/tb", time.Minute)); diff != "" {
		t.Errorf("AgentCommand (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{DefaultToolboxPath, AppletName, SessionFlag, QuietFlag, "--", "ls", "-l"}, SessionCommand("", true, []string{"ls", "-l"})); diff != "" {
		t.Errorf("SessionCommand (-want +got):\n%s", diff)
	}
	if got := StripRuntime("containerd://abc"); got != "abc" {
		t.Errorf("StripRuntime = %q", got)
	}
}

func TestUnreadableAdvice(t *testing.T) {
	tests := []struct {
		name        string
		profile     string
		ptrace      bool
		self        Target
		target      Target
		targetKnown bool
		want        []string
		notWant     string
	}{
		{"restricted, other ids", "restricted", false, Target{UID: 1000, GID: 1000}, Target{UID: 65532, GID: 65533}, true,
			[]string{"runs as uid:gid 1000:1000, the target as 65532:65533", "without SYS_PTRACE", "use --profile=general"}, "sysadmin"},
		{"baseline, same ids, target not dumpable", "baseline", false, Target{UID: 1000, GID: 1000}, Target{UID: 1000, GID: 1000}, true,
			[]string{"not dumpable", "use --profile=general"}, "sysadmin"},
		{"general with SYS_PTRACE still refused", "general", true, Target{}, Target{}, false,
			[]string{"with SYS_PTRACE", "use --profile=sysadmin"}, "--profile=general"},
		{"general whose SYS_PTRACE the cluster dropped", "general", false, Target{UID: 1}, Target{UID: 2}, true,
			[]string{"use --profile=sysadmin"}, "--profile=general"},
		{"netadmin", "netadmin", true, Target{}, Target{UID: 1000, GID: 1000}, true,
			[]string{"use --profile=sysadmin"}, "--profile=general"},
		{"sysadmin refused", "sysadmin", true, Target{}, Target{UID: 1000, GID: 1000}, true,
			[]string{"security module", "kubectl ddebug node/NODE"}, "--profile="},
		{"unknown profile, no ptrace", "", false, Target{UID: 5}, Target{}, false,
			[]string{"uid:gid 5:0", "use --profile=general"}, "the target as"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unreadableAdvice(tt.profile, tt.ptrace, tt.self, tt.target, tt.targetKnown)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("advice %q lacks %q", got, w)
				}
			}
			if strings.Contains(got, tt.notWant) {
				t.Errorf("advice %q names %q", got, tt.notWant)
			}
			if strings.Count(got, "--profile=") > 1 {
				t.Errorf("advice %q names more than one profile", got)
			}
		})
	}
}
