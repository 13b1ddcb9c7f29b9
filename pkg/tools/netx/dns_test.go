package netx

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer is a tiny authoritative server for example.test on 127.0.0.1, UDP and TCP on
// one port. Answers over 512 bytes are truncated on UDP, to exercise the TCP fallback.
type dnsServer struct {
	port    int
	tcpUsed chan struct{}
}

func mustName(s string) dnsmessage.Name { return dnsmessage.MustNewName(s) }

func zone(q dnsmessage.Question) ([]dnsmessage.Resource, dnsmessage.RCode) {
	h := func(name string, t dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: mustName(name), Type: t, Class: dnsmessage.ClassINET, TTL: 300}
	}
	a := func(name string) dnsmessage.Resource {
		return dnsmessage.Resource{Header: h(name, dnsmessage.TypeA), Body: &dnsmessage.AResource{A: [4]byte{192, 0, 2, 10}}}
	}
	name := strings.ToLower(q.Name.String())
	switch {
	case name == "example.test." && q.Type == dnsmessage.TypeA:
		return []dnsmessage.Resource{a(name)}, 0
	case name == "example.test." && q.Type == dnsmessage.TypeAAAA:
		return []dnsmessage.Resource{{Header: h(name, dnsmessage.TypeAAAA), Body: &dnsmessage.AAAAResource{AAAA: [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 0x10}}}}, 0
	case name == "www.example.test.":
		rrs := []dnsmessage.Resource{{Header: h(name, dnsmessage.TypeCNAME), Body: &dnsmessage.CNAMEResource{CNAME: mustName("example.test.")}}}
		if q.Type == dnsmessage.TypeA {
			rrs = append(rrs, a("example.test."))
		}
		return rrs, 0
	case name == "example.test." && q.Type == dnsmessage.TypeMX:
		return []dnsmessage.Resource{{Header: h(name, dnsmessage.TypeMX), Body: &dnsmessage.MXResource{Pref: 10, MX: mustName("mail.example.test.")}}}, 0
	case name == "example.test." && q.Type == dnsmessage.TypeTXT:
		return []dnsmessage.Resource{{Header: h(name, dnsmessage.TypeTXT), Body: &dnsmessage.TXTResource{TXT: []string{"hello world"}}}}, 0
	case name == "_sip._tcp.example.test." && q.Type == dnsmessage.TypeSRV:
		return []dnsmessage.Resource{{Header: h(name, dnsmessage.TypeSRV), Body: &dnsmessage.SRVResource{Priority: 0, Weight: 5, Port: 5060, Target: mustName("sip.example.test.")}}}, 0
	case name == "10.2.0.192.in-addr.arpa." && q.Type == dnsmessage.TypePTR:
		return []dnsmessage.Resource{{Header: h(name, dnsmessage.TypePTR), Body: &dnsmessage.PTRResource{PTR: mustName("example.test.")}}}, 0
	case name == "big.example.test." && q.Type == dnsmessage.TypeTXT:
		var rrs []dnsmessage.Resource
		for i := 0; i < 20; i++ {
			rrs = append(rrs, dnsmessage.Resource{Header: h(name, dnsmessage.TypeTXT), Body: &dnsmessage.TXTResource{TXT: []string{strings.Repeat("x", 40) + strconv.Itoa(i)}}})
		}
		return rrs, 0
	case strings.HasSuffix(name, "example.test.") && name != "nx.example.test.":
		return nil, 0
	}
	return nil, dnsmessage.RCodeNameError
}

func answer(t *testing.T, query []byte, udp bool) []byte {
	var m dnsmessage.Message
	if err := m.Unpack(query); err != nil || len(m.Questions) != 1 {
		return nil
	}
	rrs, rcode := zone(m.Questions[0])
	resp := dnsmessage.Message{Header: dnsmessage.Header{ID: m.ID, Response: true, Authoritative: true, RCode: rcode, RecursionDesired: m.RecursionDesired},
		Questions: m.Questions, Answers: rrs}
	b, err := resp.Pack()
	if err != nil {
		t.Errorf("packing answer: %v", err)
		return nil
	}
	if udp && len(b) > 512 {
		resp.Answers, resp.Truncated = nil, true
		b, _ = resp.Pack()
	}
	return b
}

func startDNS(t *testing.T) *dnsServer {
	t.Helper()
	var pc net.PacketConn
	var ln net.Listener
	for i := 0; ; i++ {
		var err error
		if pc, err = net.ListenPacket("udp4", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		if ln, err = net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
		pc.Close()
		if i > 10 {
			t.Fatalf("no port free for both udp and tcp: %v", err)
		}
	}
	t.Cleanup(func() { pc.Close(); ln.Close() })
	s := &dnsServer{port: pc.LocalAddr().(*net.UDPAddr).Port, tcpUsed: make(chan struct{}, 10)}
	go func() {
		buf := make([]byte, 65535)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if b := answer(t, buf[:n], true); b != nil {
				pc.WriteTo(b, addr)
			}
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				var l [2]byte
				if _, err := io.ReadFull(c, l[:]); err != nil {
					return
				}
				q := make([]byte, binary.BigEndian.Uint16(l[:]))
				if _, err := io.ReadFull(c, q); err != nil {
					return
				}
				s.tcpUsed <- struct{}{}
				b := answer(t, q, false)
				out := binary.BigEndian.AppendUint16(nil, uint16(len(b)))
				c.Write(append(out, b...))
			}()
		}
	}()
	return s
}

func TestNslookup(t *testing.T) {
	s := startDNS(t)
	port := "-port=" + strconv.Itoa(s.port)
	tests := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"example.test"}, "Name:\texample.test\nAddress: 192.0.2.10\nName:\texample.test\nAddress: 2001:db8::10\n", 0},
		{[]string{"-type=CNAME", "www.example.test"}, "www.example.test\tcanonical name = example.test.\n", 0},
		{[]string{"-type=mx", "example.test"}, "example.test\tmail exchanger = 10 mail.example.test.\n", 0},
		{[]string{"-type=TXT", "example.test"}, "example.test\ttext = \"hello world\"\n", 0},
		{[]string{"-type=SRV", "_sip._tcp.example.test"}, "_sip._tcp.example.test\tservice = 0 5 5060 sip.example.test.\n", 0},
		{[]string{"192.0.2.10"}, "10.2.0.192.in-addr.arpa\tname = example.test.\n", 0},
		{[]string{"nx.example.test"}, "** server can't find nx.example.test: NXDOMAIN\n", 1},
	}
	for _, tt := range tests {
		args := append(append([]string{"nslookup", port}, tt.args...), "127.0.0.1")
		out, stderr, code := run(t, args...)
		if code != tt.code {
			t.Errorf("%v = %d (%q), want %d", args, code, stderr, tt.code)
		}
		wantHead := "Server:\t\t127.0.0.1\nAddress:\t127.0.0.1#" + strconv.Itoa(s.port) + "\n\n"
		if !strings.HasPrefix(out, wantHead) || !strings.Contains(out, tt.want) {
			t.Errorf("%v =\n%s\nwant %q after the server lines", args, out, tt.want)
		}
	}
}

func TestNslookupSearchFromResolvConf(t *testing.T) {
	s := startDNS(t)
	conf := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(conf, []byte("nameserver 127.0.0.1\nsearch nope.invalid example.test\noptions ndots:2 timeout:2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := resolvConfPath
	resolvConfPath = conf
	t.Cleanup(func() { resolvConfPath = old })
	out, stderr, code := run(t, "nslookup", "-port="+strconv.Itoa(s.port), "www")
	if code != 0 || !strings.Contains(out, "www.example.test\tcanonical name = example.test.") {
		t.Errorf("nslookup www with search example.test = %d %q %q", code, out, stderr)
	}
}

func TestDig(t *testing.T) {
	s := startDNS(t)
	at, p := "@127.0.0.1", strconv.Itoa(s.port)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"example.test", "+short"}, "192.0.2.10\n"},
		{[]string{"example.test", "AAAA", "+short"}, "2001:db8::10\n"},
		{[]string{"-x", "192.0.2.10", "+short"}, "example.test.\n"},
		{[]string{"-t", "MX", "example.test", "+short"}, "10 mail.example.test.\n"},
		{[]string{"www.example.test", "+short", "+tcp"}, "example.test.\n192.0.2.10\n"},
	}
	for _, tt := range tests {
		args := append([]string{"dig", at, "-p", p}, tt.args...)
		if out, stderr, _ := run(t, args...); out != tt.want {
			t.Errorf("%v = %q (%q), want %q", args, out, stderr, tt.want)
		}
	}
	out, _, _ := run(t, "dig", at, "-p", p, "example.test")
	for _, want := range []string{"status: NOERROR", ";; ANSWER SECTION:\nexample.test.\t\t300\tIN\tA\t192.0.2.10\n", "(UDP)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dig example.test lacks %q:\n%s", want, out)
		}
	}
}

func TestDNSTruncatedFallsBackToTCP(t *testing.T) {
	s := startDNS(t)
	out, stderr, _ := run(t, "dig", "@127.0.0.1", "-p", strconv.Itoa(s.port), "big.example.test", "TXT")
	if !strings.Contains(out, "ANSWER: 20") || !strings.Contains(out, "(TCP)") {
		t.Errorf("dig of a 20-record answer = %q %q, want 20 answers over TCP", out, stderr)
	}
	select {
	case <-s.tcpUsed:
	default:
		t.Error("the server saw no TCP query")
	}
}

func TestResolvConf(t *testing.T) {
	c := parseResolvConf("# comment\nnameserver 10.96.0.10\nnameserver fd00::a\nsearch ns.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5 timeout:1 attempts:3\n")
	want := resolvConf{servers: []string{"10.96.0.10:53", "[fd00::a]:53"}, search: []string{"ns.svc.cluster.local", "svc.cluster.local", "cluster.local"},
		ndots: 5, timeout: time.Second, attempts: 3}
	if diff := cmp.Diff(want, c, cmp.AllowUnexported(resolvConf{})); diff != "" {
		t.Errorf("parseResolvConf (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		want []string
	}{
		{"api", []string{"api.ns.svc.cluster.local.", "api.svc.cluster.local.", "api.cluster.local.", "api."}},
		{"a.b.c.d.e", []string{"a.b.c.d.e.ns.svc.cluster.local.", "a.b.c.d.e.svc.cluster.local.", "a.b.c.d.e.cluster.local.", "a.b.c.d.e."}},
		{"a.b.c.d.e.f", []string{"a.b.c.d.e.f.", "a.b.c.d.e.f.ns.svc.cluster.local.", "a.b.c.d.e.f.svc.cluster.local.", "a.b.c.d.e.f.cluster.local."}},
		{"abs.", []string{"abs."}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, c.candidates(tt.name)); diff != "" {
			t.Errorf("candidates(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
	if got := reverseName(net.ParseIP("2001:db8::1")); got != "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa." {
		t.Errorf("reverseName(2001:db8::1) = %q", got)
	}
}
