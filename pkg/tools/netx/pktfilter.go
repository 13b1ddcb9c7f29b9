//go:build linux

package netx

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"
)

// tcpdump's filter expressions (pcap-filter(7), the common part) compiled to classic BPF:
//
//	[src|dst|src or dst|src and dst] host ADDR|NAME      net NET[/LEN] | net NET mask MASK
//	[tcp|udp|sctp] [src|dst] port N | portrange N-M      ip|ip6|arp|rarp|tcp|udp|sctp|icmp|icmp6
//	ip|ip6 proto N|tcp|udp|icmp    greater N    less N   not|!  and|&&  or||  ( )
//
// As in pcap-filter, "not" binds tightest and "and" and "or" have one precedence, left to
// right; a bare address or number takes the qualifiers of the primitive before it
// ("port 80 or 443", "host a or b"). The code is not optimised as libpcap's is: the same
// verdicts, more instructions.

// linkLayout says where a capture's packets hold their protocol and network header.
type linkLayout struct {
	// etherType loads the packet's EtherType into A; nil: the IP version nibble tells.
	etherType []bpf.Instruction
	nl        uint32 // offset of the network header
}

// layoutKernelCooked is a packet socket of type SOCK_DGRAM (-i any): the filter sees the
// network header at 0 and the protocol as the kernel's ancillary field.
func layoutKernelCooked() linkLayout {
	return linkLayout{etherType: []bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtProto}}}
}

// layoutOf returns the layout of a pcap link type.
func layoutOf(linkType uint32) (linkLayout, error) {
	switch linkType {
	case linkEthernet:
		return linkLayout{etherType: []bpf.Instruction{bpf.LoadAbsolute{Off: 12, Size: 2}}, nl: 14}, nil
	case linkSLL:
		return linkLayout{etherType: []bpf.Instruction{bpf.LoadAbsolute{Off: 14, Size: 2}}, nl: 16}, nil
	case linkSLL2:
		return linkLayout{etherType: []bpf.Instruction{bpf.LoadAbsolute{Off: 0, Size: 2}}, nl: 20}, nil
	case linkRaw:
		return linkLayout{}, nil
	}
	return linkLayout{}, fmt.Errorf("link type %d is not supported", linkType)
}

const (
	etherIPv4 = 0x0800
	etherARP  = 0x0806
	etherRARP = 0x8035
	etherIPv6 = 0x86dd
)

// fnode is a node of a filter: a test of the packet, or and/or/not of nodes.
type fnode struct {
	op   byte // 't' test, '&' and, '|' or, '!' not, '0' never
	a, b *fnode
	t    ftest
}

// ftest loads a value into A, masks it when mask is not 0, and compares it with val.
type ftest struct {
	loads []bpf.Instruction
	mask  uint32
	cond  bpf.JumpTest
	val   uint32
}

func fTest(loads []bpf.Instruction, mask uint32, cond bpf.JumpTest, val uint32) *fnode {
	return &fnode{op: 't', t: ftest{loads: loads, mask: mask, cond: cond, val: val}}
}
func fAnd(a, b *fnode) *fnode { return &fnode{op: '&', a: a, b: b} }
func fOr(a, b *fnode) *fnode  { return &fnode{op: '|', a: a, b: b} }
func fNot(a *fnode) *fnode    { return &fnode{op: '!', a: a} }

func fAnyOf(ns ...*fnode) *fnode {
	var out *fnode
	for _, n := range ns {
		if out == nil {
			out = n
		} else {
			out = fOr(out, n)
		}
	}
	if out == nil {
		return &fnode{op: '0'}
	}
	return out
}

func ld(off uint32, size int) []bpf.Instruction {
	return []bpf.Instruction{bpf.LoadAbsolute{Off: off, Size: size}}
}

// filterCompiler builds the nodes of one link layout.
type filterCompiler struct {
	l   linkLayout
	ctx context.Context
}

// ether is "the packet's EtherType is t".
func (c *filterCompiler) ether(t uint32) *fnode {
	if c.l.etherType != nil {
		return fTest(c.l.etherType, 0, bpf.JumpEqual, t)
	}
	switch t { // no link header: the IP version says
	case etherIPv4:
		return fTest(ld(0, 1), 0xf0, bpf.JumpEqual, 0x40)
	case etherIPv6:
		return fTest(ld(0, 1), 0xf0, bpf.JumpEqual, 0x60)
	}
	return &fnode{op: '0'}
}

// ipProto is "ip proto p or ip6 proto p" (v4/v6 limit it), the IPv6 one also behind a
// fragment header as libpcap does.
func (c *filterCompiler) ipProto(p uint32, v4, v6 bool) *fnode {
	var ns []*fnode
	if v4 {
		ns = append(ns, fAnd(c.ether(etherIPv4), fTest(ld(c.l.nl+9, 1), 0, bpf.JumpEqual, p)))
	}
	if v6 {
		nh := ld(c.l.nl+6, 1)
		ns = append(ns, fAnd(c.ether(etherIPv6), fOr(fTest(nh, 0, bpf.JumpEqual, p),
			fAnd(fTest(nh, 0, bpf.JumpEqual, 44), fTest(ld(c.l.nl+40, 1), 0, bpf.JumpEqual, p)))))
	}
	return fAnyOf(ns...)
}

// qual is a primitive's qualifiers.
type qual struct {
	proto string // "", ip, ip6, arp, rarp, tcp, udp, sctp, icmp, icmp6
	dir   string // "", src, dst, "src or dst", "src and dst"
	kind  string // host, net, port, portrange, proto
}

// dirs applies dir to a source test and a destination test.
func dirs(dir string, src, dst *fnode) *fnode {
	switch dir {
	case "src":
		return src
	case "dst":
		return dst
	case "src and dst":
		return fAnd(src, dst)
	}
	return fOr(src, dst)
}

// words is a 16-byte address (or mask) as four words.
func words(b []byte) [4]uint32 {
	var w [4]uint32
	for i := range w {
		w[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return w
}

// addrNet tests an address field at off (4 or 16 bytes) against ip under mask.
func (c *filterCompiler) addrNet(off uint32, ip net.IP, mask net.IPMask) *fnode {
	if ip4 := ip.To4(); ip4 != nil {
		m := binary.BigEndian.Uint32(mask)
		n := binary.BigEndian.Uint32(ip4) & m
		if m == 0xffffffff {
			m = 0
		}
		return fTest(ld(off, 4), m, bpf.JumpEqual, n)
	}
	a, m := words(ip.To16()), words(mask)
	var out *fnode
	for i := range a {
		if m[i] == 0 {
			continue
		}
		mk := m[i]
		if mk == 0xffffffff {
			mk = 0
		}
		t := fTest(ld(off+uint32(4*i), 4), mk, bpf.JumpEqual, a[i]&m[i])
		if out == nil {
			out = t
		} else {
			out = fAnd(out, t)
		}
	}
	if out == nil { // ::/0
		return fTest(ld(0, 1), 0, bpf.JumpGreaterOrEqual, 0)
	}
	return out
}

// hostNet is host or net ip/mask with the qualifiers q.
func (c *filterCompiler) hostNet(q qual, ip net.IP, mask net.IPMask) (*fnode, error) {
	nl := c.l.nl
	if ip.To4() != nil {
		var ns []*fnode
		if q.proto == "" || q.proto == "ip" {
			ns = append(ns, fAnd(c.ether(etherIPv4), dirs(q.dir, c.addrNet(nl+12, ip, mask), c.addrNet(nl+16, ip, mask))))
		}
		for _, t := range []uint32{etherARP, etherRARP} {
			if q.proto == "" || (q.proto == "arp" && t == etherARP) || (q.proto == "rarp" && t == etherRARP) {
				ns = append(ns, fAnd(c.ether(t), dirs(q.dir, c.addrNet(nl+14, ip, mask), c.addrNet(nl+24, ip, mask))))
			}
		}
		if len(ns) == 0 {
			return nil, fmt.Errorf("'%s' modifier applied to host", q.proto)
		}
		return fAnyOf(ns...), nil
	}
	if q.proto != "" && q.proto != "ip6" {
		return nil, fmt.Errorf("'%s' modifier applied to ip6 host", q.proto)
	}
	return fAnd(c.ether(etherIPv6), dirs(q.dir, c.addrNet(nl+8, ip, mask), c.addrNet(nl+24, ip, mask))), nil
}

// port is [tcp|udp|sctp] [src|dst] port lo (portrange lo-hi).
func (c *filterCompiler) port(q qual, lo, hi uint32) (*fnode, error) {
	protos := []uint32{6, 17, 132}
	v4, v6 := true, true
	switch q.proto {
	case "":
	case "tcp":
		protos = []uint32{6}
	case "udp":
		protos = []uint32{17}
	case "sctp":
		protos = []uint32{132}
	case "ip":
		v6 = false
	case "ip6":
		v4 = false
	default:
		return nil, fmt.Errorf("'%s' modifier applied to port", q.proto)
	}
	nl := c.l.nl
	cmp := func(loads []bpf.Instruction) *fnode {
		if lo == hi {
			return fTest(loads, 0, bpf.JumpEqual, lo)
		}
		return fAnd(fTest(loads, 0, bpf.JumpGreaterOrEqual, lo), fNot(fTest(loads, 0, bpf.JumpGreaterThan, hi)))
	}
	anyProto := func(off uint32) *fnode {
		var ns []*fnode
		for _, p := range protos {
			ns = append(ns, fTest(ld(off, 1), 0, bpf.JumpEqual, p))
		}
		return fAnyOf(ns...)
	}
	var ns []*fnode
	if v6 {
		ns = append(ns, fAnd(fAnd(c.ether(etherIPv6), anyProto(nl+6)),
			dirs(q.dir, cmp(ld(nl+40, 2)), cmp(ld(nl+42, 2)))))
	}
	if v4 {
		hdr := func(off uint32) []bpf.Instruction {
			return []bpf.Instruction{bpf.LoadMemShift{Off: nl}, bpf.LoadIndirect{Off: nl + off, Size: 2}}
		}
		notFragment := fNot(fTest(ld(nl+6, 2), 0, bpf.JumpBitsSet, 0x1fff))
		ns = append(ns, fAnd(fAnd(fAnd(c.ether(etherIPv4), anyProto(nl+9)), notFragment),
			dirs(q.dir, cmp(hdr(0)), cmp(hdr(2)))))
	}
	return fAnyOf(ns...), nil
}

// protoNumber is the number of a protocol name "proto" takes.
func protoNumber(name string) (uint32, bool) {
	switch name {
	case "icmp":
		return 1, true
	case "igmp":
		return 2, true
	case "tcp":
		return 6, true
	case "udp":
		return 17, true
	case "icmp6":
		return 58, true
	case "sctp":
		return 132, true
	}
	return 0, false
}

// isProtoWord is whether t is a protocol qualifier.
func isProtoWord(t string) bool {
	switch t {
	case "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp", "icmp", "icmp6", "igmp":
		return true
	}
	return false
}

// protoOnly is a protocol keyword alone: ip, ip6, arp, tcp, ...
func (c *filterCompiler) protoOnly(p string) *fnode {
	switch p {
	case "ip":
		return c.ether(etherIPv4)
	case "ip6":
		return c.ether(etherIPv6)
	case "arp":
		return c.ether(etherARP)
	case "rarp":
		return c.ether(etherRARP)
	case "icmp", "igmp":
		n, _ := protoNumber(p)
		return c.ipProto(n, true, false)
	case "icmp6":
		return c.ipProto(58, false, true)
	}
	n, _ := protoNumber(p)
	return c.ipProto(n, true, true)
}

// compileFilter parses expr and returns its program for layout l; an empty expression
// accepts every packet (nil program).
func compileFilter(ctx context.Context, expr string, l linkLayout) ([]bpf.Instruction, error) {
	p := &filterParser{c: &filterCompiler{l: l, ctx: ctx}, toks: filterTokens(expr)}
	if len(p.toks) == 0 {
		return nil, nil
	}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("syntax error in filter expression near '%s'", p.toks[p.i])
	}
	return assembleFilter(n)
}

func filterTokens(expr string) []string {
	var toks []string
	for _, f := range strings.Fields(expr) {
		for f != "" {
			switch {
			case strings.HasPrefix(f, "&&"), strings.HasPrefix(f, "||"):
				toks, f = append(toks, f[:2]), f[2:]
			case strings.IndexByte("()![]", f[0]) >= 0:
				toks, f = append(toks, f[:1]), f[1:]
			default:
				end := strings.IndexAny(f, "()![]&|")
				if end < 0 {
					end = len(f)
				}
				if end == 0 { // a lone & or |
					end = 1
				}
				toks, f = append(toks, f[:end]), f[end:]
			}
		}
	}
	return toks
}

type filterParser struct {
	c    *filterCompiler
	toks []string
	i    int
	last *qual // the qualifiers a bare id takes
}

func (p *filterParser) peek(k int) string {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return ""
}

// expr is not-terms joined by and/or, left to right.
func (p *filterParser) expr() (*fnode, error) {
	n, err := p.not()
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek(0)
		var and bool
		switch op {
		case "and", "&&":
			and = true
		case "or", "||":
		default:
			return n, nil
		}
		p.i++
		m, err := p.not()
		if err != nil {
			return nil, err
		}
		if and {
			n = fAnd(n, m)
		} else {
			n = fOr(n, m)
		}
	}
}

func (p *filterParser) not() (*fnode, error) {
	if t := p.peek(0); t == "not" || t == "!" {
		p.i++
		n, err := p.not()
		if err != nil {
			return nil, err
		}
		return fNot(n), nil
	}
	return p.primary()
}

func isFilterKeyword(t string) bool {
	switch t {
	case "", "(", ")", "[", "]", "!", "not", "and", "or", "&&", "||", "src", "dst", "host", "net", "port", "portrange", "proto", "mask", "greater", "less":
		return true
	}
	return isProtoWord(t)
}

func (p *filterParser) primary() (*fnode, error) {
	t := p.peek(0)
	switch t {
	case "(":
		p.i++
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.peek(0) != ")" {
			return nil, fmt.Errorf("syntax error in filter expression: missing ')'")
		}
		p.i++
		return n, nil
	case "":
		return nil, fmt.Errorf("syntax error in filter expression: unexpected end")
	case "greater", "less":
		p.i++
		v, err := strconv.ParseUint(p.peek(0), 0, 32)
		if err != nil {
			return nil, fmt.Errorf("syntax error in filter expression: %s wants a number", t)
		}
		p.i++
		n := fTest([]bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtLen}}, 0, bpf.JumpGreaterOrEqual, uint32(v))
		if t == "less" {
			return fNot(fTest([]bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtLen}}, 0, bpf.JumpGreaterThan, uint32(v))), nil
		}
		return n, nil
	}
	var q qual
	saw := false
	if isProtoWord(t) {
		q.proto, saw = t, true
		p.i++
	}
	switch p.peek(0) {
	case "src", "dst":
		q.dir, saw = p.peek(0), true
		p.i++
		if (p.peek(0) == "or" || p.peek(0) == "and") && (p.peek(1) == "src" || p.peek(1) == "dst") && p.peek(1) != q.dir {
			q.dir = "src " + p.peek(0) + " dst"
			p.i += 2
		}
	}
	switch p.peek(0) {
	case "host", "net", "port", "portrange", "proto":
		q.kind, saw = p.peek(0), true
		p.i++
	}
	id := p.peek(0)
	if isFilterKeyword(id) && !(q.kind == "proto" && isProtoWord(id)) {
		if saw && q.dir == "" && q.kind == "" {
			return p.c.protoOnly(q.proto), nil
		}
		if id == "" {
			return nil, fmt.Errorf("syntax error in filter expression: unexpected end")
		}
		return nil, fmt.Errorf("syntax error in filter expression near '%s'", id)
	}
	p.i++
	if !saw && p.last != nil {
		q = *p.last
	}
	if q.kind == "" {
		q.kind = "host"
	}
	last := q
	p.last = &last
	return p.primitive(q, id)
}

func (p *filterParser) primitive(q qual, id string) (*fnode, error) {
	c := p.c
	switch q.kind {
	case "proto":
		n, ok := protoNumber(id)
		if !ok {
			v, err := strconv.ParseUint(id, 0, 8)
			if err != nil {
				return nil, fmt.Errorf("unknown ip proto '%s'", id)
			}
			n = uint32(v)
		}
		switch q.proto {
		case "", "ip6", "ip":
			return c.ipProto(n, q.proto != "ip6", q.proto != "ip"), nil
		}
		return nil, fmt.Errorf("'%s' modifier applied to proto", q.proto)
	case "port", "portrange":
		lo, hi, err := portRange(id, q.kind == "portrange")
		if err != nil {
			return nil, err
		}
		return c.port(q, lo, hi)
	case "net":
		ip, mask, err := p.network(id)
		if err != nil {
			return nil, err
		}
		return c.hostNet(q, ip, mask)
	}
	if ip := net.ParseIP(id); ip != nil {
		return c.hostNet(q, ip, fullMask(ip))
	}
	ips, err := net.DefaultResolver.LookupIP(c.ctx, "ip", id)
	if err != nil || len(ips) == 0 {
		return nil, fmt.Errorf("can't resolve host '%s'", id)
	}
	var ns []*fnode
	for _, ip := range ips {
		n, err := c.hostNet(q, ip, fullMask(ip))
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	return fAnyOf(ns...), nil
}

func fullMask(ip net.IP) net.IPMask {
	if ip.To4() != nil {
		return net.CIDRMask(32, 32)
	}
	return net.CIDRMask(128, 128)
}

// network reads NET/LEN, NET mask MASK or a dotted prefix of 1 to 4 bytes (net 10).
func (p *filterParser) network(id string) (net.IP, net.IPMask, error) {
	if strings.Contains(id, "/") {
		_, n, err := net.ParseCIDR(id)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid network '%s'", id)
		}
		return n.IP, n.Mask, nil
	}
	if p.peek(0) == "mask" {
		m := net.ParseIP(p.peek(1)).To4()
		ip := net.ParseIP(id).To4()
		if m == nil || ip == nil {
			return nil, nil, fmt.Errorf("invalid network '%s mask %s'", id, p.peek(1))
		}
		p.i += 2
		return ip, net.IPMask(m), nil
	}
	if ip := net.ParseIP(id); ip != nil {
		return ip, fullMask(ip), nil
	}
	parts := strings.Split(id, ".")
	if len(parts) > 4 {
		return nil, nil, fmt.Errorf("invalid network '%s'", id)
	}
	ip := make(net.IP, 4)
	for i, s := range parts {
		v, err := strconv.ParseUint(s, 10, 8)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid network '%s'", id)
		}
		ip[i] = byte(v)
	}
	return ip, net.CIDRMask(8*len(parts), 32), nil
}

// portRange reads a port number (or, for portrange, N-M).
func portRange(id string, isRange bool) (uint32, uint32, error) {
	a, b := id, id
	if isRange {
		var ok bool
		if a, b, ok = strings.Cut(id, "-"); !ok {
			return 0, 0, fmt.Errorf("invalid port range '%s'", id)
		}
	}
	lo, err1 := strconv.ParseUint(a, 10, 16)
	hi, err2 := strconv.ParseUint(b, 10, 16)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("invalid port '%s' (service names are not looked up)", id)
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	return uint32(lo), uint32(hi), nil
}

// assembleFilter lays the nodes out as instructions that jump to "accept" or "reject".
func assembleFilter(root *fnode) ([]bpf.Instruction, error) {
	type jump struct {
		at     int
		cond   bpf.JumpTest
		val    uint32
		jt, jf int // labels
		always bool
	}
	var prog []bpf.Instruction
	var jumps []jump
	var labels []int // label -> instruction index
	newLabel := func() int { labels = append(labels, -1); return len(labels) - 1 }
	place := func(l int) { labels[l] = len(prog) }
	var emit func(n *fnode, t, f int)
	emit = func(n *fnode, t, f int) {
		switch n.op {
		case '&':
			m := newLabel()
			emit(n.a, m, f)
			place(m)
			emit(n.b, t, f)
		case '|':
			m := newLabel()
			emit(n.a, t, m)
			place(m)
			emit(n.b, t, f)
		case '!':
			emit(n.a, f, t)
		case '0':
			jumps = append(jumps, jump{at: len(prog), jt: f, always: true})
			prog = append(prog, nil)
		default:
			prog = append(prog, n.t.loads...)
			if n.t.mask != 0 {
				prog = append(prog, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: n.t.mask})
			}
			jumps = append(jumps, jump{at: len(prog), cond: n.t.cond, val: n.t.val, jt: t, jf: f})
			prog = append(prog, nil)
		}
	}
	accept, reject := newLabel(), newLabel()
	emit(root, accept, reject)
	place(accept)
	prog = append(prog, bpf.RetConstant{Val: 262144})
	place(reject)
	prog = append(prog, bpf.RetConstant{Val: 0})
	for _, j := range jumps {
		st, sf := labels[j.jt]-j.at-1, labels[j.jf]-j.at-1
		if j.always {
			prog[j.at] = bpf.Jump{Skip: uint32(st)}
			continue
		}
		if st > 255 || sf > 255 {
			return nil, fmt.Errorf("filter expression too long for classic BPF's jumps")
		}
		prog[j.at] = bpf.JumpIf{Cond: j.cond, Val: j.val, SkipTrue: uint8(st), SkipFalse: uint8(sf)}
	}
	return prog, nil
}
