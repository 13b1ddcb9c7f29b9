//go:build linux

package netx

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// --- packets made by hand, for the filter and the printer ---

// pkt is one packet of a test capture: its Ethernet frame.
type pkt struct {
	name  string
	frame []byte
}

func ether(typ uint16, payload []byte) []byte {
	f := []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, byte(typ >> 8), byte(typ)}
	return append(f, payload...)
}

func ipv4(src, dst string, proto byte, fragOff uint16, payload []byte) []byte {
	h := make([]byte, 20)
	h[0], h[8], h[9] = 0x45, 64, proto
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(h[4:], 0x1234)
	binary.BigEndian.PutUint16(h[6:], 0x4000|fragOff)
	if fragOff != 0 {
		binary.BigEndian.PutUint16(h[6:], fragOff)
	}
	copy(h[12:], net.ParseIP(src).To4())
	copy(h[16:], net.ParseIP(dst).To4())
	binary.BigEndian.PutUint16(h[10:], icmpChecksum(h))
	return ether(etherIPv4, append(h, payload...))
}

func ipv6(src, dst string, nh byte, payload []byte) []byte {
	h := make([]byte, 40)
	h[0], h[6], h[7] = 0x60, nh, 64
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	copy(h[8:], net.ParseIP(src))
	copy(h[24:], net.ParseIP(dst))
	return ether(etherIPv6, append(h, payload...))
}

func tcpSeg(sport, dport uint16, seq, ack uint32, flags byte, data string) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h, sport)
	binary.BigEndian.PutUint16(h[2:], dport)
	binary.BigEndian.PutUint32(h[4:], seq)
	binary.BigEndian.PutUint32(h[8:], ack)
	h[12], h[13] = 5<<4, flags
	binary.BigEndian.PutUint16(h[14:], 512)
	return append(h, data...)
}

func udpDgram(sport, dport uint16, data string) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h, sport)
	binary.BigEndian.PutUint16(h[2:], dport)
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(data)))
	return append(h, data...)
}

func arpRequest(spa, tpa string) []byte {
	a := []byte{0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1}
	a = append(a, net.ParseIP(spa).To4()...)
	a = append(a, 0, 0, 0, 0, 0, 0)
	return ether(etherARP, append(a, net.ParseIP(tpa).To4()...))
}

// testPackets is a capture with something for each primitive to match and to miss.
func testPackets() []pkt {
	echo := func(typ byte, id, seq uint16) []byte {
		return icmpEcho(typ == icmp6Echo || typ == icmp6EchoReply, id, seq, []byte("0123456789abcdef"))
	}
	reply6 := echo(icmp6EchoReply, 7, 2)
	reply6[0] = icmp6EchoReply
	return []pkt{
		{"syn", ipv4("10.0.0.1", "10.0.0.2", 6, 0, tcpSeg(5432, 40000, 1000, 0, tcpSYN, ""))},
		{"syn-ack", ipv4("10.0.0.2", "10.0.0.1", 6, 0, tcpSeg(40000, 5432, 7000, 1001, tcpSYN|tcpACK, ""))},
		{"ack", ipv4("10.0.0.1", "10.0.0.2", 6, 0, tcpSeg(5432, 40000, 1001, 7001, tcpACK, ""))},
		{"data", ipv4("10.0.0.2", "10.0.0.1", 6, 0, tcpSeg(40000, 5432, 7001, 1001, tcpPSH|tcpACK, "hello"))},
		{"http", ipv4("10.9.0.1", "10.0.0.2", 6, 0, tcpSeg(33000, 80, 5, 9, tcpPSH|tcpACK, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))},
		{"udp", ipv4("10.1.2.3", "192.168.1.1", 17, 0, udpDgram(53000, 9999, "12345"))},
		{"icmp", ipv4("10.0.0.1", "8.8.8.8", 1, 0, echo(icmp4Echo, 1, 1))},
		{"fragment", ipv4("10.0.0.1", "10.0.0.2", 17, 185, []byte("12345678rest of it"))},
		{"proto-253", ipv4("172.16.0.1", "172.16.0.9", 253, 0, []byte("abcd"))},
		{"tcp6", ipv6("fd00::1", "fd00::2", 6, tcpSeg(443, 50000, 1, 1, tcpACK|tcpFIN, ""))},
		{"udp6", ipv6("fe80::1", "ff02::1", 17, udpDgram(7777, 7778, "x"))},
		{"icmp6", ipv6("fd00::2", "fd00::1", 58, reply6)},
		{"arp", arpRequest("10.0.0.1", "10.0.0.2")},
	}
}

// writeTestPcap writes the packets as a pcap file of linkType (Ethernet, or SLL2 made
// from the frames), packet i at second i of the day.
func writeTestPcap(t *testing.T, path string, linkType uint32, pkts []pkt) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := newPcapWriter(f, linkType, defaultSnaplen)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 2, 3, 0, 0, 0, time.Local)
	for i, p := range pkts {
		data := p.frame
		if linkType == linkSLL2 {
			h := make([]byte, 20)
			copy(h, data[12:14])
			binary.BigEndian.PutUint32(h[4:], 1) // lo's index in a namespace of its own
			binary.BigEndian.PutUint16(h[8:], 1)
			h[11] = 6
			copy(h[12:], data[6:12])
			data = append(h, data[14:]...)
		}
		if err := w.WritePacket(base.Add(time.Duration(i)*time.Second), data, len(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

var stamp = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\.\d{6} `)

// stamps is the time stamps of the lines of a summary: which packets were printed.
func stamps(s string) string { return strings.Join(stamp.FindAllString(s, -1), "") }

// TestTcpdumpFilterLikeLibpcap reads the same captures with Debian's tcpdump and ours,
// one filter expression at a time, and compares which packets each keeps: the semantics
// of our compiled program against libpcap's.
func TestTcpdumpFilterLikeLibpcap(t *testing.T) {
	real := toolstest.GNU(t, "tcpdump", "tcpdump")
	dir := t.TempDir()
	pkts := testPackets()
	for _, lt := range []uint32{linkEthernet, linkSLL2} {
		file := filepath.Join(dir, "c.pcap")
		writeTestPcap(t, file, lt, pkts)
		for _, expr := range []string{
			"", "tcp", "udp", "icmp", "icmp6", "arp", "ip", "ip6", "host 10.0.0.1", "src host 10.0.0.1",
			"dst host 10.0.0.2", "host fd00::1", "dst fd00::1", "net 10.0.0.0/24", "net 10.0.0.0 mask 255.255.0.0",
			"src net 10", "net fd00::/16", "port 5432", "src port 5432", "dst port 5432", "tcp port 80",
			"udp port 9999", "port 9999 or 7777", "portrange 7000-8000", "tcp and not port 5432",
			"not (tcp or udp)", "host 10.0.0.1 and (tcp or icmp)", "icmp or arp and host 10.0.0.2",
			"ip proto 253", "proto 17", "ip6 proto 58", "greater 100", "less 60",
			"! ip && ! ip6", "src or dst host 10.0.0.2", "host 10.0.0.1 or 10.1.2.3", "tcp port 443 || udp",
		} {
			name := expr
			if name == "" {
				name = "(none)"
			}
			t.Run(linkTypeName(lt)+"/"+name, func(t *testing.T) {
				args := []string{real, "-n", "-r", file}
				if expr != "" {
					args = append(args, expr)
				}
				want, err := exec.Command(args[0], args[1:]...).Output()
				if err != nil {
					t.Fatalf("tcpdump -r %s: %v", expr, err)
				}
				args = []string{"tcpdump", "-r", file}
				if expr != "" {
					args = append(args, expr)
				}
				got, stderr, code := run(t, args...)
				if code != 0 || stamps(got) != stamps(string(want)) {
					t.Errorf("status %d (stderr %q)\n got:\n%s\nwant:\n%s", code, stderr, got, want)
				}
			})
		}
	}
}

// TestTcpdumpPrintsLikeTcpdump compares the summary lines of the hand-made packets.
func TestTcpdumpPrintsLikeTcpdump(t *testing.T) {
	real := toolstest.GNU(t, "tcpdump", "tcpdump")
	dir := t.TempDir()
	var pkts []pkt
	for _, p := range testPackets() {
		if p.name != "fragment" && p.name != "proto-253" { // what Debian's decodes further
			pkts = append(pkts, p)
		}
	}
	for _, lt := range []uint32{linkEthernet, linkSLL2} {
		file := filepath.Join(dir, "c.pcap")
		writeTestPcap(t, file, lt, pkts)
		want, err := exec.Command(real, "-n", "-r", file).Output()
		if err != nil {
			t.Fatal(err)
		}
		got, stderr, code := run(t, "tcpdump", "-r", file)
		if lt == linkSLL2 { // names of the interfaces of this host: Debian's and ours agree on lo only
			want = regexp.MustCompile(`(?m)^(\S+ )\S+ +`).ReplaceAll(want, []byte("${1}IF "))
			got = regexp.MustCompile(`(?m)^(\S+ )\S+ +`).ReplaceAllString(got, "${1}IF ")
		}
		if code != 0 || got != string(want) {
			t.Errorf("%s: status %d (stderr %q)\n got:\n%s\nwant:\n%s", linkTypeName(lt), code, stderr, got, want)
		}
	}
}

// TestTcpdumpFilterErrors: what the compiler does not take is one line and status 1.
func TestTcpdumpFilterErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.pcap")
	writeTestPcap(t, file, linkEthernet, testPackets())
	for expr, want := range map[string]string{
		"tcp[13] & 2 != 0":  "tcpdump: syntax error in filter expression near '['\n",
		"host":              "tcpdump: syntax error in filter expression: unexpected end\n",
		"(tcp or udp":       "tcpdump: syntax error in filter expression: missing ')'\n",
		"port http":         "tcpdump: invalid port 'http' (service names are not looked up)\n",
		"tcp host 10.0.0.1": "tcpdump: 'tcp' modifier applied to host\n",
	} {
		out, stderr, code := run(t, "tcpdump", "-r", file, expr)
		if code != 1 || stderr != want || out != "" {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want 1 and %q", expr, code, out, stderr, want)
		}
	}
}

// --- live captures ---

// capture is a running tcpdump, ours or Debian's.
type capture struct {
	cmd            *exec.Cmd
	stdout, stderr toolstest.SyncBuffer
}

// startCapture starts cmd and waits until it says it listens.
func startCapture(t *testing.T, cmd *exec.Cmd) *capture {
	t.Helper()
	c := &capture{cmd: cmd}
	cmd.Stdout, cmd.Stderr = &c.stdout, &c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(c.stderr.String(), "listening on"); {
		if time.Now().After(deadline) {
			t.Fatalf("%v did not start listening: %s", cmd.Args, c.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return c
}

// stop interrupts the capture as Ctrl-C does and returns its output.
func (c *capture) stop(t *testing.T) string {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGINT)
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("%v: %v\n%s", c.cmd.Args, err, c.stderr.String())
	}
	return c.stdout.String()
}

// inNetnsDo runs fn on a thread of its own in the network namespace ns: the sockets fn
// opens belong there.
func inNetnsDo(t *testing.T, ns string, fn func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		f, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- err
			return
		}
		errc <- fn()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// tcpExchange makes a TCP connection to 127.0.0.1:5432 and exchanges a line each way.
func tcpExchange() error {
	ln, err := net.Listen("tcp", "127.0.0.1:5432")
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 6)
		io.ReadFull(c, buf)
		c.Write([]byte("world\n"))
		c.Close()
	}()
	c, err := net.Dial("tcp", "127.0.0.1:5432")
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return err
	}
	_, err = io.ReadAll(c)
	return err
}

// TestTcpdumpCapturesLikeTcpdump captures a connection and a ping on lo of a namespace
// of the test's own with Debian's tcpdump and ours, on lo and on any, and compares the
// lines; and our -w - output read back by Debian's tcpdump -r -.
func TestTcpdumpCapturesLikeTcpdump(t *testing.T) {
	ns := newNetns(t)
	const filter = "tcp port 5432 or icmp"
	oursLo := startCapture(t, inNetns(t, ns, "tcpdump", "-i", "lo", filter))
	realLo := startCapture(t, realInNetns(t, ns, "tcpdump", "tcpdump", "--immediate-mode", "-n", "-i", "lo", filter))
	oursAny := startCapture(t, inNetns(t, ns, "tcpdump", "-i", "any", filter))
	oursPcap := startCapture(t, inNetns(t, ns, "tcpdump", "-i", "any", "-w", "-", filter))
	inNetnsDo(t, ns, tcpExchange)
	if out, stderr, code := runNetns(t, ns, "ping", "-c1", "127.0.0.1"); code != 0 {
		t.Fatalf("ping: %d %s %s", code, out, stderr)
	}
	inNetnsDo(t, ns, func() error { // a UDP datagram the filter leaves out
		c, err := net.Dial("udp", "127.0.0.1:9")
		if err == nil {
			c.Write([]byte("x"))
			c.Close()
		}
		return err
	})
	time.Sleep(300 * time.Millisecond)
	clean := func(s string) string { // blank lines (Debian's after ^C) and time stamps out
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if l != "" {
				lines = append(lines, stamp.ReplaceAllString(l, "T "))
			}
		}
		return strings.Join(lines, "\n")
	}
	gotLo, wantLo := clean(oursLo.stop(t)), clean(realLo.stop(t))
	// Debian's -i any (libpcap 1.10.3) loses the FIN segments of this connection in a
	// namespace, so -i any is held to Debian's -i lo with the cooked capture's prefix.
	gotAny, wantAny := clean(oursAny.stop(t)), regexp.MustCompile(`(?m)^T `).ReplaceAllString(wantLo, "T lo    In  ")
	pcap := oursPcap.stop(t)
	if !strings.Contains(wantLo, "Flags [P.]") || !strings.Contains(wantLo, "ICMP echo reply") {
		t.Fatalf("Debian's tcpdump did not see the traffic:\n%s\n%s", wantLo, realLo.stderr.String())
	}
	if gotLo != wantLo {
		t.Errorf("-i lo:\n got:\n%s\nwant:\n%s", gotLo, wantLo)
	}
	if gotAny != wantAny {
		t.Errorf("-i any:\n got:\n%s\nwant:\n%s", gotAny, wantAny)
	}
	read := exec.Command(toolstest.GNU(t, "tcpdump", "tcpdump"), "-n", "-r", "-")
	read.Stdin = strings.NewReader(pcap)
	back, err := read.Output()
	if err != nil {
		t.Fatalf("Debian's tcpdump -r - on our -w -: %v", err)
	}
	// Read back outside the namespace, the interface index names another interface.
	ifname := regexp.MustCompile(`(?m)^(T )\S+ +`)
	if g, w := ifname.ReplaceAllString(clean(string(back)), "${1}IF "), ifname.ReplaceAllString(wantAny, "${1}IF "); g != w {
		t.Errorf("-w - read back by Debian's tcpdump:\n got:\n%s\nwant:\n%s", g, w)
	}
}

// TestTcpdumpWithoutCapability: as nobody, one line says what capturing needs.
func TestTcpdumpWithoutCapability(t *testing.T) {
	cmd := toolstest.CommandAs(t, 65534, 65534, "tcpdump", "-i", "lo", "-c", "1")
	out, stderr, code := toolstest.Status(t, cmd)
	want := "tcpdump: capturing needs CAP_NET_RAW, which this process lacks: use kubectl ddebug --profile=netadmin, or ddebug exec as root\n"
	if code != 1 || stderr != want || out != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want 1 and %q", code, out, stderr, want)
	}
}
