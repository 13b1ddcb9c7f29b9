//go:build linux

package netx

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"golang.org/x/sys/unix"
)

// IP is ip: show addresses, links, routes and neighbours (read-only iproute2).
var IP = tools.Applet{Name: "ip", Summary: "show addresses, links, routes and neighbours (read-only iproute2)", Run: runIP}

const ipUsage = `ip [-4|-6] [-br] { addr | link | route | neigh } [show] [dev IFNAME]
Read-only: reads the kernel over rtnetlink in the current network namespace and prints
like iproute2. Changing anything (add, del, set) is not supported.`

// rtattrs splits a netlink attribute stream into type -> value (the last one wins).
func rtattrs(b []byte) map[uint16][]byte {
	out := map[uint16][]byte{}
	for len(b) >= 4 {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		typ := binary.NativeEndian.Uint16(b[2:4]) & 0x3fff // strip NLA_F_NESTED / NET_BYTEORDER
		if l < 4 || l > len(b) {
			break
		}
		out[typ] = b[4:l]
		if (l+3)&^3 >= len(b) {
			break
		}
		b = b[(l+3)&^3:]
	}
	return out
}

// dump runs one rtnetlink dump and returns the bodies of its messages of type want.
func dump(req, family int, want uint16) ([][]byte, error) {
	rib, err := syscall.NetlinkRIB(req, family)
	if err != nil {
		return nil, fmt.Errorf("netlink dump %d: %w", req, err)
	}
	msgs, err := syscall.ParseNetlinkMessage(rib)
	if err != nil {
		return nil, fmt.Errorf("parsing netlink reply: %w", err)
	}
	var out [][]byte
	for _, m := range msgs {
		if m.Header.Type == want {
			out = append(out, m.Data)
		}
	}
	return out, nil
}

func cstr(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

func u32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.NativeEndian.Uint32(b)
}

// link is one network interface.
type link struct {
	index, master, parent int
	name, qdisc           string
	flags                 uint32
	typ                   uint16
	mtu, txqlen, group    uint32
	operstate, linkmode   uint8
	addr, brd             net.HardwareAddr
	netnsid               int
	hasNetnsid            bool
}

func readLinks() ([]link, error) {
	bodies, err := dump(unix.RTM_GETLINK, unix.AF_UNSPEC, unix.RTM_NEWLINK)
	if err != nil {
		return nil, err
	}
	var out []link
	for _, b := range bodies {
		if len(b) < unix.SizeofIfInfomsg {
			continue
		}
		l := link{typ: binary.NativeEndian.Uint16(b[2:4]), index: int(int32(binary.NativeEndian.Uint32(b[4:8]))),
			flags: binary.NativeEndian.Uint32(b[8:12])}
		a := rtattrs(b[unix.SizeofIfInfomsg:])
		l.name, l.qdisc = cstr(a[unix.IFLA_IFNAME]), cstr(a[unix.IFLA_QDISC])
		l.mtu, l.txqlen, l.group = u32(a[unix.IFLA_MTU]), u32(a[unix.IFLA_TXQLEN]), u32(a[unix.IFLA_GROUP])
		l.master, l.parent = int(u32(a[unix.IFLA_MASTER])), int(u32(a[unix.IFLA_LINK]))
		if v := a[unix.IFLA_OPERSTATE]; len(v) > 0 {
			l.operstate = v[0]
		}
		if v := a[unix.IFLA_LINKMODE]; len(v) > 0 {
			l.linkmode = v[0]
		}
		if v, ok := a[unix.IFLA_LINK_NETNSID]; ok {
			l.netnsid, l.hasNetnsid = int(int32(u32(v))), true
		}
		l.addr, l.brd = a[unix.IFLA_ADDRESS], a[unix.IFLA_BROADCAST]
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].index < out[j].index })
	return out, nil
}

var linkFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
}

func linkFlags(f uint32) string {
	var names []string
	if f&unix.IFF_UP != 0 && f&unix.IFF_RUNNING == 0 {
		names = append(names, "NO-CARRIER")
	}
	for _, n := range linkFlagNames {
		if f&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return "<" + strings.Join(names, ",") + ">"
}

var operStates = []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

func (l link) state() string {
	if int(l.operstate) < len(operStates) {
		return operStates[l.operstate]
	}
	return strconv.Itoa(int(l.operstate))
}

func linkType(t uint16) string {
	switch t {
	case unix.ARPHRD_ETHER:
		return "ether"
	case unix.ARPHRD_LOOPBACK:
		return "loopback"
	case unix.ARPHRD_NONE:
		return "none"
	case unix.ARPHRD_IPGRE:
		return "gre"
	case unix.ARPHRD_TUNNEL:
		return "ipip"
	case unix.ARPHRD_SIT:
		return "sit"
	case unix.ARPHRD_TUNNEL6:
		return "tunnel6"
	case unix.ARPHRD_INFINIBAND:
		return "infiniband"
	}
	return "[" + strconv.Itoa(int(t)) + "]"
}

func (l link) displayName(byIndex map[int]link) string {
	if l.parent == 0 || l.parent == l.index {
		return l.name
	}
	if p, ok := byIndex[l.parent]; ok && !l.hasNetnsid {
		return l.name + "@" + p.name
	}
	return l.name + "@if" + strconv.Itoa(l.parent)
}

// writeLinkHeader prints the lines iproute2 prints for a link: withMode for ip link,
// withLinkLine unless addresses of one family are asked for.
func writeLinkHeader(w io.Writer, l link, byIndex map[int]link, withMode, withLinkLine bool) {
	fmt.Fprintf(w, "%d: %s: %s mtu %d ", l.index, l.displayName(byIndex), linkFlags(l.flags), l.mtu)
	if l.qdisc != "" {
		fmt.Fprintf(w, "qdisc %s ", l.qdisc)
	}
	if m, ok := byIndex[l.master]; ok && l.master != 0 {
		fmt.Fprintf(w, "master %s ", m.name)
	}
	fmt.Fprintf(w, "state %s ", l.state())
	if withMode {
		mode := "DEFAULT"
		if l.linkmode == 1 {
			mode = "DORMANT"
		}
		fmt.Fprintf(w, "mode %s ", mode)
	}
	if l.group == 0 {
		fmt.Fprint(w, "group default ")
	} else {
		fmt.Fprintf(w, "group %d ", l.group)
	}
	if l.txqlen > 0 {
		fmt.Fprintf(w, "qlen %d", l.txqlen)
	}
	fmt.Fprintln(w)
	if !withLinkLine {
		return
	}
	fmt.Fprintf(w, "    link/%s", linkType(l.typ))
	if len(l.addr) > 0 {
		fmt.Fprintf(w, " %s", l.addr)
	}
	if len(l.brd) > 0 {
		fmt.Fprintf(w, " brd %s", l.brd)
	}
	if l.hasNetnsid {
		fmt.Fprintf(w, " link-netnsid %d", l.netnsid)
	}
	fmt.Fprintln(w)
}

// address is one IP address of an interface.
type address struct {
	family, prefix, scope int
	index                 int
	flags                 uint32
	local, addr, brd      net.IP
	label                 string
	valid, preferred      uint32
}

func readAddrs(family int) ([]address, error) {
	bodies, err := dump(unix.RTM_GETADDR, family, unix.RTM_NEWADDR)
	if err != nil {
		return nil, err
	}
	var out []address
	for _, b := range bodies {
		if len(b) < unix.SizeofIfAddrmsg {
			continue
		}
		a := address{family: int(b[0]), prefix: int(b[1]), flags: uint32(b[2]), scope: int(b[3]),
			index: int(binary.NativeEndian.Uint32(b[4:8])), valid: 0xffffffff, preferred: 0xffffffff}
		at := rtattrs(b[unix.SizeofIfAddrmsg:])
		a.local, a.addr, a.brd = at[unix.IFA_LOCAL], at[unix.IFA_ADDRESS], at[unix.IFA_BROADCAST]
		a.label = cstr(at[unix.IFA_LABEL])
		if f, ok := at[unix.IFA_FLAGS]; ok {
			a.flags = u32(f)
		}
		if ci := at[unix.IFA_CACHEINFO]; len(ci) >= 8 {
			a.preferred, a.valid = u32(ci[0:4]), u32(ci[4:8])
		}
		out = append(out, a)
	}
	return out, nil
}

func scopeName(s int) string {
	switch s {
	case 0:
		return "global"
	case 200:
		return "site"
	case 253:
		return "link"
	case 254:
		return "host"
	case 255:
		return "nowhere"
	}
	return strconv.Itoa(s)
}

var addrFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFA_F_NODAD, "nodad"}, {unix.IFA_F_OPTIMISTIC, "optimistic"}, {unix.IFA_F_DADFAILED, "dadfailed"},
	{unix.IFA_F_HOMEADDRESS, "home"}, {unix.IFA_F_DEPRECATED, "deprecated"}, {unix.IFA_F_TENTATIVE, "tentative"},
	{unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"}, {unix.IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{unix.IFA_F_MCAUTOJOIN, "autojoin"}, {unix.IFA_F_STABLE_PRIVACY, "stable-privacy"},
}

func lifetime(v uint32) string {
	if v == 0xffffffff {
		return "forever"
	}
	return strconv.FormatUint(uint64(v), 10) + "sec"
}

func writeAddr(w io.Writer, a address) {
	kind := "inet"
	if a.family == unix.AF_INET6 {
		kind = "inet6"
	}
	local := a.local
	if local == nil {
		local = a.addr
	}
	fmt.Fprintf(w, "    %s %s", kind, local)
	if a.addr != nil && a.local != nil && !a.addr.Equal(a.local) {
		fmt.Fprintf(w, " peer %s", a.addr)
	}
	fmt.Fprintf(w, "/%d ", a.prefix)
	if a.brd != nil {
		fmt.Fprintf(w, "brd %s ", a.brd)
	}
	fmt.Fprintf(w, "scope %s ", scopeName(a.scope))
	if a.flags&unix.IFA_F_SECONDARY != 0 {
		if a.family == unix.AF_INET6 {
			fmt.Fprint(w, "temporary ")
		} else {
			fmt.Fprint(w, "secondary ")
		}
	}
	if a.flags&unix.IFA_F_PERMANENT == 0 {
		fmt.Fprint(w, "dynamic ")
	}
	for _, f := range addrFlagNames {
		if a.flags&f.bit != 0 {
			fmt.Fprint(w, f.name+" ")
		}
	}
	if a.family == unix.AF_INET && a.label != "" {
		fmt.Fprint(w, a.label)
	}
	fmt.Fprintf(w, "\n       valid_lft %s preferred_lft %s\n", lifetime(a.valid), lifetime(a.preferred))
}

// route is one route of the main table.
type route struct {
	family, dstLen, scope int
	protocol, typ, table  int
	dst, gw, src          net.IP
	oif                   int
	metric                uint32
	hasMetric             bool
	pref                  int
	hasPref               bool
	flags                 uint32
}

func readRoutes(family int) ([]route, error) {
	bodies, err := dump(unix.RTM_GETROUTE, family, unix.RTM_NEWROUTE)
	if err != nil {
		return nil, err
	}
	var out []route
	for _, b := range bodies {
		if len(b) < unix.SizeofRtMsg {
			continue
		}
		r := route{family: int(b[0]), dstLen: int(b[1]), table: int(b[4]), protocol: int(b[5]), scope: int(b[6]), typ: int(b[7]),
			flags: binary.NativeEndian.Uint32(b[8:12])}
		a := rtattrs(b[unix.SizeofRtMsg:])
		if t, ok := a[unix.RTA_TABLE]; ok {
			r.table = int(u32(t))
		}
		r.dst, r.gw, r.src = a[unix.RTA_DST], a[unix.RTA_GATEWAY], a[unix.RTA_PREFSRC]
		r.oif = int(u32(a[unix.RTA_OIF]))
		if m, ok := a[unix.RTA_PRIORITY]; ok {
			r.metric, r.hasMetric = u32(m), true
		}
		if p, ok := a[unix.RTA_PREF]; ok && len(p) > 0 {
			r.pref, r.hasPref = int(int8(p[0])), true
		}
		if r.table == unix.RT_TABLE_MAIN {
			out = append(out, r)
		}
	}
	return out, nil
}

var routeProtos = sync.OnceValue(func() map[int]string {
	return map[int]string{0: "unspec", 1: "redirect", 2: "kernel", 4: "static", 8: "gated", 9: "ra",
		10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp", 42: "babel",
		186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 192: "eigrp"}
})

var routeTypes = sync.OnceValue(func() map[int]string {
	return map[int]string{unix.RTN_UNREACHABLE: "unreachable", unix.RTN_PROHIBIT: "prohibit",
		unix.RTN_BLACKHOLE: "blackhole", unix.RTN_LOCAL: "local", unix.RTN_BROADCAST: "broadcast",
		unix.RTN_MULTICAST: "multicast", unix.RTN_ANYCAST: "anycast", unix.RTN_THROW: "throw", unix.RTN_NAT: "nat"}
})

// writeRoute prints r as ip route does; withDev is false when the listing is of one
// device (dev IFNAME), which iproute2 then does not repeat on every line.
func writeRoute(w io.Writer, r route, byIndex map[int]link, withDev bool) {
	var b strings.Builder
	if t, ok := routeTypes()[r.typ]; ok {
		b.WriteString(t + " ")
	}
	switch {
	case r.dstLen == 0:
		b.WriteString("default ")
	case r.dst != nil:
		full := (r.family == unix.AF_INET && r.dstLen == 32) || (r.family == unix.AF_INET6 && r.dstLen == 128)
		if full {
			b.WriteString(r.dst.String() + " ")
		} else {
			fmt.Fprintf(&b, "%s/%d ", r.dst, r.dstLen)
		}
	}
	if r.gw != nil {
		fmt.Fprintf(&b, "via %s ", r.gw)
	}
	if r.oif != 0 && withDev {
		name := "if" + strconv.Itoa(r.oif)
		if l, ok := byIndex[r.oif]; ok {
			name = l.name
		}
		fmt.Fprintf(&b, "dev %s ", name)
	}
	if r.protocol != 3 { // boot is not printed
		p, ok := routeProtos()[r.protocol]
		if !ok {
			p = strconv.Itoa(r.protocol)
		}
		fmt.Fprintf(&b, "proto %s ", p)
	}
	if r.scope != 0 {
		fmt.Fprintf(&b, "scope %s ", scopeName(r.scope))
	}
	if r.src != nil {
		fmt.Fprintf(&b, "src %s ", r.src)
	}
	if r.hasMetric {
		fmt.Fprintf(&b, "metric %d ", r.metric)
	}
	// The route's flags, in iproute2's order (linkdown: the device has no carrier, as a
	// bridge without ports).
	for _, f := range []struct {
		bit  uint32
		name string
	}{{unix.RTNH_F_DEAD, "dead"}, {unix.RTNH_F_ONLINK, "onlink"}, {unix.RTNH_F_PERVASIVE, "pervasive"},
		{unix.RTNH_F_OFFLOAD, "offload"}, {unix.RTM_F_NOTIFY, "notify"}, {unix.RTNH_F_LINKDOWN, "linkdown"},
		{unix.RTNH_F_UNRESOLVED, "unresolved"}} {
		if r.flags&f.bit != 0 {
			b.WriteString(f.name + " ")
		}
	}
	if r.hasPref {
		p := map[int]string{0: "medium", 1: "high", -1: "low"}[r.pref]
		fmt.Fprintf(&b, "pref %s", p)
	}
	s := b.String()
	if r.family == unix.AF_INET6 {
		s = strings.TrimRight(s, " ")
	}
	fmt.Fprintln(w, s)
}

// neighbour is one ARP / NDP cache entry (or proxy entry).
type neighbour struct {
	family, index int
	state         uint16
	flags         uint8
	extFlags      uint32
	protocol      uint8
	dst           net.IP
	lladdr        net.HardwareAddr
	cache         []byte // struct nda_cacheinfo
	probes        uint32
	hasProbes     bool
}

// Neighbour attributes and flags newer than golang.org/x/sys knows.
const (
	ndaProtocol   = 12
	ndaFlagsExt   = 15
	ntfExtManaged = 0x1
)

// readNeighbours dumps the neighbour table of family (the proxy table with proxy), as
// iproute2 asks for it: an ndmsg, whose flags choose the table.
func readNeighbours(family int, proxy bool) ([]neighbour, error) {
	const sizeofNdMsg = 12
	req := make([]byte, sizeofNdMsg)
	req[0] = byte(family)
	if proxy {
		req[10] = unix.NTF_PROXY
	}
	var out []neighbour
	err := netlinkDump(unix.NETLINK_ROUTE, unix.RTM_GETNEIGH, req, func(typ uint16, b []byte) {
		if typ != unix.RTM_NEWNEIGH || len(b) < sizeofNdMsg {
			return
		}
		n := neighbour{family: int(b[0]), index: int(int32(binary.NativeEndian.Uint32(b[4:8]))),
			state: binary.NativeEndian.Uint16(b[8:10]), flags: b[10]}
		a := rtattrs(b[sizeofNdMsg:])
		n.dst, n.lladdr, n.cache = a[unix.NDA_DST], a[unix.NDA_LLADDR], a[unix.NDA_CACHEINFO]
		if p, ok := a[unix.NDA_PROBES]; ok {
			n.probes, n.hasProbes = u32(p), true
		}
		if p := a[ndaProtocol]; len(p) > 0 {
			n.protocol = p[0]
		}
		n.extFlags = u32(a[ndaFlagsExt])
		out = append(out, n)
	})
	if err != nil {
		return nil, fmt.Errorf("netlink neighbour dump: %w", err)
	}
	return out, nil
}

var nudNames = []struct {
	bit  uint16
	name string
}{
	{unix.NUD_INCOMPLETE, "INCOMPLETE"}, {unix.NUD_REACHABLE, "REACHABLE"}, {unix.NUD_STALE, "STALE"},
	{unix.NUD_DELAY, "DELAY"}, {unix.NUD_PROBE, "PROBE"}, {unix.NUD_FAILED, "FAILED"},
	{unix.NUD_NOARP, "NOARP"}, {unix.NUD_PERMANENT, "PERMANENT"},
}

var errReadOnly = errors.New("is not supported: this ip is read-only")

// ipError is a usage error printed as iproute2 prints it, with its exit status.
type ipError struct {
	msg  string
	code int
}

func (e ipError) Error() string { return e.msg }

// neighFilter is what `ip neigh show` selects: iproute2's filter.
type neighFilter struct {
	family int
	index  int
	state  uint32 // NUD_ bits, 0x100 for entries in no state (nud none)
	proxy  bool
	prefix *net.IPNet
	stats  bool
}

// parseNeighFilter reads the selectors of ip neigh show: dev, nud STATE (repeatable,
// all), proxy, [to] PREFIX. The default state filter leaves NOARP and stateless entries
// out, as iproute2's does.
func parseNeighFilter(args []string, family int) (neighFilter, string, error) {
	f := neighFilter{family: family, state: 0xff &^ unix.NUD_NOARP}
	dev, stateGiven := "", false
	for i := 0; i < len(args); i++ {
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", ipError{"Command line is not complete. Try option \"help\"", 255}
			}
			i++
			return args[i], nil
		}
		switch a := args[i]; a {
		case "show", "list", "ls", "lst":
		case "dev":
			v, err := next()
			if err != nil {
				return f, "", err
			}
			dev = v
		case "nud":
			v, err := next()
			if err != nil {
				return f, "", err
			}
			if !stateGiven {
				stateGiven, f.state = true, 0
			}
			st, ok := nudState(v)
			if !ok {
				return f, "", ipError{fmt.Sprintf("Error: argument \"%s\" is wrong: nud state is bad", v), 255}
			}
			f.state |= st
		case "proxy":
			f.proxy = true
		case "unused", "nomaster":
		case "add", "del", "delete", "change", "replace", "set", "flush", "append":
			return f, "", fmt.Errorf("%q %w", a, errReadOnly)
		default:
			if a == "to" {
				v, err := next()
				if err != nil {
					return f, "", err
				}
				a = v
			}
			p, err := parsePrefix(a)
			if err != nil {
				return f, "", ipError{fmt.Sprintf("Error: any valid prefix is expected rather than \"%s\".", a), 1}
			}
			f.prefix = p
			if f.family == unix.AF_UNSPEC {
				f.family = unix.AF_INET
				if p.IP.To4() == nil {
					f.family = unix.AF_INET6
				}
			}
		}
	}
	return f, dev, nil
}

// nudState is iproute2's nud_state_a2n, plus all and none (0x100: no state at all).
func nudState(s string) (uint32, bool) {
	switch {
	case s == "all":
		return ^uint32(0), true
	case s == "none":
		return 0x100, true
	case strings.HasPrefix("permanent", s):
		return unix.NUD_PERMANENT, true
	case strings.HasPrefix("reachable", s):
		return unix.NUD_REACHABLE, true
	case s == "noarp":
		return unix.NUD_NOARP, true
	case s == "stale":
		return unix.NUD_STALE, true
	case s == "incomplete":
		return unix.NUD_INCOMPLETE, true
	case s == "delay":
		return unix.NUD_DELAY, true
	case s == "probe":
		return unix.NUD_PROBE, true
	case strings.HasPrefix("failed", s):
		return unix.NUD_FAILED, true
	}
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil || n >= 0x100 || n&(n-1) != 0 {
		return 0, false
	}
	if n == 0 {
		return 0x100, true
	}
	return uint32(n), true
}

// parsePrefix reads an address or prefix as iproute2's get_prefix does ("all"/"default"
// is everything).
func parsePrefix(s string) (*net.IPNet, error) {
	if s == "all" || s == "default" || s == "any" {
		return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, nil
	}
	if !strings.Contains(s, "/") {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, fmt.Errorf("bad address %q", s)
		}
		bits := 128
		if ip4 := ip.To4(); ip4 != nil {
			ip, bits = ip4, 32
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
	}
	_, p, err := net.ParseCIDR(s)
	return p, err
}

// selected is iproute2's print_neigh filter.
func (f neighFilter) selected(n neighbour) bool {
	if f.family != unix.AF_UNSPEC && f.family != n.family {
		return false
	}
	if f.index != 0 && f.index != n.index {
		return false
	}
	if f.state&uint32(n.state) == 0 && n.flags&unix.NTF_PROXY == 0 && n.flags&unix.NTF_EXT_LEARNED == 0 &&
		(n.state != 0 || f.state&0x100 == 0) {
		return false
	}
	if f.prefix != nil {
		ones, _ := f.prefix.Mask.Size()
		if ones > 0 && (n.dst == nil || !f.prefix.Contains(n.dst)) {
			return false
		}
	}
	return true
}

// writeNeighbour prints n as ip neigh does; withDev as for writeRoute; stats as -s.
func writeNeighbour(w io.Writer, n neighbour, byIndex map[int]link, withDev, stats bool) {
	if n.dst != nil {
		fmt.Fprintf(w, "%s ", n.dst)
	}
	if withDev && n.index != 0 {
		name := "if" + strconv.Itoa(n.index)
		if l, ok := byIndex[n.index]; ok {
			name = l.name
		}
		fmt.Fprintf(w, "dev %s ", name)
	}
	if len(n.lladdr) > 0 {
		fmt.Fprintf(w, "lladdr %s ", n.lladdr)
	}
	for _, f := range []struct {
		set  bool
		name string
	}{{n.flags&unix.NTF_ROUTER != 0, "router"}, {n.flags&unix.NTF_PROXY != 0, "proxy"},
		{n.extFlags&ntfExtManaged != 0, "managed"}, {n.flags&unix.NTF_EXT_LEARNED != 0, "extern_learn"},
		{n.flags&unix.NTF_OFFLOADED != 0, "offload"}} {
		if f.set {
			fmt.Fprint(w, f.name+" ")
		}
	}
	if stats {
		if len(n.cache) >= 16 {
			// struct nda_cacheinfo: confirmed, used, updated (clock ticks, USER_HZ 100), refcnt.
			ne := binary.NativeEndian
			const hz = 100
			if ref := ne.Uint32(n.cache[12:16]); ref != 0 {
				fmt.Fprintf(w, " ref %d", ref)
			}
			fmt.Fprintf(w, " used %d/%d/%d", ne.Uint32(n.cache[4:8])/hz, ne.Uint32(n.cache[0:4])/hz, ne.Uint32(n.cache[8:12])/hz)
		}
		if n.hasProbes {
			fmt.Fprintf(w, "probes %d ", n.probes)
		}
	}
	for _, s := range nudNames {
		if n.state&s.bit != 0 {
			fmt.Fprint(w, s.name+" ")
		}
	}
	if n.protocol != 0 {
		p, ok := routeProtos()[int(n.protocol)]
		if !ok {
			p = strconv.Itoa(int(n.protocol))
		}
		fmt.Fprintf(w, "proto %s ", p)
	}
	fmt.Fprintln(w)
}

func runIP(_ context.Context, env *tools.Env, args []string) int {
	family, brief, stats := unix.AF_UNSPEC, false, false
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		switch rest[0] {
		case "-4":
			family = unix.AF_INET
		case "-6":
			family = unix.AF_INET6
		case "-br", "-brief", "--brief":
			brief = true
		case "--help", "-h", "-help":
			return tools.Usage(env, ipUsage)
		case "-s", "-stats", "-statistics":
			stats = true
		case "-n", "-N", "-d", "-details", "-c", "-color":
			// accepted and ignored
		default:
			env.Errorf("ip", "option %q is not supported", rest[0])
			return 255
		}
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return tools.Usage(env, ipUsage)
	}
	object, rest := rest[0], rest[1:]
	neigh := strings.HasPrefix("neighbour", object) || strings.HasPrefix("neighbor", object)
	dev := ""
	for i := 0; i < len(rest) && !neigh; i++ {
		switch rest[i] {
		case "show", "list", "ls", "lst":
		case "dev":
			if i+1 < len(rest) {
				dev = rest[i+1]
				i++
			}
		case "add", "del", "delete", "change", "replace", "set", "flush", "append":
			env.Errorf("ip", "%q is not supported: this ip is read-only", rest[i])
			return 2
		default:
			dev = rest[i]
		}
	}
	links, err := readLinks()
	if err != nil {
		env.Errorf("ip", "%v", err)
		return 1
	}
	byIndex := map[int]link{}
	for _, l := range links {
		byIndex[l.index] = l
	}
	if dev != "" {
		var sel []link
		for _, l := range links {
			if l.name == dev {
				sel = append(sel, l)
			}
		}
		if len(sel) == 0 {
			env.Errorf("ip", "Device \"%s\" does not exist.", dev)
			return 1
		}
		links = sel
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	switch {
	case strings.HasPrefix("link", object):
		for _, l := range links {
			if brief {
				fmt.Fprintf(w, "%-16s %-14s %s %s \n", l.displayName(byIndex), l.state(), l.addr, linkFlags(l.flags))
				continue
			}
			writeLinkHeader(w, l, byIndex, true, true)
		}
	case strings.HasPrefix("address", object) || object == "a" || object == "addr":
		addrs, err := readAddrs(family)
		if err != nil {
			env.Errorf("ip", "%v", err)
			return 1
		}
		for _, l := range links {
			var mine []address
			for _, a := range addrs {
				if a.index == l.index && (family == unix.AF_UNSPEC || a.family == family) {
					mine = append(mine, a)
				}
			}
			sort.SliceStable(mine, func(i, j int) bool { return mine[i].family < mine[j].family })
			if brief {
				fmt.Fprintf(w, "%-16s %-14s ", l.displayName(byIndex), l.state())
				for _, a := range mine {
					fmt.Fprintf(w, "%s/%d ", a.local0(), a.prefix)
				}
				fmt.Fprintln(w)
				continue
			}
			if family != unix.AF_UNSPEC && len(mine) == 0 {
				continue
			}
			writeLinkHeader(w, l, byIndex, false, family == unix.AF_UNSPEC)
			for _, a := range mine {
				writeAddr(w, a)
			}
		}
	case strings.HasPrefix("route", object) || object == "r":
		if family == unix.AF_UNSPEC {
			family = unix.AF_INET
		}
		routes, err := readRoutes(family)
		if err != nil {
			env.Errorf("ip", "%v", err)
			return 1
		}
		for _, r := range routes {
			if r.family == family && (dev == "" || byIndex[r.oif].name == dev) {
				writeRoute(w, r, byIndex, dev == "")
			}
		}
	case neigh:
		f, ndev, err := parseNeighFilter(rest, family)
		if errors.Is(err, errReadOnly) {
			env.Errorf("ip", "%v", err)
			return 2
		}
		var ierr ipError
		if errors.As(err, &ierr) { // worded as iproute2 words it
			fmt.Fprintln(env.Stderr, ierr.msg)
			return ierr.code
		}
		if ndev != "" {
			for _, l := range links {
				if l.name == ndev {
					f.index = l.index
				}
			}
			if f.index == 0 {
				fmt.Fprintf(env.Stderr, "Cannot find device \"%s\"\n", ndev)
				return 1
			}
		}
		f.stats = stats
		ns, err := readNeighbours(f.family, f.proxy)
		if err != nil {
			env.Errorf("ip", "%v", err)
			return 1
		}
		for _, n := range ns {
			if f.selected(n) {
				writeNeighbour(w, n, byIndex, f.index == 0, f.stats)
			}
		}
	default:
		env.Errorf("ip", "object %q is unknown or not supported (addr, link, route, neigh)", object)
		return 255
	}
	return 0
}

func (a address) local0() net.IP {
	if a.local != nil {
		return a.local
	}
	return a.addr
}
