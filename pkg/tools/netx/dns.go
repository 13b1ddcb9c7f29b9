package netx

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// resolvConf is what the applets use of /etc/resolv.conf.
type resolvConf struct {
	servers  []string // host:port
	search   []string
	ndots    int
	timeout  time.Duration
	attempts int
}

func defaultResolvConf() resolvConf {
	return resolvConf{servers: []string{"127.0.0.1:53"}, ndots: 1, timeout: 5 * time.Second, attempts: 2}
}

// parseResolvConf reads the resolv.conf format; unknown lines are ignored.
func parseResolvConf(data string) resolvConf {
	c := defaultResolvConf()
	var servers []string
	for _, line := range strings.Split(data, "\n") {
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			if ip := net.ParseIP(strings.Split(f[1], "%")[0]); ip != nil {
				servers = append(servers, net.JoinHostPort(f[1], "53"))
			}
		case "search", "domain":
			c.search = nil
			for _, d := range f[1:] {
				c.search = append(c.search, strings.TrimSuffix(d, "."))
			}
		case "options":
			for _, o := range f[1:] {
				k, v, _ := strings.Cut(o, ":")
				n, err := strconv.Atoi(v)
				if err != nil {
					continue
				}
				switch k {
				case "ndots":
					c.ndots = min(n, 15)
				case "timeout":
					c.timeout = time.Duration(max(n, 1)) * time.Second
				case "attempts":
					c.attempts = max(n, 1)
				}
			}
		}
	}
	if len(servers) > 0 {
		c.servers = servers
	}
	return c
}

// resolvConfPath is the resolver configuration of the current root; tests point it at a
// file of their own.
var resolvConfPath = "/etc/resolv.conf"

func loadResolvConf() resolvConf {
	b, err := os.ReadFile(resolvConfPath)
	if err != nil {
		return defaultResolvConf()
	}
	return parseResolvConf(string(b))
}

// candidates lists the names to try for name in order, applying search and ndots the way
// the stub resolvers do.
// useServer asks server (a name or address; "" keeps resolv.conf's) on port instead.
func (c *resolvConf) useServer(ctx context.Context, server string, port int) error {
	if server != "" {
		s, err := serverAddr(ctx, server, port)
		if err != nil {
			return err
		}
		c.servers = []string{s}
		return nil
	}
	if port != 53 {
		for i, s := range c.servers {
			h, _, _ := net.SplitHostPort(s)
			c.servers[i] = net.JoinHostPort(h, strconv.Itoa(port))
		}
	}
	return nil
}

func (c resolvConf) candidates(name string) []string {
	if strings.HasSuffix(name, ".") {
		return []string{name}
	}
	var searched []string
	for _, d := range c.search {
		searched = append(searched, name+"."+d+".")
	}
	if strings.Count(name, ".") >= c.ndots {
		return append([]string{name + "."}, searched...)
	}
	return append(searched, name+".")
}

var dnsTypes = sync.OnceValue(func() map[string]dnsmessage.Type {
	return map[string]dnsmessage.Type{
		"A": dnsmessage.TypeA, "AAAA": dnsmessage.TypeAAAA, "CNAME": dnsmessage.TypeCNAME, "MX": dnsmessage.TypeMX,
		"TXT": dnsmessage.TypeTXT, "SRV": dnsmessage.TypeSRV, "PTR": dnsmessage.TypePTR, "NS": dnsmessage.TypeNS,
		"SOA": dnsmessage.TypeSOA, "ANY": dnsmessage.TypeALL,
	}
})

func typeName(t dnsmessage.Type) string {
	for n, v := range dnsTypes() {
		if v == t {
			return n
		}
	}
	return strings.TrimPrefix(t.String(), "Type")
}

// reverseName is the in-addr.arpa / ip6.arpa name of ip.
func reverseName(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa.", v4[3], v4[2], v4[1], v4[0])
	}
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	for i := len(ip) - 1; i >= 0; i-- {
		b.WriteByte(hexDigits[ip[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hexDigits[ip[i]>>4])
		b.WriteByte('.')
	}
	return b.String() + "ip6.arpa."
}

// dnsResult is one exchange with a server.
type dnsResult struct {
	msg      dnsmessage.Message
	server   string
	tcp      bool
	duration time.Duration
}

func buildQuery(name string, t dnsmessage.Type) ([]byte, uint16, error) {
	n, err := dnsmessage.NewName(name)
	if err != nil {
		return nil, 0, fmt.Errorf("bad name %q: %w", name, err)
	}
	id := uint16(rand.Uint32())
	m := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: id, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: n, Type: t, Class: dnsmessage.ClassINET}},
	}
	b, err := m.Pack()
	return b, id, err
}

// exchange sends one query to server over UDP and retries over TCP when the answer is
// truncated (or right away with forceTCP).
func exchange(ctx context.Context, server, name string, t dnsmessage.Type, timeout time.Duration, forceTCP bool) (dnsResult, error) {
	q, id, err := buildQuery(name, t)
	if err != nil {
		return dnsResult{}, err
	}
	start := time.Now()
	res := dnsResult{server: server}
	if !forceTCP {
		b, err := roundTrip(ctx, "udp", server, q, timeout)
		if err != nil {
			return res, err
		}
		if err := res.msg.Unpack(b); err != nil {
			return res, fmt.Errorf("bad answer from %s: %w", server, err)
		}
		if res.msg.ID != id {
			return res, fmt.Errorf("answer from %s has id %d, want %d", server, res.msg.ID, id)
		}
		if !res.msg.Truncated {
			res.duration = time.Since(start)
			return res, nil
		}
	}
	res.tcp = true
	b, err := roundTrip(ctx, "tcp", server, q, timeout)
	if err != nil {
		return res, err
	}
	if err := res.msg.Unpack(b); err != nil {
		return res, fmt.Errorf("bad answer from %s: %w", server, err)
	}
	res.duration = time.Since(start)
	return res, nil
}

func roundTrip(ctx context.Context, network, server string, q []byte, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, server)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", server, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if network == "udp" {
		if _, err := conn.Write(q); err != nil {
			return nil, fmt.Errorf("sending to %s: %w", server, err)
		}
		buf := make([]byte, 65535)
		n, err := conn.Read(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("no answer from %s: %w", server, ctx.Err())
			}
			return nil, fmt.Errorf("reading from %s: %w", server, err)
		}
		return buf[:n], nil
	}
	msg := make([]byte, 2+len(q))
	binary.BigEndian.PutUint16(msg, uint16(len(q)))
	copy(msg[2:], q)
	if _, err := conn.Write(msg); err != nil {
		return nil, fmt.Errorf("sending to %s: %w", server, err)
	}
	var l [2]byte
	if _, err := io.ReadFull(conn, l[:]); err != nil {
		return nil, fmt.Errorf("reading from %s: %w", server, err)
	}
	b := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(conn, b); err != nil {
		return nil, fmt.Errorf("reading from %s: %w", server, err)
	}
	return b, nil
}

// resolve tries each candidate name on each server (attempts times) and returns the first
// answer that has records, or the last answer.
func resolve(ctx context.Context, conf resolvConf, names []string, t dnsmessage.Type, forceTCP bool) (dnsResult, string, error) {
	var last dnsResult
	var lastName string
	var lastErr error
	got := false
	for _, name := range names {
		var res dnsResult
		var err error
	servers:
		for a := 0; a < conf.attempts; a++ {
			for _, s := range conf.servers {
				if res, err = exchange(ctx, s, name, t, conf.timeout, forceTCP); err == nil {
					break servers
				}
				if ctx.Err() != nil {
					return res, name, ctx.Err()
				}
			}
		}
		if err != nil {
			lastErr = err
			continue
		}
		last, lastName, got = res, name, true
		if res.msg.RCode == dnsmessage.RCodeSuccess && len(res.msg.Answers) > 0 {
			return res, name, nil
		}
		if res.msg.RCode != dnsmessage.RCodeNameError && res.msg.RCode != dnsmessage.RCodeSuccess {
			return res, name, nil
		}
	}
	if !got {
		return last, lastName, fmt.Errorf("no servers could be reached: %w", lastErr)
	}
	return last, lastName, nil
}

// rdata prints a record's data as dig does.
func rdata(r dnsmessage.Resource) string {
	switch b := r.Body.(type) {
	case *dnsmessage.AResource:
		return net.IP(b.A[:]).String()
	case *dnsmessage.AAAAResource:
		return net.IP(b.AAAA[:]).String()
	case *dnsmessage.CNAMEResource:
		return b.CNAME.String()
	case *dnsmessage.MXResource:
		return fmt.Sprintf("%d %s", b.Pref, b.MX)
	case *dnsmessage.TXTResource:
		parts := make([]string, len(b.TXT))
		for i, s := range b.TXT {
			parts[i] = strconv.Quote(s)
		}
		return strings.Join(parts, " ")
	case *dnsmessage.SRVResource:
		return fmt.Sprintf("%d %d %d %s", b.Priority, b.Weight, b.Port, b.Target)
	case *dnsmessage.PTRResource:
		return b.PTR.String()
	case *dnsmessage.NSResource:
		return b.NS.String()
	case *dnsmessage.SOAResource:
		return fmt.Sprintf("%s %s %d %d %d %d %d", b.NS, b.MBox, b.Serial, b.Refresh, b.Retry, b.Expire, b.MinTTL)
	}
	return "(unsupported record)"
}

// nslookupLine prints a record as nslookup does.
func nslookupLine(r dnsmessage.Resource) string {
	name := strings.TrimSuffix(r.Header.Name.String(), ".")
	switch b := r.Body.(type) {
	case *dnsmessage.AResource, *dnsmessage.AAAAResource:
		return fmt.Sprintf("Name:\t%s\nAddress: %s", name, rdata(r))
	case *dnsmessage.CNAMEResource:
		return fmt.Sprintf("%s\tcanonical name = %s", name, b.CNAME)
	case *dnsmessage.MXResource:
		return fmt.Sprintf("%s\tmail exchanger = %s", name, rdata(r))
	case *dnsmessage.TXTResource:
		return fmt.Sprintf("%s\ttext = %s", name, rdata(r))
	case *dnsmessage.SRVResource:
		return fmt.Sprintf("%s\tservice = %s", name, rdata(r))
	case *dnsmessage.PTRResource:
		return fmt.Sprintf("%s\tname = %s", name, b.PTR)
	case *dnsmessage.NSResource:
		return fmt.Sprintf("%s\tnameserver = %s", name, b.NS)
	case *dnsmessage.SOAResource:
		return fmt.Sprintf("%s\n\torigin = %s\n\tmail addr = %s\n\tserial = %d", name, b.NS, b.MBox, b.Serial)
	}
	return name + "\t" + rdata(r)
}

func rcodeName(c dnsmessage.RCode) string {
	switch c {
	case dnsmessage.RCodeSuccess:
		return "NOERROR"
	case dnsmessage.RCodeNameError:
		return "NXDOMAIN"
	case dnsmessage.RCodeServerFailure:
		return "SERVFAIL"
	case dnsmessage.RCodeRefused:
		return "REFUSED"
	case dnsmessage.RCodeFormatError:
		return "FORMERR"
	case dnsmessage.RCodeNotImplemented:
		return "NOTIMP"
	}
	return strconv.Itoa(int(c))
}

// serverAddr turns "1.2.3.4", "::1" or "host" plus a port into host:port.
func serverAddr(ctx context.Context, s string, port int) (string, error) {
	if ip := net.ParseIP(s); ip != nil {
		return net.JoinHostPort(s, strconv.Itoa(port)), nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, s)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("cannot resolve server %q: %w", s, errors.Join(err, errors.New("no address")))
	}
	return net.JoinHostPort(ips[0].IP.String(), strconv.Itoa(port)), nil
}
