//go:build linux

package netx

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Traceroute is traceroute [-46In] [-f FIRST] [-m MAX] [-q N] [-w SECONDS] [-p PORT] HOST
// [PACKETLEN]: the hops to HOST, as Debian's (Butskoy's) traceroute prints them.
//
//	(default)     UDP probes to port 33434 and up; the ICMP errors come back on the socket's
//	              error queue (IP_RECVERR), so no capability is needed
//	-I            ICMP echo probes (a raw socket, CAP_NET_RAW)
//	-n            no reverse lookups;  -m MAX: hops (30);  -f FIRST: first TTL (1)
//	-q N          probes per hop (3);  -w SECONDS: wait for each (5);  -p PORT: first port
var Traceroute = tools.Applet{Name: "traceroute", Aliases: []string{"traceroute6"}, Summary: "print the route packets take to a host (UDP or ICMP probes)", Run: runTraceroute}

const tracerouteUsage = `traceroute [-46In] [-f FIRST_TTL] [-m MAX_TTL] [-q NQUERIES] [-w WAIT] [-p PORT] HOST [PACKETLEN]
Print the hops to HOST as Debian's traceroute does: UDP probes to port 33434 and up by
default (no capability needed), ICMP echo probes with -I (CAP_NET_RAW: kubectl ddebug
--profile=netadmin). -n prints addresses only, -m sets the most hops (30), -q the probes per
hop (3), -w the seconds to wait for each (5), -f the first TTL (1).`

type traceOptions struct {
	icmp, numeric   bool
	first, max, nq  int
	wait            time.Duration
	port, packetLen int
}

// traceProbe is one probe and what came back.
type traceProbe struct {
	fd       int // UDP: the probe's own socket
	seq      uint16
	sent     time.Time
	from     net.IP
	rtt      time.Duration
	done     bool
	final    bool   // the destination answered, or an error ends the trace
	annotate string // !H, !N, ...
}

func runTraceroute(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("traceroute", tracerouteUsage)
	v4, v6 := fs.Bool('4', ""), fs.Bool('6', "")
	icmp, numeric := fs.Bool('I', "icmp"), fs.Bool('n', "")
	first, maxHops := fs.Int('f', "first", 1), fs.Int('m', "max-hops", 30)
	nq, port := fs.Int('q', "queries", 3), fs.Int('p', "port", 33434)
	wait := fs.String('w', "wait", "5")
	ops, code := fs.Parse(env, args[1:])
	if code >= 0 {
		return code
	}
	if args[0] == "traceroute6" {
		*v6 = true
	}
	o := traceOptions{icmp: *icmp, numeric: *numeric, first: *first, max: *maxHops, nq: *nq, port: *port}
	w, err := strconv.ParseFloat(strings.SplitN(*wait, ",", 2)[0], 64)
	switch {
	case err != nil || w < 0:
		env.Errorf("traceroute", "bad wait specifications `%s' used", *wait)
		return 2
	case o.max < 1 || o.max > 255:
		env.Errorf("traceroute", "max hops cannot be more than 255")
		return 2
	case o.first < 1 || o.first > o.max:
		env.Errorf("traceroute", "first hop out of range")
		return 2
	case o.nq < 1 || o.nq > 10:
		env.Errorf("traceroute", "no more than 10 probes per hop")
		return 2
	case len(ops) < 1 || len(ops) > 2:
		env.Errorf("traceroute", "usage: %s", strings.SplitN(tracerouteUsage, "\n", 2)[0])
		return 2
	}
	o.wait = time.Duration(w * float64(time.Second))
	network := "ip"
	switch {
	case *v4:
		network = "ip4"
	case *v6:
		network = "ip6"
	}
	host := ops[0]
	ip, zone, err := resolveHost(ctx, network, host)
	if err != nil {
		env.Errorf("traceroute", "%s: %v", host, err)
		return 2
	}
	v6dst := ip.To4() == nil
	hdr := 28
	if v6dst {
		hdr = 48
	}
	o.packetLen = hdr + 32
	if len(ops) == 2 {
		n, err := strconv.Atoi(ops[1])
		if err != nil || n < hdr || n > 65000 {
			env.Errorf("traceroute", "bad packet length `%s'", ops[1])
			return 2
		}
		o.packetLen = n
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	t := &tracer{ctx: ctx, o: o, ip: ip, zone: zone, v6: v6dst, out: out, names: map[string]string{}}
	if o.icmp {
		s, err := openICMP(ctx, v6dst, "raw")
		if err != nil {
			env.Errorf("traceroute", "-I: %v", err)
			return 2
		}
		defer s.Close()
		t.icmp = s
	}
	fmt.Fprintf(out, "traceroute to %s (%s), %d hops max, %d byte packets\n", host, ipString(ip, zone), o.max, o.packetLen)
	out.Flush()
	if err := t.run(); err != nil {
		out.Flush()
		env.Errorf("traceroute", "%v", err)
		return 2
	}
	return 0
}

type tracer struct {
	ctx   context.Context
	o     traceOptions
	ip    net.IP
	zone  string
	v6    bool
	out   *bufio.Writer
	icmp  *icmpSocket
	names map[string]string
	seq   uint16
}

func (t *tracer) run() error {
	id := uint16(time.Now().UnixNano())
	for ttl := t.o.first; ttl <= t.o.max && t.ctx.Err() == nil; ttl++ {
		probes := make([]*traceProbe, t.o.nq)
		for i := range probes {
			t.seq++
			p := &traceProbe{fd: -1, seq: t.seq}
			probes[i] = p
			if err := t.send(p, ttl, id); err != nil {
				closeProbes(probes)
				return err
			}
		}
		deadline := time.Now().Add(t.o.wait)
		for !allDone(probes) && time.Now().Before(deadline) && t.ctx.Err() == nil {
			if err := t.wait(probes, id, deadline); err != nil {
				closeProbes(probes)
				return err
			}
		}
		closeProbes(probes)
		t.printHop(ttl, probes)
		for _, p := range probes {
			if p.final {
				return nil
			}
		}
	}
	return nil
}

func allDone(ps []*traceProbe) bool {
	for _, p := range ps {
		if !p.done {
			return false
		}
	}
	return true
}

func closeProbes(ps []*traceProbe) {
	for _, p := range ps {
		if p != nil && p.fd >= 0 {
			unix.Close(p.fd)
			p.fd = -1
		}
	}
}

// send sends probe p with ttl: a UDP datagram from a socket of its own, or an echo request.
func (t *tracer) send(p *traceProbe, ttl int, id uint16) error {
	data := make([]byte, t.o.packetLen-28)
	if t.v6 {
		data = data[:t.o.packetLen-48]
	}
	for i := range data {
		data[i] = byte(0x40 + i%64)
	}
	if t.icmp != nil {
		if err := t.icmp.SetTTL(ttl); err != nil {
			return fmt.Errorf("setting the TTL: %w", err)
		}
		p.sent = time.Now()
		if err := t.icmp.SendTo(icmpEcho(t.v6, id, p.seq, data), t.ip, t.zone); err != nil {
			return fmt.Errorf("send: %s", tools.Reason(err))
		}
		return nil
	}
	family, level, opt, hops := unix.AF_INET, unix.IPPROTO_IP, unix.IP_RECVERR, unix.IP_TTL
	if t.v6 {
		family, level, opt, hops = unix.AF_INET6, unix.IPPROTO_IPV6, unix.IPV6_RECVERR, unix.IPV6_UNICAST_HOPS
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.IPPROTO_UDP)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	p.fd = fd
	if err := unix.SetsockoptInt(fd, level, opt, 1); err != nil {
		return fmt.Errorf("IP_RECVERR: %w", err)
	}
	if err := unix.SetsockoptInt(fd, level, hops, ttl); err != nil {
		return fmt.Errorf("setting the TTL: %w", err)
	}
	if err := unix.Connect(fd, sockaddr(t.ip, t.zone, t.o.port+int(p.seq)-1)); err != nil {
		return fmt.Errorf("connect: %s", tools.Reason(err))
	}
	p.sent = time.Now()
	if err := unix.Send(fd, data, 0); err != nil {
		return fmt.Errorf("send: %s", tools.Reason(err))
	}
	return nil
}

// wait waits until deadline for something to come back for the probes and records it.
func (t *tracer) wait(probes []*traceProbe, id uint16, deadline time.Time) error {
	var fds []unix.PollFd
	var owners []*traceProbe
	if t.icmp != nil {
		fds = append(fds, unix.PollFd{Fd: int32(t.icmp.fd), Events: unix.POLLIN})
		owners = append(owners, nil)
	} else {
		for _, p := range probes {
			if !p.done {
				fds = append(fds, unix.PollFd{Fd: int32(p.fd), Events: unix.POLLIN})
				owners = append(owners, p)
			}
		}
	}
	left := time.Until(deadline)
	ms := min(int((left+time.Millisecond-1)/time.Millisecond), 100) // short: Ctrl-C is seen soon
	if _, err := unix.Poll(fds, ms); err != nil && err != unix.EINTR {
		return fmt.Errorf("poll: %w", err)
	}
	for i, f := range fds {
		if f.Revents == 0 {
			continue
		}
		if t.icmp != nil {
			for {
				pkt, ok, err := t.icmp.read()
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				t.icmpReply(probes, id, pkt)
			}
			continue
		}
		p := owners[i]
		if q, ok := readErrQueue(int(f.Fd)); ok {
			t.record(p, q.from, q.at, q.typ, q.code)
			continue
		}
		buf := make([]byte, 512)
		if _, err := unix.Read(int(f.Fd), buf); err == nil { // a UDP answer: the destination
			p.done, p.final, p.from, p.rtt = true, true, t.ip, time.Since(p.sent)
		}
	}
	return nil
}

// icmpReply matches an ICMP message to one of the probes of the hop (-I).
func (t *tracer) icmpReply(probes []*traceProbe, id uint16, pkt icmpPacket) {
	reply := byte(icmp4EchoReply)
	if t.v6 {
		reply = icmp6EchoReply
	}
	m := pkt.msg
	var seq uint16
	switch {
	case m[0] == reply:
		if binary.BigEndian.Uint16(m[4:]) != id {
			return
		}
		seq = binary.BigEndian.Uint16(m[6:])
	case icmpErrorText(t.v6, m[0], m[1]) != "":
		q, proto, ok := icmpQuoted(t.v6, m)
		if !ok || (proto != 1 && proto != 58) || binary.BigEndian.Uint16(q[4:]) != id {
			return
		}
		seq = binary.BigEndian.Uint16(q[6:])
	default:
		return
	}
	for _, p := range probes {
		if p.seq == seq && !p.done {
			if m[0] == reply {
				p.done, p.final, p.from, p.rtt = true, true, pkt.from, pkt.at.Sub(p.sent)
				return
			}
			t.record(p, pkt.from, pkt.at, m[0], m[1])
		}
	}
}

// record notes an ICMP error (type, code) from `from` for probe p, as traceroute reads it.
func (t *tracer) record(p *traceProbe, from net.IP, at time.Time, typ, code byte) {
	p.done, p.from, p.rtt = true, from, at.Sub(p.sent)
	if t.v6 {
		switch {
		case typ == icmp6TimeExceeded:
		case typ == icmp6Unreachable && code == 4: // port unreachable: the destination
			p.final = true
		case typ == icmp6Unreachable:
			p.final = true
			p.annotate = map[byte]string{0: "!N", 1: "!X", 3: "!H", 5: "!S", 6: "!R"}[code]
			if p.annotate == "" {
				p.annotate = fmt.Sprintf("!<%d>", code)
			}
		}
		return
	}
	switch {
	case typ == icmp4TimeExceeded:
	case typ == icmp4Unreachable && code == 3:
		p.final = true
	case typ == icmp4Unreachable:
		p.final = true
		switch code {
		case 0, 6:
			p.annotate = "!N"
		case 1, 7:
			p.annotate = "!H"
		case 2:
			p.annotate = "!P"
		case 4:
			p.annotate = "!F"
		case 5:
			p.annotate = "!S"
		case 9, 10, 13:
			p.annotate = "!X"
		case 14:
			p.annotate = "!V"
		case 15:
			p.annotate = "!C"
		default:
			p.annotate = fmt.Sprintf("!<%d>", code)
		}
	}
}

// printHop writes one hop's line as Butskoy's traceroute does: an address when it differs
// from the previous answer's, each time, * for no answer.
func (t *tracer) printHop(ttl int, probes []*traceProbe) {
	fmt.Fprintf(t.out, "%2d ", ttl)
	var prev net.IP
	for _, p := range probes {
		if !p.done || p.from == nil {
			io.WriteString(t.out, " *")
			continue
		}
		if prev == nil || !prev.Equal(p.from) {
			io.WriteString(t.out, " "+t.name(p.from))
			prev = p.from
		}
		fmt.Fprintf(t.out, "  %.3f ms", float64(p.rtt)/float64(time.Millisecond))
		if p.annotate != "" {
			io.WriteString(t.out, " "+p.annotate)
		}
	}
	io.WriteString(t.out, "\n")
	t.out.Flush()
}

func (t *tracer) name(ip net.IP) string {
	s := ip.String()
	if t.o.numeric {
		return s
	}
	if n, ok := t.names[s]; ok {
		return n
	}
	n := s + " (" + s + ")"
	if hosts, err := net.DefaultResolver.LookupAddr(t.ctx, s); err == nil && len(hosts) > 0 {
		n = strings.TrimSuffix(hosts[0], ".") + " (" + s + ")"
	}
	t.names[s] = n
	return n
}
