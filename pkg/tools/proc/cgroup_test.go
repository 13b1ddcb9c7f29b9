//go:build linux

package proc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLimitByQuota(t *testing.T) {
	v1, v2 := t.TempDir(), t.TempDir()
	writeFiles(t, v1, map[string]string{"cpu.cfs_quota_us": "150000", "cpu.cfs_period_us": "100000"})
	writeFiles(t, v2, map[string]string{"cpu.max": "50000 100000"})
	unlimited1, unlimited2 := t.TempDir(), t.TempDir()
	writeFiles(t, unlimited1, map[string]string{"cpu.cfs_quota_us": "-1", "cpu.cfs_period_us": "100000"})
	writeFiles(t, unlimited2, map[string]string{"cpu.max": "max 100000"})
	tests := []struct {
		name string
		view cgroupView
		n    int
		want int
	}{
		{"v1 1.5 cpus", cgroupView{v1: map[string]string{"cpu": v1}}, 8, 2},
		{"v2 half a cpu", cgroupView{v2: v2}, 8, 1},
		{"v1 quota above affinity", cgroupView{v1: map[string]string{"cpu": v1}}, 1, 1},
		{"v1 unlimited", cgroupView{v1: map[string]string{"cpu": unlimited1}}, 4, 4},
		{"v2 unlimited", cgroupView{v2: unlimited2}, 4, 4},
		{"no cgroup files", cgroupView{}, 4, 4},
	}
	for _, tt := range tests {
		if got := limitByQuota(tt.n, &tt.view); got != tt.want {
			t.Errorf("%s: limitByQuota(%d) = %d, want %d", tt.name, tt.n, got, tt.want)
		}
	}
}

// TestCgroupLive puts a sleep into a cpu cgroup with a quota (v1 or v2, whichever this
// machine mounts) and checks that `cgroup PID` reports it.
func TestCgroupLive(t *testing.T) {
	requireRoot(t)
	var dir, quotaFile, quota string
	switch {
	case dirExists("/sys/fs/cgroup/cpu") && fileExists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"):
		dir, quotaFile, quota = "/sys/fs/cgroup/cpu/ddebug-test-"+strconv.Itoa(os.Getpid()), "cpu.cfs_quota_us", "50000"
	case fileExists("/sys/fs/cgroup/cgroup.controllers"):
		dir, quotaFile, quota = "/sys/fs/cgroup/ddebug-test-"+strconv.Itoa(os.Getpid()), "cpu.max", "50000 100000"
	default:
		t.Skip("no writable cpu cgroup hierarchy")
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot create a cgroup: %v", err)
	}
	t.Cleanup(func() { os.Remove(dir) })
	if err := os.WriteFile(filepath.Join(dir, quotaFile), []byte(quota), 0o644); err != nil {
		t.Skipf("cannot set a cpu quota: %v", err)
	}
	cmd := startSleep(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(pid), 0o644); err != nil {
		t.Fatalf("moving the sleep into %s: %v", dir, err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) // before the cgroup is removed
	out, stderr, code := run(t, "cgroup", pid)
	if code != 0 || !strings.Contains(out, "cpu: quota 50000us per 100000us (0.50 cpus)") || !strings.Contains(out, filepath.Base(dir)) {
		t.Errorf("cgroup %s = %d\n%s%s\nwant its cgroup and a 0.50 cpu quota", pid, code, out, stderr)
	}
}

func dirExists(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestHasOption(t *testing.T) {
	for _, tt := range []struct {
		options, opt string
		want         bool
	}{
		{"rw,cpu,cpuacct", "cpu", true},
		{"rw,cpu,cpuacct", "cpuacct", true},
		{"rw,cpuacct", "cpu", false},
		{"rw,xattr,name=systemd", "name=systemd", true},
		{"rw,nsdelegate,memory_recursiveprot", "memory", false},
		{"", "cpu", false},
	} {
		if got := hasOption(tt.options, tt.opt); got != tt.want {
			t.Errorf("hasOption(%q, %q) = %v, want %v", tt.options, tt.opt, got, tt.want)
		}
	}
}
