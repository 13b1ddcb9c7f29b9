package agent

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
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
