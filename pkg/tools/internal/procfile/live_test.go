//go:build linux

package procfile

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/procfs"
)

// The tests of this file read the live /proc of the machine through both this package and
// github.com/prometheus/procfs, the reader the toolbox used before, and compare the
// fields the applets read. procfs is imported by tests only: it does not link into the
// toolbox.

func theirFS(t *testing.T) procfs.FS {
	t.Helper()
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// startSleeper starts a process that stays asleep, so its stat does not change while it
// is read twice.
func startSleeper(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Wait until it has exec'd sleep: its comm says so.
	for i := 0; i < 200; i++ {
		if c, err := Default.ReadComm(cmd.Process.Pid); err == nil && c == "sleep" {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cmd.Process.Pid
}

func TestLiveProcessMatchesProcfs(t *testing.T) {
	pid := startSleeper(t)
	p, err := theirFS(t).Proc(pid)
	if err != nil {
		t.Fatal(err)
	}
	// A process that has just exec'd still maps its libraries for a while: read ours,
	// theirs, ours until both of ours agree.
	var ts procfs.ProcStat
	var got Stat
	for try := 0; ; try++ {
		before, err := Default.ReadStat(pid)
		if err != nil {
			t.Fatal(err)
		}
		if ts, err = p.Stat(); err != nil {
			t.Fatal(err)
		}
		if got, err = Default.ReadStat(pid); err != nil {
			t.Fatal(err)
		}
		if got == before && got.State == "S" {
			break
		}
		if try == 100 {
			t.Fatalf("stat of the sleeping pid %d keeps changing: %+v, then %+v", pid, before, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	want := Stat{PID: ts.PID, Comm: ts.Comm, State: ts.State, PPID: ts.PPID, PGRP: ts.PGRP, Session: ts.Session,
		TTY: ts.TTY, TPGID: ts.TPGID, UTime: ts.UTime, STime: ts.STime, Priority: ts.Priority, Nice: ts.Nice,
		NumThreads: ts.NumThreads, Starttime: ts.Starttime, VSize: ts.VSize, RSS: ts.RSS}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stat of pid %d (-procfs +ours):\n%s", pid, diff)
	}
	tst, err := p.NewStatus()
	if err != nil {
		t.Fatal(err)
	}
	ost, err := Default.ReadStatus(pid)
	if err != nil {
		t.Fatal(err)
	}
	wantSt := Status{Name: tst.Name, UIDs: tst.UIDs, GIDs: tst.GIDs, CapInh: tst.CapInh, CapPrm: tst.CapPrm,
		CapEff: tst.CapEff, CapBnd: tst.CapBnd, CapAmb: tst.CapAmb, NoNewPrivs: ost.NoNewPrivs, Seccomp: ost.Seccomp}
	if diff := cmp.Diff(wantSt, ost); diff != "" {
		t.Errorf("status of pid %d (-procfs +ours):\n%s", pid, diff)
	}
	if ost.NoNewPrivs == "" || ost.Seccomp == "" {
		t.Errorf("status of pid %d: NoNewPrivs %q, Seccomp %q; want both read", pid, ost.NoNewPrivs, ost.Seccomp)
	}
	tsm, err := p.Statm()
	if err != nil {
		t.Fatal(err)
	}
	if shared, err := Default.ReadStatmShared(pid); err != nil || shared != tsm.Shared {
		t.Errorf("statm shared of pid %d = %d, %v; procfs %d", pid, shared, err, tsm.Shared)
	}
	tc, _ := p.Comm()
	if c, err := Default.ReadComm(pid); err != nil || c != tc {
		t.Errorf("comm of pid %d = %q, %v; procfs %q", pid, c, err, tc)
	}
	ta, _ := p.CmdLine()
	if a, err := Default.ReadCmdline(pid); err != nil || !cmp.Equal(a, ta) || len(a) != 2 {
		t.Errorf("cmdline of pid %d = %q, %v; procfs %q, want [sleep 60]", pid, a, err, ta)
	}
	tcg, err := p.Cgroups()
	if err != nil {
		t.Fatal(err)
	}
	ocg, err := Default.ReadCgroups(pid)
	if err != nil {
		t.Fatal(err)
	}
	var wantCg []Cgroup
	for _, c := range tcg {
		wantCg = append(wantCg, Cgroup{HierarchyID: c.HierarchyID, Controllers: c.Controllers, Path: c.Path})
	}
	if diff := cmp.Diff(wantCg, ocg, cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })); diff != "" {
		t.Errorf("cgroups of pid %d (-procfs +ours):\n%s", pid, diff)
	}
}

// TestLiveAllProcesses compares the fields that do not change while a process lives, for
// every process that lives through both reads.
func TestLiveAllProcesses(t *testing.T) {
	pids, err := Default.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := theirFS(t).AllProcs()
	if err != nil {
		t.Fatal(err)
	}
	mine := map[int]bool{}
	for i, pid := range pids {
		mine[pid] = true
		if i > 0 && pids[i-1] >= pid {
			t.Fatalf("PIDs not in ascending order: %v", pids)
		}
	}
	if !mine[os.Getpid()] {
		t.Errorf("PIDs lacks this process %d", os.Getpid())
	}
	compared := 0
	for _, p := range theirs {
		ts, err := p.Stat()
		if err != nil {
			continue // gone
		}
		st, err := Default.ReadStat(p.PID)
		if err != nil {
			continue
		}
		if ts.Starttime != st.Starttime {
			continue // the pid was reused in between
		}
		compared++
		got := [5]any{st.PID, st.Comm, st.PPID, st.Session, st.TTY}
		want := [5]any{ts.PID, ts.Comm, ts.PPID, ts.Session, ts.TTY}
		if got != want {
			t.Errorf("stat of pid %d: pid, comm, ppid, sid, tty = %v; procfs %v", p.PID, got, want)
		}
	}
	if compared < 2 {
		t.Errorf("compared %d processes, want this one and its parent at least", compared)
	}
}

func TestLiveSystemMatchesProcfs(t *testing.T) {
	fs := theirFS(t)
	before, err := Default.ReadSystemStat()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := fs.Stat()
	if err != nil {
		t.Fatal(err)
	}
	after, err := Default.ReadSystemStat()
	if err != nil {
		t.Fatal(err)
	}
	if before.BootTime != ts.BootTime || before.NumCPU != len(ts.CPU) {
		t.Errorf("stat: btime %d, %d cpus; procfs %d, %d", before.BootTime, before.NumCPU, ts.BootTime, len(ts.CPU))
	}
	// procfs gives seconds (ticks / USER_HZ): theirs lies between our two reads.
	for _, c := range []struct {
		name          string
		b, a          uint64
		theirsSeconds float64
	}{{"user", before.CPUTotal.User, after.CPUTotal.User, ts.CPUTotal.User},
		{"system", before.CPUTotal.System, after.CPUTotal.System, ts.CPUTotal.System},
		{"idle", before.CPUTotal.Idle, after.CPUTotal.Idle, ts.CPUTotal.Idle},
		{"steal", before.CPUTotal.Steal, after.CPUTotal.Steal, ts.CPUTotal.Steal}} {
		if ticks := c.theirsSeconds * 100; ticks < float64(c.b)-0.5 || ticks > float64(c.a)+0.5 {
			t.Errorf("cpu %s: ours %d..%d ticks, procfs %.0f", c.name, c.b, c.a, ticks)
		}
	}

	tm, err := fs.Meminfo()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Default.ReadMeminfo()
	if err != nil {
		t.Fatal(err)
	}
	if tm.MemTotal == nil || m.MemTotal != *tm.MemTotal || tm.SwapTotal == nil || m.SwapTotal != *tm.SwapTotal ||
		m.HasMemAvailable != (tm.MemAvailable != nil) {
		t.Errorf("meminfo: total %d, swap %d, MemAvailable %v; procfs %v, %v, %v",
			m.MemTotal, m.SwapTotal, m.HasMemAvailable, tm.MemTotal, tm.SwapTotal, tm.MemAvailable)
	}

	for try := 0; ; try++ { // the averages change every 5 seconds
		la, err := Default.ReadLoadAvg()
		if err != nil {
			t.Fatal(err)
		}
		tl, err := fs.LoadAvg()
		if err != nil {
			t.Fatal(err)
		}
		if la == (LoadAvg{tl.Load1, tl.Load5, tl.Load15}) {
			break
		}
		if try == 3 {
			t.Errorf("loadavg %+v; procfs %+v", la, *tl)
			break
		}
	}
}

func TestLiveSocketsMatchProcfs(t *testing.T) {
	fs := theirFS(t)
	ln4, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln4.Close()
	port4 := uint64(ln4.Addr().(*net.TCPAddr).Port)
	files := []struct {
		name   string
		theirs func() (procfs.NetTCP, error)
		port   uint64
		addr   net.IP
	}{{"tcp", fs.NetTCP, port4, net.IPv4(127, 0, 0, 1).To4()}}
	if ln6, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		defer ln6.Close()
		files = append(files, struct {
			name   string
			theirs func() (procfs.NetTCP, error)
			port   uint64
			addr   net.IP
		}{"tcp6", fs.NetTCP6, uint64(ln6.Addr().(*net.TCPAddr).Port), net.IPv6loopback})
	} else {
		t.Logf("no IPv6 loopback (%v): tcp6 not compared", err)
	}
	for _, f := range files {
		theirs, err := f.theirs()
		if err != nil {
			t.Fatal(err)
		}
		mine, err := Default.ReadNetIP(f.name)
		if err != nil {
			t.Fatal(err)
		}
		byInode := map[uint64]IPSocket{}
		for _, s := range mine {
			byInode[s.Inode] = s
		}
		found := false
		for _, ts := range theirs {
			s, ok := byInode[ts.Inode]
			if !ok || ts.Inode == 0 {
				continue
			}
			want := IPSocket{LocalAddr: ts.LocalAddr, RemAddr: ts.RemAddr, LocalPort: ts.LocalPort, RemPort: ts.RemPort,
				St: ts.St, TxQueue: ts.TxQueue, RxQueue: ts.RxQueue, UID: ts.UID, Inode: ts.Inode}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("/proc/net/%s inode %d (-procfs +ours):\n%s", f.name, s.Inode, diff)
			}
			if s.LocalPort == f.port && s.St == 10 && s.LocalAddr.Equal(f.addr) && len(s.LocalAddr) == len(f.addr) {
				found = true
			}
		}
		if !found {
			t.Errorf("/proc/net/%s: our listener %s port %d not read", f.name, f.addr, f.port)
		}
	}

	sock := filepath.Join(t.TempDir(), "s")
	lu, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer lu.Close()
	abstract := "@ddebug-procfile-test-" + filepath.Base(t.TempDir())
	la, err := net.Listen("unix", abstract)
	if err != nil {
		t.Fatal(err)
	}
	defer la.Close()
	theirs, err := fs.NetUNIX()
	if err != nil {
		t.Fatal(err)
	}
	mine, err := Default.ReadNetUnix()
	if err != nil {
		t.Fatal(err)
	}
	byInode := map[uint64]UnixSocket{}
	for _, s := range mine {
		byInode[s.Inode] = s
	}
	found := map[string]bool{}
	for _, ts := range theirs.Rows {
		s, ok := byInode[ts.Inode]
		if !ok {
			continue
		}
		want := UnixSocket{Flags: uint64(ts.Flags), Type: uint64(ts.Type), State: uint64(ts.State), Inode: ts.Inode, Path: ts.Path}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("/proc/net/unix inode %d (-procfs +ours):\n%s", s.Inode, diff)
		}
		if (s.Path == sock || s.Path == abstract) && s.Flags == 1<<16 && s.Type == 1 {
			found[s.Path] = true
		}
	}
	if !found[sock] || !found[abstract] {
		t.Errorf("/proc/net/unix: our listeners read %v, want %s and %s", found, sock, abstract)
	}
}
