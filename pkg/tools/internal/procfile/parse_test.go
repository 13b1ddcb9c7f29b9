package procfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	iofs "io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, line string
		want       Stat
	}{
		{"plain", "1234 (sleep) S 1 1234 1234 34816 1234 4194304 90 0 0 0 3 5 0 0 20 0 1 0 987654 8376320 256 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
			Stat{PID: 1234, Comm: "sleep", State: "S", PPID: 1, PGRP: 1234, Session: 1234, TTY: 34816, TPGID: 1234,
				UTime: 3, STime: 5, Priority: 20, NumThreads: 1, Starttime: 987654, VSize: 8376320, RSS: 256}},
		{"name with spaces and parentheses", "77 (a) b (c)) R 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 -51 -20 3 0 5 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 1 0 99 1 0 0 0 0 0\n",
			Stat{PID: 77, Comm: "a) b (c)", State: "R", PPID: 2, TPGID: -1, Priority: -51, Nice: -20, NumThreads: 3, Starttime: 5}},
		{"empty name", "9 () Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 44 0 0 0\n",
			Stat{PID: 9, State: "Z", PPID: 1, PGRP: 9, Session: 9, TPGID: -1, Priority: 20, NumThreads: 1, Starttime: 44}},
	}
	for _, tt := range tests {
		got, err := parseStat("stat", tt.line)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: parseStat (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, bad := range []string{"", "1 sleep S 1", "1 (sleep) S 1 2 3", "x (sleep) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 44 0 0 0"} {
		if _, err := parseStat("stat", bad); err == nil {
			t.Errorf("parseStat(%q) took a malformed line", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	data := "Name:\tmy prog\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\nGid:\t10\t11\t12\t13\n" +
		"CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t00000000a80425fb\n" +
		"CapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\nvoluntary_ctxt_switches:\t5\n"
	got, err := parseStatus("status", data)
	if err != nil {
		t.Fatal(err)
	}
	want := Status{Name: "my prog", UIDs: [4]uint64{1000, 1001, 1002, 1003}, GIDs: [4]uint64{10, 11, 12, 13},
		CapPrm: 0x1ffffffffff, CapEff: 0x1ffffffffff, CapBnd: 0xa80425fb, NoNewPrivs: "1", Seccomp: "2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseStatus (-want +got):\n%s", diff)
	}
	// An old kernel: no CapAmb, NoNewPrivs or Seccomp lines.
	got, err = parseStatus("status", "Name:\tx\nCapEff:\t0000000000000001\n")
	if err != nil || got != (Status{Name: "x", CapEff: 1}) {
		t.Errorf("parseStatus of an old kernel's status = %+v, %v", got, err)
	}
	if _, err := parseStatus("status", "Name:\tx\nCapEff:\tzz\n"); err == nil {
		t.Error("parseStatus took a capability mask that is not hex")
	}
}

func TestParseCgroups(t *testing.T) {
	data := "12:pids:/user.slice\n4:cpu,cpuacct:/a:b\n1:name=systemd:/init.scope\n0::/system.slice/x.service\n"
	got, err := parseCgroups("cgroup", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Cgroup{
		{12, []string{"pids"}, "/user.slice"},
		{4, []string{"cpu", "cpuacct"}, "/a:b"},
		{1, []string{"name=systemd"}, "/init.scope"},
		{0, nil, "/system.slice/x.service"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseCgroups (-want +got):\n%s", diff)
	}
	if _, err := parseCgroups("cgroup", "0:/x\n"); err == nil {
		t.Error("parseCgroups took a line with two fields")
	}
}

func TestParseSystemStat(t *testing.T) {
	data := "cpu  10 2 30 400 5 6 7 8 0 0\ncpu0 5 1 15 200 2 3 3 4 0 0\ncpu1 5 1 15 200 3 3 4 4 0 0\n" +
		"intr 1 2 3\nctxt 99\nbtime 1700000000\nprocesses 5\nprocs_running 1\n"
	got, err := parseSystemStat("stat", data)
	if err != nil {
		t.Fatal(err)
	}
	want := SystemStat{BootTime: 1700000000, NumCPU: 2, CPUTotal: CPUTimes{10, 2, 30, 400, 5, 6, 7, 8}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseSystemStat (-want +got):\n%s", diff)
	}
}

func TestParseMeminfo(t *testing.T) {
	data := "MemTotal:       16303412 kB\nMemFree:         1234567 kB\nMemAvailable:    9876543 kB\nBuffers:          111 kB\n" +
		"Cached:          222 kB\nSwapCached:            0 kB\nSwapTotal:       2097148 kB\nSwapFree:        2097000 kB\n" +
		"Shmem:            333 kB\nSReclaimable:     444 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n"
	got, err := parseMeminfo("meminfo", data)
	if err != nil {
		t.Fatal(err)
	}
	want := Meminfo{MemTotal: 16303412, MemFree: 1234567, MemAvailable: 9876543, HasMemAvailable: true, Buffers: 111,
		Cached: 222, SwapTotal: 2097148, SwapFree: 2097000, Shmem: 333, SReclaimable: 444}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseMeminfo (-want +got):\n%s", diff)
	}
	// Before Linux 3.14 there is no MemAvailable; a container's view may lack more.
	got, err = parseMeminfo("meminfo", "MemTotal:  100 kB\nMemFree:  50 kB\n")
	if err != nil || got != (Meminfo{MemTotal: 100, MemFree: 50}) {
		t.Errorf("parseMeminfo without MemAvailable = %+v, %v", got, err)
	}
	if _, err := parseMeminfo("meminfo", "MemTotal:  lots kB\n"); err == nil {
		t.Error("parseMeminfo took a value that is not a number")
	}
}

// word is the hex the kernel prints for 4 address bytes: %08X of them read as a number
// in the machine's byte order.
func word(b ...byte) string {
	return fmt.Sprintf("%08X", binary.NativeEndian.Uint32(b))
}

func TestParseNetIP(t *testing.T) {
	header := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	v4 := header +
		"   0: " + word(127, 0, 0, 1) + ":0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20321 1 0000000000000000 100 0 0 10 0\n" +
		"   1: " + word(10, 1, 2, 3) + ":D3A2 " + word(192, 168, 0, 9) + ":01BB 01 0000001A:00000B00 02:000004DB 00000000  1000        0 88123 2 0000000000000000 20 4 30 10 -1\n"
	got, err := parseNetIP("tcp", v4)
	if err != nil {
		t.Fatal(err)
	}
	want := []IPSocket{
		{LocalAddr: net.IP{127, 0, 0, 1}, LocalPort: 631, RemAddr: net.IP{0, 0, 0, 0}, St: 10, Inode: 20321},
		{LocalAddr: net.IP{10, 1, 2, 3}, LocalPort: 0xd3a2, RemAddr: net.IP{192, 168, 0, 9}, RemPort: 443, St: 1,
			TxQueue: 0x1a, RxQueue: 0xb00, UID: 1000, Inode: 88123},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseNetIP tcp (-want +got):\n%s", diff)
	}

	loop6 := net.ParseIP("::1")
	ll := net.ParseIP("fe80::1ff:fe23:4567:890a")
	mapped := net.ParseIP("::ffff:192.0.2.1")
	hex6 := func(ip net.IP) string {
		return word(ip[0:4]...) + word(ip[4:8]...) + word(ip[8:12]...) + word(ip[12:16]...)
	}
	v6 := header +
		"   0: " + hex6(loop6) + ":1F90 " + hex6(net.IPv6zero) + ":0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0\n" +
		"   1: " + hex6(ll) + ":0016 " + hex6(mapped) + ":C000 01 00000000:00000000 00:00000000 00000000   65534        0 556 1 0000000000000000 100 0 0 10 0\n"
	got, err = parseNetIP("tcp6", v6)
	if err != nil {
		t.Fatal(err)
	}
	want = []IPSocket{
		{LocalAddr: loop6, LocalPort: 8080, RemAddr: net.IPv6zero, St: 10, Inode: 555},
		{LocalAddr: ll, LocalPort: 22, RemAddr: mapped, RemPort: 0xc000, St: 1, UID: 65534, Inode: 556},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseNetIP tcp6 (-want +got):\n%s", diff)
	}
	for _, s := range got {
		if len(s.LocalAddr) != 16 {
			t.Errorf("an IPv6 address of %d bytes", len(s.LocalAddr))
		}
	}

	// udp has the same columns and more after the inode.
	udp := "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
		"  125: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 17897 2 0000000000000000 0\n"
	got, err = parseNetIP("udp", udp)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].LocalPort != 68 || got[0].St != 7 || got[0].Inode != 17897 || !got[0].LocalAddr.Equal(net.IPv4zero) {
		t.Errorf("parseNetIP udp = %+v", got)
	}
	for _, bad := range []string{"0: 0100007F:0277 00000000:0000 0A\n", "0: 0100007:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n",
		"0: 0100007F0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"} {
		if _, err := parseNetIP("tcp", header+bad); err == nil {
			t.Errorf("parseNetIP took %q", bad)
		}
	}
}

func TestParseNetUnix(t *testing.T) {
	data := "Num       RefCount Protocol Flags    Type St Inode Path\n" +
		"0000000000000000: 00000002 00000000 00010000 0001 01 20375 /run/systemd/notify\n" +
		"0000000000000000: 00000002 00000000 00000000 0002 01  1234\n" +
		"0000000000000000: 00000003 00000000 00000000 0001 03 99999 @/tmp/.X11-unix/X0\n" +
		"0000000000000000: 00000002 00000000 00010000 0005 01 77777 /tmp/a dir/my sock\n" +
		"0000000000000000: 00000002 00000000 00000000 0002 01 77778 @abs@with@nuls\n"
	got, err := parseNetUnix("unix", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []UnixSocket{
		{Flags: 1 << 16, Type: 1, State: 1, Inode: 20375, Path: "/run/systemd/notify"},
		{Type: 2, State: 1, Inode: 1234},
		{Type: 1, State: 3, Inode: 99999, Path: "@/tmp/.X11-unix/X0"},
		{Flags: 1 << 16, Type: 5, State: 1, Inode: 77777, Path: "/tmp/a dir/my sock"},
		{Type: 2, State: 1, Inode: 77778, Path: "@abs@with@nuls"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseNetUnix (-want +got):\n%s", diff)
	}
	if _, err := parseNetUnix("unix", "Num RefCount\n0000: 00000002 00000000 00010000\n"); err == nil {
		t.Error("parseNetUnix took a short line")
	}
}

// TestFixtureFS reads a process and the system files from a directory laid out as /proc.
func TestFixtureFS(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"42/stat":    "42 (x y) S 1 42 42 0 -1 0 0 0 0 0 7 9 0 0 20 0 1 0 100 4096 3 0\n",
		"42/statm":   "100 30 12 1 0 20 0\n",
		"42/comm":    "x y\n",
		"42/cmdline": "/bin/x\x00-v\x00\x00",
		"7/cmdline":  "",
		"loadavg":    "0.50 1.25 2.00 1/234 5678\n",
		"self":       "",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := FS{Root: root}
	pids, err := fs.PIDs()
	if err != nil || !cmp.Equal(pids, []int{7, 42}) {
		t.Errorf("PIDs = %v, %v; want [7 42]", pids, err)
	}
	if st, err := fs.ReadStat(42); err != nil || st.Comm != "x y" || st.UTime != 7 || st.STime != 9 || st.RSS != 3 {
		t.Errorf("ReadStat = %+v, %v", st, err)
	}
	if n, err := fs.ReadStatmShared(42); err != nil || n != 12 {
		t.Errorf("ReadStatmShared = %d, %v; want 12", n, err)
	}
	if c, err := fs.ReadComm(42); err != nil || c != "x y" {
		t.Errorf("ReadComm = %q, %v", c, err)
	}
	if a, err := fs.ReadCmdline(42); err != nil || !cmp.Equal(a, []string{"/bin/x", "-v"}) {
		t.Errorf("ReadCmdline = %q, %v", a, err)
	}
	if a, err := fs.ReadCmdline(7); err != nil || len(a) != 0 {
		t.Errorf("ReadCmdline of a kernel thread = %q, %v; want none", a, err)
	}
	if la, err := fs.ReadLoadAvg(); err != nil || la != (LoadAvg{0.5, 1.25, 2}) {
		t.Errorf("ReadLoadAvg = %+v, %v", la, err)
	}
	if _, err := fs.ReadStat(43); !errors.Is(err, iofs.ErrNotExist) {
		t.Errorf("ReadStat of a missing pid = %v, want a not-exist error", err)
	}
}
