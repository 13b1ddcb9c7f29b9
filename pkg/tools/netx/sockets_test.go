//go:build linux

package netx

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/procfs"
	"golang.org/x/sys/unix"
)

func listenTCP(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s %s: %v", network, addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func TestSSListener(t *testing.T) {
	ln := listenTCP(t, "tcp4", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	out, stderr, code := run(t, "ss", "-tlnp")
	if code != 0 {
		t.Fatalf("ss -tlnp = %d %q", code, stderr)
	}
	want := fmt.Sprintf(`users:(("%s",pid=%d,fd=`, selfComm(t), os.Getpid())
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, fmt.Sprintf("127.0.0.1:%d ", port)) {
			if !strings.HasPrefix(l, "LISTEN") || !strings.Contains(l, want) {
				t.Errorf("ss row %q, want LISTEN and %s", l, want)
			}
			return
		}
	}
	t.Errorf("port %d not in ss -tlnp:\n%s", port, out)
}

func TestSSEstablishedIPv6(t *testing.T) {
	ln := listenTCP(t, "tcp6", "[::1]:0")
	go func() {
		if c, err := ln.Accept(); err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}()
	c, err := net.Dial("tcp6", ln.Addr().String())
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	local := c.LocalAddr().(*net.TCPAddr)
	out, _, _ := run(t, "ss", "-tn")
	want := fmt.Sprintf("[::1]:%d", local.Port)
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, want) && strings.HasPrefix(l, "ESTAB") && strings.Contains(l, ln.Addr().String()) {
			return
		}
	}
	t.Errorf("connection %s -> %s not ESTAB in ss -tn:\n%s", want, ln.Addr(), out)
}

func TestSSUnix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	ln := listenTCP(t, "unix", path)
	_ = ln
	out, _, _ := run(t, "ss", "-xlp")
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, path) {
			if !strings.Contains(l, "LISTEN") || !strings.Contains(l, fmt.Sprintf("pid=%d,", os.Getpid())) {
				t.Errorf("unix row %q", l)
			}
			out, _, _ = run(t, "lsof", "-U", "-p", strconv.Itoa(os.Getpid()))
			if !strings.Contains(out, path) {
				t.Errorf("lsof -U -p self does not show %s:\n%s", path, out)
			}
			return
		}
	}
	t.Errorf("%s not in ss -xl:\n%s", path, out)
}

func TestLsofInet(t *testing.T) {
	ln := listenTCP(t, "tcp4", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	pid := strconv.Itoa(os.Getpid())
	for _, args := range [][]string{{"lsof", "-i"}, {"lsof", "-nP", "-i", fmt.Sprintf("tcp:%d", port)}, {"lsof", "-i", fmt.Sprintf("@127.0.0.1:%d-%d", port, port), "-p", pid}} {
		out, stderr, code := run(t, args...)
		if code != 0 {
			t.Fatalf("%v = %d %q", args, code, stderr)
		}
		found := false
		for _, l := range strings.Split(out, "\n") {
			f := strings.Fields(l)
			if len(f) >= 7 && f[1] == pid && f[4] == "IPv4" && f[5] == "TCP" && f[6] == fmt.Sprintf("127.0.0.1:%d", port) && strings.Contains(l, "(LISTEN)") {
				found = true
			}
		}
		if !found {
			t.Errorf("%v: no LISTEN row for pid %s port %d:\n%s", args, pid, port, out)
		}
	}
	if _, _, code := run(t, "lsof", "-i", ":1"); code != 1 {
		t.Errorf("lsof -i :1 (nothing there) = %d, want 1", code)
	}
}

func TestSSGoldenListeningPorts(t *testing.T) {
	ln := listenTCP(t, "tcp4", "127.0.0.1:0")
	_ = ln
	ports := func(out string, col int) []string {
		var ps []string
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > col && (f[0] == "LISTEN" || strings.HasPrefix(f[0], "tcp")) {
				ps = append(ps, f[col])
			}
		}
		sort.Strings(ps)
		return ps
	}
	// Other tests open and close listeners meanwhile: retry before calling a difference real.
	compare := func(tool string) {
		var diff string
		for attempt := 0; attempt < 5; attempt++ {
			want := ports(reference(t, tool, "-tln"), 3)
			if len(want) == 0 {
				t.Fatalf("%s -tln lists no listener, not even the test's", tool)
			}
			got, _, _ := run(t, tool, "-tln")
			if diff = cmp.Diff(want, ports(got, 3)); diff == "" {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Errorf("%s -tln listening sockets (-reference +ours):\n%s", tool, diff)
	}
	compare("ss")
	compare("netstat")
}

func TestParseInetFilter(t *testing.T) {
	tests := []struct {
		in   string
		want inetFilter
	}{
		{"tcp", inetFilter{proto: "tcp"}},
		{":80", inetFilter{portLo: 80, portHi: 80}},
		{"6udp:53", inetFilter{family: 6, proto: "udp", portLo: 53, portHi: 53}},
		{"@127.0.0.1:1-1024", inetFilter{host: net.ParseIP("127.0.0.1"), portLo: 1, portHi: 1024}},
		{"4TCP@[::1]:22", inetFilter{family: 4, proto: "tcp", host: net.ParseIP("::1"), portLo: 22, portHi: 22}},
	}
	for _, tt := range tests {
		got, err := parseInetFilter(tt.in)
		if err != nil {
			t.Errorf("parseInetFilter(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(inetFilter{})); diff != "" {
			t.Errorf("parseInetFilter(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if _, err := parseInetFilter("bogus"); err == nil {
		t.Error("parseInetFilter(bogus) succeeded")
	}
}

func TestHostPort(t *testing.T) {
	tests := []struct {
		ip     net.IP
		port   uint64
		family int
		want   string
	}{
		{net.ParseIP("127.0.0.1"), 80, 4, "127.0.0.1:80"},
		{net.IPv4zero, 0, 4, "0.0.0.0:*"},
		{net.ParseIP("::1"), 8080, 6, "[::1]:8080"},
		{net.IPv6unspecified, 0, 6, "[::]:*"},
	}
	for _, tt := range tests {
		if got := hostPort(tt.ip, tt.port, tt.family, nil); got != tt.want {
			t.Errorf("hostPort(%v, %d) = %q, want %q", tt.ip, tt.port, got, tt.want)
		}
	}
	if got := hostPort(net.IPv4zero, 22, 4, map[uint64]string{22: "ssh"}); got != "0.0.0.0:ssh" {
		t.Errorf("service name: %q", got)
	}
}

func selfComm(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestHelp(t *testing.T) {
	for _, a := range []string{"ss", "netstat", "lsof", "ip", "nslookup", "dig", "curl", "wget", "nc"} {
		out, _, code := run(t, a, "--help")
		if code != 0 || !strings.HasPrefix(out, "Usage: ") {
			t.Errorf("%s --help = %d %q", a, code, out)
		}
	}
}

// TestDiagMatchesProc checks the sock_diag reader against /proc/net/tcp (via procfs) for
// the sockets this test opens: a listener, and both ends of a connection.
func TestDiagMatchesProc(t *testing.T) {
	ln := listenTCP(t, "tcp4", "127.0.0.1:0")
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	port := uint64(ln.Addr().(*net.TCPAddr).Port)
	type key struct {
		state, local, peer string
		inode              uint64
	}
	mine := func(socks []socket) []key {
		var out []key
		for _, s := range socks {
			if s.lport == port || s.pport == port {
				out = append(out, key{s.state, hostPort(s.local, s.lport, 4, nil), hostPort(s.peer, s.pport, 4, nil), s.inode})
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].inode < out[j].inode })
		return out
	}
	diag, err := readInetDiag(unix.AF_INET, unix.IPPROTO_TCP)
	if err != nil {
		t.Skipf("sock_diag not available: %v", err)
	}
	fsys, err := procfs.NewFS("/proc")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := fsys.NetTCP()
	if err != nil {
		t.Fatal(err)
	}
	var fromProc []socket
	for _, l := range lines {
		fromProc = append(fromProc, socket{state: tcpStates[l.St], local: l.LocalAddr, lport: l.LocalPort, peer: l.RemAddr, pport: l.RemPort, inode: l.Inode})
	}
	got, want := mine(diag), mine(fromProc)
	if len(want) != 3 {
		t.Fatalf("/proc/net/tcp has %d sockets on port %d, want 3: %v", len(want), port, want)
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(key{})); diff != "" {
		t.Errorf("sock_diag vs /proc/net/tcp (-proc +diag):\n%s", diff)
	}
}

func TestSSFilterLive(t *testing.T) {
	ln := listenTCP(t, "tcp4", "127.0.0.1:0")
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	out, stderr, code := run(t, "ss", "-tn", "state", "listening", "sport", "=", ":"+port)
	if code != 0 {
		t.Fatalf("ss with a filter = %d %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "127.0.0.1:"+port) {
		t.Errorf("ss -tn state listening sport = :%s =\n%s\nwant the header and exactly our listener", port, out)
	}
}
