package target

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHost builds a /proc and a /sys in a temporary directory: files maps paths under
// the root ("proc/42/cgroup", "sys/fs/cgroup/x/cgroup.freeze") to their content, links
// maps paths to symlink targets.
func fakeHost(t *testing.T, files, links map[string]string) Freezer {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, to := range links {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(to, full); err != nil {
			t.Fatal(err)
		}
	}
	return Freezer{ProcRoot: filepath.Join(root, "proc"), SysRoot: filepath.Join(root, "sys")}
}

func TestFreezerState(t *testing.T) {
	const (
		v2Line     = "0::/kubepods.slice/pod1/cri-containerd-abc.scope\n"
		v2Dir      = "sys/fs/cgroup/kubepods.slice/pod1/cri-containerd-abc.scope/"
		v1Lines    = "12:freezer:/kubepods/pod1/abc\n11:name=systemd:/kubepods/pod1/abc\n0::/\n"
		v1Dir      = "sys/fs/cgroup/freezer/kubepods/pod1/abc/"
		unified    = "sys/fs/cgroup/cgroup.controllers"
		hostNS     = "cgroup:[4026531835]"
		privateNS  = "cgroup:[4026532999]"
		frozenTail = "populated 1\nfrozen 1\n"
	)
	sameNS := map[string]string{"proc/self/ns/cgroup": hostNS, "proc/1/ns/cgroup": hostNS}
	cases := []struct {
		name   string
		files  map[string]string
		links  map[string]string
		frozen bool
		thaw   string // suffix of FreezeState.Thaw
		err    string
	}{
		{"v2 running", map[string]string{"proc/42/cgroup": v2Line, unified: "", v2Dir + "cgroup.events": "populated 1\nfrozen 0\n", v2Dir + "cgroup.freeze": "0\n"}, sameNS, false, "", ""},
		{"v2 frozen", map[string]string{"proc/42/cgroup": v2Line, unified: "", v2Dir + "cgroup.events": frozenTail, v2Dir + "cgroup.freeze": "1\n"}, sameNS, true, "echo 0 > ", ""},
		{"v2 freezing: asked, not done yet", map[string]string{"proc/42/cgroup": v2Line, unified: "", v2Dir + "cgroup.events": "populated 1\nfrozen 0\n", v2Dir + "cgroup.freeze": "1\n"}, sameNS, true, "cri-containerd-abc.scope/cgroup.freeze", ""},
		{"v2 frozen through an ancestor", map[string]string{"proc/42/cgroup": v2Line, unified: "", v2Dir + "cgroup.events": frozenTail, v2Dir + "cgroup.freeze": "0\n", "sys/fs/cgroup/kubepods.slice/pod1/cgroup.freeze": "1\n"}, sameNS, true, "kubepods.slice/pod1/cgroup.freeze", ""},
		{"v1 frozen", map[string]string{"proc/42/cgroup": v1Lines, v1Dir + "freezer.state": "FROZEN\n", v1Dir + "freezer.self_freezing": "1\n"}, sameNS, true, "echo THAWED > ", ""},
		{"v1 freezing", map[string]string{"proc/42/cgroup": v1Lines, v1Dir + "freezer.state": "FREEZING\n"}, sameNS, true, "freezer/kubepods/pod1/abc/freezer.state", ""},
		{"v1 frozen by its parent", map[string]string{"proc/42/cgroup": v1Lines, v1Dir + "freezer.state": "FROZEN\n", v1Dir + "freezer.self_freezing": "0\n", "sys/fs/cgroup/freezer/kubepods/pod1/freezer.self_freezing": "1\n"}, sameNS, true, "freezer/kubepods/pod1/freezer.state", ""},
		{"v1 thawed", map[string]string{"proc/42/cgroup": v1Lines, v1Dir + "freezer.state": "THAWED\n"}, sameNS, false, "", ""},
		{"hybrid: v2 frozen, v1 thawed", map[string]string{"proc/42/cgroup": "12:freezer:/kubepods/pod1/abc\n" + v2Line, v1Dir + "freezer.state": "THAWED\n", "sys/fs/cgroup/unified/kubepods.slice/pod1/cri-containerd-abc.scope/cgroup.freeze": "1\n"}, sameNS, true, "unified/kubepods.slice/pod1/cri-containerd-abc.scope/cgroup.freeze", ""},
		{"no freezer files: not frozen", map[string]string{"proc/42/cgroup": v2Line, unified: ""}, sameNS, false, "", ""},
		{"no cgroupns links (old kernel): read anyway", map[string]string{"proc/42/cgroup": v2Line, unified: "", v2Dir + "cgroup.freeze": "1\n"}, nil, true, "cgroup.freeze", ""},
		{"ddebug in a cgroup namespace of its own", map[string]string{"proc/42/cgroup": v2Line, unified: "", v2Dir + "cgroup.freeze": "1\n"}, map[string]string{"proc/self/ns/cgroup": privateNS, "proc/1/ns/cgroup": hostNS}, false, "", "cgroup namespace of its own"},
		{"a cgroup outside ddebug's cgroup namespace", map[string]string{"proc/42/cgroup": "0::/../../kubepods.slice/x\n", unified: ""}, sameNS, false, "", "not under the root"},
		{"no such process", map[string]string{unified: ""}, sameNS, false, "", "reading the cgroups of process 42"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fakeHost(t, c.files, c.links)
			st, err := f.State(42)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || st.Frozen {
					t.Errorf("State = %+v, %v; want not frozen and an error containing %q", st, err, c.err)
				}
				if f.check(42, "container x", "resume x") != nil {
					t.Error("check failed on a state it cannot read")
				}
				return
			}
			if err != nil || st.Frozen != c.frozen || !strings.Contains(st.Thaw, c.thaw) || (st.Thaw != "" && !strings.HasPrefix(st.Thaw, "echo ")) {
				t.Errorf("State = %+v, %v; want frozen %v, thaw containing %q", st, err, c.frozen, c.thaw)
			}
			if !c.frozen {
				return
			}
			err = f.check(42, "CRI container k8s://ns/web/app", "ctr -n k8s.io task resume abc")
			if !errors.Is(err, ErrNotRunning) || err.Error() != "container is not running: CRI container k8s://ns/web/app is paused: its cgroup is frozen, a session would hang (run 'ctr -n k8s.io task resume abc' first)" {
				t.Errorf("check = %v", err)
			}
			if err := f.check(42, "process 42", ""); err == nil || !strings.Contains(err.Error(), "(run '"+st.Thaw+"' first)") {
				t.Errorf("check without a resume command = %v, want the thaw command %q", err, st.Thaw)
			}
		})
	}
}

func TestCheckFrozenSelf(t *testing.T) {
	// This test process runs: whatever the host's cgroups, it is not frozen.
	if err := CheckFrozen("", os.Getpid(), "process", ""); err != nil {
		t.Errorf("CheckFrozen(self) = %v", err)
	}
}

func TestPIDResolverFrozen(t *testing.T) {
	stat := "42 (app) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10 18446744073709551615"
	f := fakeHost(t, map[string]string{
		"proc/42/stat":                     stat,
		"proc/42/cgroup":                   "0::/system.slice/app.service\n",
		"sys/fs/cgroup/cgroup.controllers": "",
		"sys/fs/cgroup/system.slice/app.service/cgroup.freeze": "1\n",
	}, nil)
	_, err := PIDResolver{ProcRoot: f.ProcRoot, SysRoot: f.SysRoot}.Resolve(context.Background(), Reference{Scheme: SchemePID, Name: "42"})
	want := "process 42 is paused: its cgroup is frozen, a session would hang (run 'echo 0 > " + filepath.Join(f.SysRoot, "fs/cgroup/system.slice/app.service/cgroup.freeze") + "' first)"
	if !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), want) {
		t.Errorf("Resolve(frozen pid) = %v, want ErrNotRunning containing %q", err, want)
	}
}
