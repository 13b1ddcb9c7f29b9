//go:build linux

package netx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"time"
)

// pktPrinter writes tcpdump's one-line summary of packets (numeric, as with -n): the link
// layer's prefix for cooked captures, IPv4, IPv6, ARP, TCP with relative sequence numbers,
// UDP, ICMP and ICMPv6. Application protocols are not decoded, but for HTTP's first line.
type pktPrinter struct {
	verbose  bool
	absolute bool // -S: absolute TCP sequence numbers
	// tcp holds each connection's initial sequence numbers, as tcpdump tracks them.
	tcp    map[tcpKey]*tcpSeq
	ifname map[uint32]string
}

type tcpKey struct {
	src, dst string
	ports    uint32
}

type tcpSeq struct{ seq, ack uint32 }

func newPktPrinter(verbose bool) *pktPrinter {
	return &pktPrinter{verbose: verbose, tcp: map[tcpKey]*tcpSeq{}, ifname: map[uint32]string{}}
}

// Line is the summary of one packet of a capture of linkType, without a newline.
func (p *pktPrinter) Line(at time.Time, data []byte, linkType uint32) string {
	var b strings.Builder
	b.WriteString(at.Format("15:04:05.000000 "))
	var proto uint16
	var payload []byte
	switch linkType {
	case linkEthernet:
		if len(data) < 14 {
			return b.String() + "[|ether]"
		}
		proto, payload = binary.BigEndian.Uint16(data[12:]), data[14:]
		if proto == 0x8100 && len(data) >= 18 { // 802.1Q
			fmt.Fprintf(&b, "vlan %d, p %d, ", binary.BigEndian.Uint16(data[14:])&0xfff, data[14]>>5)
			proto, payload = binary.BigEndian.Uint16(data[16:]), data[18:]
		}
	case linkSLL:
		if len(data) < 16 {
			return b.String() + "[|sll]"
		}
		proto, payload = binary.BigEndian.Uint16(data[14:]), data[16:]
	case linkSLL2:
		if len(data) < 20 {
			return b.String() + "[|sll2]"
		}
		proto, payload = binary.BigEndian.Uint16(data[0:]), data[20:]
		fmt.Fprintf(&b, "%-5s %-3s ", p.interfaceName(binary.BigEndian.Uint32(data[4:])), packetDirection(data[10]))
	case linkRaw:
		payload = data
		if len(data) > 0 {
			switch data[0] >> 4 {
			case 4:
				proto = etherIPv4
			case 6:
				proto = etherIPv6
			}
		}
	default:
		return b.String() + fmt.Sprintf("link type %d, length %d", linkType, len(data))
	}
	switch proto {
	case etherIPv4:
		p.ipv4(&b, payload)
	case etherIPv6:
		p.ipv6(&b, payload)
	case etherARP, etherRARP:
		arpLine(&b, payload)
	default:
		fmt.Fprintf(&b, "ethertype Unknown (0x%04x), length %d", proto, len(data))
	}
	return b.String()
}

func (p *pktPrinter) interfaceName(index uint32) string {
	if n, ok := p.ifname[index]; ok {
		return n
	}
	n := fmt.Sprintf("if%d", index)
	if ifi, err := net.InterfaceByIndex(int(index)); err == nil {
		n = ifi.Name
	}
	p.ifname[index] = n
	return n
}

// packetDirection is tcpdump's word for a PACKET_* type of a cooked capture.
func packetDirection(t byte) string {
	switch t {
	case 0:
		return "In"
	case 1:
		return "B"
	case 2:
		return "M"
	case 3:
		return "P"
	case 4:
		return "Out"
	}
	return "?"
}

// ipProtoName is tcpdump's name of an IP protocol in -v output.
func ipProtoName(p byte) string {
	switch p {
	case 1:
		return "ICMP"
	case 2:
		return "IGMP"
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 58:
		return "ICMPv6"
	case 132:
		return "SCTP"
	case 0:
		return "Options"
	}
	return "unknown"
}

func (p *pktPrinter) ipv4(b *strings.Builder, d []byte) {
	if len(d) < 20 || d[0]>>4 != 4 {
		b.WriteString("IP [|ip]")
		return
	}
	hl, total := int(d[0]&0x0f)*4, int(binary.BigEndian.Uint16(d[2:]))
	if hl < 20 || total < hl {
		fmt.Fprintf(b, "IP bad-hlen %d", hl)
		return
	}
	if total > len(d) {
		total = len(d) // captured short: what there is
	}
	src, dst := net.IP(d[12:16]).String(), net.IP(d[16:20]).String()
	frag := binary.BigEndian.Uint16(d[6:])
	b.WriteString("IP ")
	if p.verbose {
		flags := ""
		if frag&0x4000 != 0 {
			flags += "DF"
		}
		if frag&0x2000 != 0 {
			flags += "+"
		}
		if flags == "" {
			flags = "none"
		}
		fmt.Fprintf(b, "(tos 0x%x, ttl %d, id %d, offset %d, flags [%s], proto %s (%d), length %d)\n    ",
			d[1], d[8], binary.BigEndian.Uint16(d[4:]), (frag&0x1fff)*8, flags, ipProtoName(d[9]), d[9], binary.BigEndian.Uint16(d[2:]))
	}
	if frag&0x1fff != 0 { // a later fragment: no transport header
		fmt.Fprintf(b, "%s > %s: ip-proto-%d", src, dst, d[9])
		return
	}
	p.transport(b, false, d[9], src, dst, d[hl:total])
}

func (p *pktPrinter) ipv6(b *strings.Builder, d []byte) {
	if len(d) < 40 {
		b.WriteString("IP6 [|ip6]")
		return
	}
	src, dst := net.IP(d[8:24]).String(), net.IP(d[24:40]).String()
	plen := int(binary.BigEndian.Uint16(d[4:]))
	nh := d[6]
	b.WriteString("IP6 ")
	if p.verbose {
		if fl := binary.BigEndian.Uint32(d) & 0xfffff; fl != 0 {
			fmt.Fprintf(b, "(flowlabel 0x%05x, hlim %d, next-header %s (%d) payload length: %d) ", fl, d[7], ipProtoName(nh), nh, plen)
		} else {
			fmt.Fprintf(b, "(hlim %d, next-header %s (%d) payload length: %d) ", d[7], ipProtoName(nh), nh, plen)
		}
	}
	rest := d[40:]
	if plen < len(rest) {
		rest = rest[:plen]
	}
	prefix := ""
	if nh == 0 && len(rest) >= 8 { // hop-by-hop options (MLD reports carry them)
		n := (int(rest[1]) + 1) * 8
		if n <= len(rest) {
			nh, rest, prefix = rest[0], rest[n:], "HBH "
		}
	}
	if prefix != "" {
		fmt.Fprintf(b, "%s > %s: %s", src, dst, prefix)
		if nh == 58 {
			icmp6Line(b, rest)
			return
		}
		fmt.Fprintf(b, "ip-proto-%d %d", nh, len(rest))
		return
	}
	p.transport(b, true, nh, src, dst, rest)
}

// transport writes "SRC[.PORT] > DST[.PORT]: ..." for the protocol proto.
func (p *pktPrinter) transport(b *strings.Builder, v6 bool, proto byte, src, dst string, d []byte) {
	switch proto {
	case 6:
		p.tcpLine(b, v6, src, dst, d)
	case 17:
		if len(d) < 8 {
			fmt.Fprintf(b, "%s > %s: [|udp]", src, dst)
			return
		}
		sport, dport := binary.BigEndian.Uint16(d), binary.BigEndian.Uint16(d[2:])
		ulen := int(binary.BigEndian.Uint16(d[4:]))
		fmt.Fprintf(b, "%s.%d > %s.%d: UDP, length %d", src, sport, dst, dport, max(ulen-8, 0))
	case 1:
		fmt.Fprintf(b, "%s > %s: ", src, dst)
		icmpLine(b, d)
	case 58:
		fmt.Fprintf(b, "%s > %s: ", src, dst)
		icmp6Line(b, d)
	default:
		fmt.Fprintf(b, "%s > %s: ip-proto-%d %d", src, dst, proto, len(d))
	}
}

const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
	tcpURG = 0x20
	tcpECE = 0x40
	tcpCWR = 0x80
)

func (p *pktPrinter) tcpLine(b *strings.Builder, v6 bool, src, dst string, d []byte) {
	if len(d) < 20 {
		fmt.Fprintf(b, "%s > %s: [|tcp]", src, dst)
		return
	}
	sport, dport := binary.BigEndian.Uint16(d), binary.BigEndian.Uint16(d[2:])
	seq, ack := binary.BigEndian.Uint32(d[4:]), binary.BigEndian.Uint32(d[8:])
	hlen, flags := int(d[12]>>4)*4, d[13]
	win, urp := binary.BigEndian.Uint16(d[14:]), binary.BigEndian.Uint16(d[18:])
	fmt.Fprintf(b, "%s.%d > %s.%d: Flags [", src, sport, dst, dport)
	if flags == 0 {
		b.WriteString("none")
	}
	for _, f := range []struct {
		bit byte
		c   string
	}{{tcpFIN, "F"}, {tcpSYN, "S"}, {tcpRST, "R"}, {tcpPSH, "P"}, {tcpACK, "."}, {tcpURG, "U"}, {tcpECE, "E"}, {tcpCWR, "W"}} {
		if flags&f.bit != 0 {
			b.WriteString(f.c)
		}
	}
	b.WriteString("]")
	if hlen < 20 {
		fmt.Fprintf(b, " [bad hdr length %d - too short, < 20]", hlen)
		return
	}
	var thack uint32
	if !p.absolute {
		// As tcpdump: one entry per connection, keyed with the lower port first.
		rev := sport > dport || (sport == dport && bytes.Compare(net.ParseIP(src), net.ParseIP(dst)) > 0)
		k := tcpKey{src: src, dst: dst, ports: uint32(sport)<<16 | uint32(dport)}
		if rev {
			k = tcpKey{src: dst, dst: src, ports: uint32(dport)<<16 | uint32(sport)}
		}
		th, ok := p.tcp[k]
		if !ok || flags&tcpSYN != 0 {
			if !ok {
				th = &tcpSeq{}
				p.tcp[k] = th
			}
			if rev {
				th.ack, th.seq = seq, ack-1
			} else {
				th.seq, th.ack = seq, ack-1
			}
		} else if rev {
			seq, ack = seq-th.ack, ack-th.seq
		} else {
			seq, ack = seq-th.seq, ack-th.ack
		}
		thack = th.ack
		if rev {
			thack = th.seq
		}
	}
	payload := 0
	if hlen <= len(d) {
		payload = len(d) - hlen
	}
	if payload > 0 || flags&(tcpSYN|tcpFIN|tcpRST) != 0 {
		fmt.Fprintf(b, ", seq %d", seq)
		if payload > 0 {
			fmt.Fprintf(b, ":%d", seq+uint32(payload))
		}
	}
	if flags&tcpACK != 0 {
		fmt.Fprintf(b, ", ack %d", ack)
	}
	fmt.Fprintf(b, ", win %d", win)
	if flags&tcpURG != 0 {
		fmt.Fprintf(b, ", urg %d", urp)
	}
	if hlen > 20 && hlen <= len(d) {
		b.WriteString(", options [")
		tcpOptions(b, d[20:hlen], thack)
		b.WriteString("]")
	}
	fmt.Fprintf(b, ", length %d", payload)
	if payload > 0 && (sport == 80 || dport == 80 || sport == 8080 || dport == 8080) {
		httpFirstLine(b, d[hlen:])
	}
}

// tcpOptions writes the options as tcpdump does, SACK blocks relative to thack.
func tcpOptions(b *strings.Builder, o []byte, thack uint32) {
	first := true
	for len(o) > 0 {
		if !first {
			b.WriteString(",")
		}
		first = false
		kind := o[0]
		if kind == 0 {
			b.WriteString("eol")
			return
		}
		if kind == 1 {
			b.WriteString("nop")
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			b.WriteString("bad opt")
			return
		}
		v := o[2:o[1]]
		switch {
		case kind == 2 && len(v) == 2:
			fmt.Fprintf(b, "mss %d", binary.BigEndian.Uint16(v))
		case kind == 3 && len(v) == 1:
			fmt.Fprintf(b, "wscale %d", v[0])
		case kind == 4:
			b.WriteString("sackOK")
		case kind == 5 && len(v)%8 == 0:
			fmt.Fprintf(b, "sack %d ", len(v)/8)
			for i := 0; i+8 <= len(v); i += 8 {
				s, e := binary.BigEndian.Uint32(v[i:]), binary.BigEndian.Uint32(v[i+4:])
				fmt.Fprintf(b, "{%d:%d}", s-thack, e-thack)
			}
		case kind == 8 && len(v) == 8:
			fmt.Fprintf(b, "TS val %d ecr %d", binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:]))
		default:
			fmt.Fprintf(b, "unknown-%d", kind)
			if len(v) > 0 {
				fmt.Fprintf(b, " 0x%x", v)
			}
		}
		o = o[o[1]:]
	}
}

// httpFirstLine writes tcpdump's ": HTTP: LINE" for a segment that starts a request or a
// response.
func httpFirstLine(b *strings.Builder, d []byte) {
	line, _, _ := bytes.Cut(d, []byte("\r\n"))
	s := string(line)
	for _, m := range []string{"GET ", "PUT ", "POST ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "HTTP/"} {
		if strings.HasPrefix(s, m) {
			fmt.Fprintf(b, ": HTTP: %s", s)
			return
		}
	}
}

var icmpUnreach = [...]string{"net", "host", "protocol", "port"}

func icmpLine(b *strings.Builder, d []byte) {
	if len(d) < 4 {
		b.WriteString("[|icmp]")
		return
	}
	switch d[0] {
	case icmp4Echo, icmp4EchoReply:
		kind := "request"
		if d[0] == icmp4EchoReply {
			kind = "reply"
		}
		if len(d) < 8 {
			b.WriteString("[|icmp]")
			return
		}
		fmt.Fprintf(b, "ICMP echo %s, id %d, seq %d, length %d", kind, binary.BigEndian.Uint16(d[4:]), binary.BigEndian.Uint16(d[6:]), len(d))
	case icmp4Unreachable:
		q, proto, ok := icmpQuoted(false, d)
		if !ok {
			fmt.Fprintf(b, "ICMP unreachable, length %d", len(d))
			return
		}
		qip := d[8:]
		qdst := net.IP(qip[16:20]).String()
		switch {
		case d[1] == 3 && (proto == 17 || proto == 6):
			name := "udp"
			if proto == 6 {
				name = "tcp"
			}
			fmt.Fprintf(b, "ICMP %s %s port %d unreachable", qdst, name, binary.BigEndian.Uint16(q[2:]))
		case d[1] == 2:
			fmt.Fprintf(b, "ICMP %s protocol %d unreachable", qdst, proto)
		case int(d[1]) < len(icmpUnreach):
			fmt.Fprintf(b, "ICMP %s %s unreachable", icmpUnreach[d[1]], qdst)
		default:
			fmt.Fprintf(b, "ICMP %s unreachable - code %d", qdst, d[1])
		}
		fmt.Fprintf(b, ", length %d", len(d))
	case icmp4TimeExceeded:
		what := "in-transit"
		if d[1] == 1 {
			what = "reassembly"
		}
		fmt.Fprintf(b, "ICMP time exceeded %s, length %d", what, len(d))
	default:
		fmt.Fprintf(b, "ICMP type-#%d, length %d", d[0], len(d))
	}
}

func icmp6Line(b *strings.Builder, d []byte) {
	if len(d) < 4 {
		b.WriteString("ICMP6, [|icmp6]")
		return
	}
	b.WriteString("ICMP6, ")
	switch d[0] {
	case icmp6Echo, icmp6EchoReply:
		kind := "request"
		if d[0] == icmp6EchoReply {
			kind = "reply"
		}
		if len(d) < 8 {
			b.WriteString("[|icmp6]")
			return
		}
		fmt.Fprintf(b, "echo %s, id %d, seq %d", kind, binary.BigEndian.Uint16(d[4:]), binary.BigEndian.Uint16(d[6:]))
	case 135, 136:
		if len(d) < 24 {
			b.WriteString("[|icmp6]")
			return
		}
		if d[0] == 135 {
			fmt.Fprintf(b, "neighbor solicitation, who has %s", net.IP(d[8:24]))
		} else {
			fmt.Fprintf(b, "neighbor advertisement, tgt is %s", net.IP(d[8:24]))
		}
	case 133:
		b.WriteString("router solicitation")
	case 134:
		b.WriteString("router advertisement")
	case icmp6Unreachable:
		b.WriteString("destination unreachable")
	case icmp6TimeExceeded:
		b.WriteString("time exceeded in-transit")
	case 143:
		n := 0
		if len(d) >= 8 {
			n = int(binary.BigEndian.Uint16(d[6:]))
		}
		fmt.Fprintf(b, "multicast listener report v2, %d group record(s)", n)
	default:
		fmt.Fprintf(b, "type-#%d", d[0])
	}
	fmt.Fprintf(b, ", length %d", len(d))
}

func arpLine(b *strings.Builder, d []byte) {
	if len(d) < 8 {
		b.WriteString("ARP, [|arp]")
		return
	}
	hl, pl, op := int(d[4]), int(d[5]), binary.BigEndian.Uint16(d[6:])
	if len(d) < 8+2*hl+2*pl || pl != 4 {
		fmt.Fprintf(b, "ARP, length %d", len(d))
		return
	}
	sha, spa := d[8:8+hl], net.IP(d[8+hl:8+hl+4])
	tpa := net.IP(d[8+2*hl+4 : 8+2*hl+8])
	switch op {
	case 1:
		fmt.Fprintf(b, "ARP, Request who-has %s tell %s", tpa, spa)
	case 2:
		fmt.Fprintf(b, "ARP, Reply %s is-at %s", spa, net.HardwareAddr(sha))
	default:
		fmt.Fprintf(b, "ARP, op %d", op)
	}
	fmt.Fprintf(b, ", length %d", len(d))
}
