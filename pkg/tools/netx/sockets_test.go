//go:build linux

package netx

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
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

// TestDiagMatchesProc checks the sock_diag reader against /proc/net/tcp (via procfile) for
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
	lines, err := procfile.Default.ReadNetIP("tcp")
	if err != nil {
		t.Fatal(err)
	}
	var fromProc []socket
	for _, l := range lines {
		fromProc = append(fromProc, socket{state: tcpStates()[l.St], local: l.LocalAddr, lport: l.LocalPort, peer: l.RemAddr, pport: l.RemPort, inode: l.Inode})
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

// TestSSGolden compares whole tables with iproute2's ss, on sockets of every shape this
// test opens besides whatever else is there: IPv4, IPv6 with and without IPV6_V6ONLY, an
// IPv4 connection to a dual-stack listener (v4-mapped addresses), UDP, unix listeners,
// connected pairs and abstract names. Sockets come and go meanwhile (other tests, other
// processes): a difference is retried before it counts.
func TestSSGolden(t *testing.T) {
	dual := listenTCP(t, "tcp", "[::]:0")
	listenV6Only(t)
	c, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", dual.Addr().(*net.TCPAddr).Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "[::]:0"} {
		u, err := net.ListenPacket("udp", addr)
		if err != nil {
			t.Skipf("udp %s: %v", addr, err)
		}
		t.Cleanup(func() { u.Close() })
	}
	listenTCP(t, "unix", filepath.Join(t.TempDir(), "golden.sock"))
	abstract, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: fmt.Sprintf("@ddebug-ss-%d", os.Getpid()), Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { abstract.Close() })
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(pair[0]); unix.Close(pair[1]) })

	for _, args := range [][]string{{"-tan"}, {"-uan"}, {"-xa"}, {"-tln"}, {"-xl"}, {"-tanH"}, {"-4tan"}, {"-6uan"}, {"-tlnp"}, {"-xlp"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var diff string
			for attempt := 0; attempt < 5; attempt++ {
				want := reference(t, "ss", args...)
				got, stderr, code := run(t, append([]string{"ss"}, args...)...)
				if code != 0 {
					t.Fatalf("ss %v = %d %q", args, code, stderr)
				}
				if diff = cmp.Diff(want, got); diff == "" {
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
			t.Errorf("ss %v (-iproute2 +ours):\n%s", args, diff)
		})
	}
}

// listenV6Only listens on [::]:0 with IPV6_V6ONLY, which ss shows as [::] rather than *.
func listenV6Only(t *testing.T) net.Listener {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1) })
		if err != nil {
			return err
		}
		return serr
	}}
	ln, err := lc.Listen(context.Background(), "tcp6", "[::]:0")
	if err != nil {
		t.Skipf("cannot listen on [::] with IPV6_V6ONLY: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func TestWriteSSTable(t *testing.T) {
	cols := ssColumns[1:]
	rows := [][]string{
		{"State", "Recv-Q", "Send-Q", "Local Address:", "Port", "Peer Address:", "Port", "Process"},
		{"LISTEN", "0     ", "128   ", "0.0.0.0:", "22", "0.0.0.0:", "*", ` users:(("sshd",pid=1,fd=3))`},
		{"ESTAB", "0     ", "0     ", "[::1]:", "8080", "[::1]:", "51234", ` users:(("a-longer-name",pid=2,fd=4))`},
	}
	// The last process cell is left out of the width, as ss does.
	want := "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process                     \n" +
		`LISTEN 0      128          0.0.0.0:22        0.0.0.0:*     users:(("sshd",pid=1,fd=3))` + "\n" +
		`ESTAB  0      0              [::1]:8080        [::1]:51234 users:(("a-longer-name",pid=2,fd=4))` + "\n"
	var b strings.Builder
	writeSSTable(&b, cols, rows, true)
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("writeSSTable (-want +got):\n%s", diff)
	}
}

func TestParseUnixDiagMsg(t *testing.T) {
	attr := func(typ uint16, data []byte) []byte {
		b := make([]byte, 4, 4+len(data)+3)
		binary.NativeEndian.PutUint16(b[0:2], uint16(4+len(data)))
		binary.NativeEndian.PutUint16(b[2:4], typ)
		b = append(b, data...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	u32s := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			binary.NativeEndian.PutUint32(b[4*i:], v)
		}
		return b
	}
	msg := func(typ, state byte, ino uint32, attrs ...[]byte) []byte {
		b := append([]byte{unix.AF_UNIX, typ, state, 0}, u32s(ino, 0, 0)...)
		for _, a := range attrs {
			b = append(b, a...)
		}
		return b
	}
	tests := []struct {
		name string
		b    []byte
		want socket
	}{
		{"listener with a path and its NUL", msg(unix.SOCK_STREAM, 10, 7, attr(0, []byte("/run/x.sock\x00")), attr(4, u32s(2, 128))),
			socket{netid: "u_str", state: "LISTEN", path: "/run/x.sock", inode: 7, recvQ: 2, sendQ: 128, listener: true}},
		{"connected, with its peer", msg(unix.SOCK_STREAM, 1, 8, attr(2, u32s(9))),
			socket{netid: "u_str", state: "ESTAB", inode: 8, peerInode: 9}},
		{"abstract datagram", msg(unix.SOCK_DGRAM, 7, 10, attr(0, []byte("\x00name\x00x"))),
			socket{netid: "u_dgr", state: "UNCONN", path: "@name@x", inode: 10, listener: true}},
		{"seqpacket", msg(unix.SOCK_SEQPACKET, 7, 11), socket{netid: "u_seq", state: "UNCONN", inode: 11, listener: true}},
	}
	for _, tt := range tests {
		got, ok := parseUnixDiagMsg(tt.b)
		if !ok {
			t.Errorf("%s: not parsed", tt.name)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(socket{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if _, ok := parseUnixDiagMsg(make([]byte, 15)); ok {
		t.Error("a short message was parsed")
	}
}
