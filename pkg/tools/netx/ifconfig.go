//go:build linux

package netx

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
	"golang.org/x/sys/unix"
)

// Ifconfig is ifconfig [-a] [-s] [INTERFACE]: show network interfaces the way net-tools'
// ifconfig does (read-only). It asks the kernel what net-tools asks it, with the same
// ioctls, /proc/net/dev and /proc/net/if_inet6, so an alias (eth0:1) shows as it does there.
//
//	-a  every interface, also the ones that are down
//	-s  one line per interface, as netstat -i
var Ifconfig = tools.Applet{Name: "ifconfig", Summary: "show network interfaces (read-only net-tools ifconfig)", Run: runIfconfig}

const ifconfigUsage = `ifconfig [-a] [-s] [INTERFACE]
Show the network interfaces of the current network namespace as net-tools' ifconfig does:
the ones that are up, every one with -a, one line each with -s.
Read-only: to change an interface, use a tool of the host or node (ip, ifconfig there).`

// iface is what ifconfig shows of one interface.
type iface struct {
	name                                  string
	flags                                 uint16
	hwType                                uint16
	hwAddr                                [8]byte
	mtu, txqlen                           int32
	hasTxqlen                             bool
	hasIPv4                               bool
	addr, dstaddr, broadaddr, netmask     net.IP
	mapMemStart, mapMemEnd                uint64
	mapBaseAddr                           uint16
	mapIRQ, mapDMA                        uint8
	hasStats                              bool
	rxBytes, rxPackets, txBytes, txPacket uint64
	rxErrs, rxDrop, rxFifo, rxFrame       uint64
	rxCompressed, txCompressed            uint64
	txErrs, txDrop, txFifo, txColls       uint64
	txCarrier                             uint64
}

func runIfconfig(_ context.Context, env *tools.Env, args []string) int {
	all, short := false, false
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		switch rest[0] {
		case "-a":
			all = true
		case "-s":
			short = true
		case "-v":
		case "-h", "-?", "-help", "--help":
			return tools.Usage(env, ifconfigUsage)
		default:
			fmt.Fprintf(env.Stderr, "ifconfig: option `%s' not recognised.\nifconfig: `--help' gives usage information.\n", rest[0])
			return 1
		}
		rest = rest[1:]
	}
	if len(rest) > 1 {
		env.Errorf("ifconfig", "changing an interface (%s) is not supported: this ifconfig only shows them", strings.Join(rest, " "))
		return 1
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		env.Errorf("ifconfig", "socket: %v", err)
		return 1
	}
	defer unix.Close(fd)
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	if short {
		fmt.Fprintln(w, "Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg")
	}
	stats, err := readNetDev()
	if err != nil {
		w.Flush()
		fmt.Fprintf(env.Stderr, "Warning: cannot open /proc/net/dev (%s). Limited output.\n", tools.Reason(err))
	}
	v6 := readIfInet6()
	print := func(ifc *iface) {
		if short {
			writeIfaceShort(w, ifc)
		} else {
			writeIfaceLong(w, ifc, v6)
		}
	}
	if len(rest) == 1 {
		ifc := &iface{name: rest[0]}
		if s, ok := stats[ifc.name]; ok {
			*ifc = s
		}
		if err := fetchIface(fd, ifc); err != nil {
			w.Flush()
			fmt.Fprintf(env.Stderr, "%s: error fetching interface information: %s\n", ifc.name, ifaceErr(err))
			return 1
		}
		print(ifc)
		return 0
	}
	names := map[string]bool{}
	for n := range stats {
		names[n] = true
	}
	for _, n := range ifconfNames(fd) {
		names[n] = true
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Slice(list, func(i, j int) bool { return nstrcmp(list[i], list[j]) < 0 })
	status := 0
	for _, n := range list {
		ifc := &iface{name: n}
		if s, ok := stats[n]; ok {
			*ifc = s
		}
		if err := fetchIface(fd, ifc); err != nil {
			w.Flush()
			fmt.Fprintf(env.Stderr, "%s: error fetching interface information: %s\n", n, ifaceErr(err))
			status = 1
			continue
		}
		if all || ifc.flags&unix.IFF_UP != 0 {
			print(ifc)
		}
	}
	return status
}

func ifaceErr(err error) string {
	if errors.Is(err, unix.ENODEV) {
		return "Device not found"
	}
	return tools.Reason(err)
}

// ifreq is struct ifreq: a name and a 24-byte union.
type ifreq struct {
	name [unix.IFNAMSIZ]byte
	data [24]byte
}

func ioctlIfreq(fd int, req uint, name string) (*ifreq, error) {
	var r ifreq
	copy(r.name[:unix.IFNAMSIZ-1], name)
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&r))); e != 0 {
		return nil, e
	}
	return &r, nil
}

// sockaddrIPv4 is the address of a struct sockaddr_in at the start of the union.
func (r *ifreq) sockaddrIPv4() net.IP {
	return net.IPv4(r.data[4], r.data[5], r.data[6], r.data[7]).To4()
}

func (r *ifreq) int32() int32 { return int32(binary.NativeEndian.Uint32(r.data[:4])) }

// fetchIface fills ifc from the kernel's answers to the ioctls net-tools sends.
func fetchIface(fd int, ifc *iface) error {
	r, err := ioctlIfreq(fd, unix.SIOCGIFFLAGS, ifc.name)
	if err != nil {
		return err
	}
	ifc.flags = binary.NativeEndian.Uint16(r.data[:2])
	if r, err := ioctlIfreq(fd, unix.SIOCGIFHWADDR, ifc.name); err == nil {
		ifc.hwType = binary.NativeEndian.Uint16(r.data[:2])
		copy(ifc.hwAddr[:], r.data[2:10])
	}
	if r, err := ioctlIfreq(fd, unix.SIOCGIFMTU, ifc.name); err == nil {
		ifc.mtu = r.int32()
	}
	if r, err := ioctlIfreq(fd, unix.SIOCGIFMAP, ifc.name); err == nil {
		// struct ifmap: unsigned long mem_start, mem_end; unsigned short base_addr;
		// unsigned char irq, dma, port (64-bit layout: every architecture of the image).
		if unsafe.Sizeof(uintptr(0)) == 8 {
			ifc.mapMemStart, ifc.mapMemEnd = binary.NativeEndian.Uint64(r.data[0:8]), binary.NativeEndian.Uint64(r.data[8:16])
			ifc.mapBaseAddr, ifc.mapIRQ, ifc.mapDMA = binary.NativeEndian.Uint16(r.data[16:18]), r.data[18], r.data[19]
		} else {
			ifc.mapMemStart, ifc.mapMemEnd = uint64(binary.NativeEndian.Uint32(r.data[0:4])), uint64(binary.NativeEndian.Uint32(r.data[4:8]))
			ifc.mapBaseAddr, ifc.mapIRQ, ifc.mapDMA = binary.NativeEndian.Uint16(r.data[8:10]), r.data[10], r.data[11]
		}
	}
	if r, err := ioctlIfreq(fd, unix.SIOCGIFTXQLEN, ifc.name); err == nil {
		ifc.txqlen, ifc.hasTxqlen = r.int32(), true
	}
	if r, err := ioctlIfreq(fd, unix.SIOCGIFADDR, ifc.name); err == nil {
		ifc.hasIPv4, ifc.addr = true, r.sockaddrIPv4()
		ifc.dstaddr, ifc.broadaddr, ifc.netmask = net.IPv4zero, net.IPv4zero, net.IPv4zero
		if r, err := ioctlIfreq(fd, unix.SIOCGIFDSTADDR, ifc.name); err == nil {
			ifc.dstaddr = r.sockaddrIPv4()
		}
		if r, err := ioctlIfreq(fd, unix.SIOCGIFBRDADDR, ifc.name); err == nil {
			ifc.broadaddr = r.sockaddrIPv4()
		}
		if r, err := ioctlIfreq(fd, unix.SIOCGIFNETMASK, ifc.name); err == nil {
			ifc.netmask = r.sockaddrIPv4()
		}
	}
	return nil
}

// ifconfNames lists the interfaces that have an IPv4 address, by their labels (an alias
// such as eth0:1 is only found here), with SIOCGIFCONF.
func ifconfNames(fd int) []string {
	const size = unix.IFNAMSIZ + 24
	for n := 30; n < 1<<16; n *= 2 {
		buf := make([]byte, n*size)
		// struct ifconf: int ifc_len; (padding); char *ifc_buf.
		var conf struct {
			len int32
			_   int32
			buf uintptr
		}
		conf.len, conf.buf = int32(len(buf)), uintptr(unsafe.Pointer(&buf[0]))
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCGIFCONF, uintptr(unsafe.Pointer(&conf))); e != 0 {
			return nil
		}
		if int(conf.len) == len(buf) {
			continue // it may have overflowed: ask again with more room
		}
		var names []string
		for off := 0; off+size <= int(conf.len); off += size {
			names = append(names, cstr(buf[off:off+unix.IFNAMSIZ]))
		}
		return names
	}
	return nil
}

// readNetDev reads the interfaces and their counters from /proc/net/dev.
func readNetDev() (map[string]iface, error) {
	f, err := os.Open("/proc/net/dev")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]iface{}
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		if i < 2 {
			continue
		}
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var v [16]uint64
		for j, field := range strings.Fields(rest) {
			if j < len(v) {
				v[j], _ = strconv.ParseUint(field, 10, 64)
			}
		}
		ifc := iface{name: strings.TrimSpace(name), hasStats: true,
			rxBytes: v[0], rxPackets: v[1], rxErrs: v[2], rxDrop: v[3], rxFifo: v[4], rxFrame: v[5], rxCompressed: v[6],
			txBytes: v[8], txPacket: v[9], txErrs: v[10], txDrop: v[11], txFifo: v[12], txColls: v[13], txCarrier: v[14], txCompressed: v[15]}
		out[ifc.name] = ifc
	}
	return out, sc.Err()
}

// inet6Addr is one line of /proc/net/if_inet6.
type inet6Addr struct {
	dev          string
	addr         net.IP
	prefix, scop int
}

func readIfInet6() []inet6Addr {
	data, err := os.ReadFile("/proc/net/if_inet6")
	if err != nil {
		return nil
	}
	var out []inet6Addr
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		a, err := hex.DecodeString(f[0])
		if err != nil || len(a) != 16 {
			continue
		}
		plen, _ := strconv.ParseInt(f[2], 16, 32)
		scope, _ := strconv.ParseInt(f[3], 16, 32)
		out = append(out, inet6Addr{dev: f[5], addr: net.IP(a), prefix: int(plen), scop: int(scope)})
	}
	return out
}

// hwKind is net-tools' name, title and address printer of a hardware type.
func hwKind(t uint16) (name, title string, addr func([8]byte) string) {
	mac := func(a [8]byte) string { return net.HardwareAddr(a[:6]).String() }
	switch t {
	case unix.ARPHRD_ETHER:
		return "ether", "Ethernet", mac
	case unix.ARPHRD_LOOPBACK:
		return "loop", "Local Loopback", nil
	case unix.ARPHRD_SIT:
		return "sit", "IPv6-in-IPv4", nil
	case unix.ARPHRD_TUNNEL:
		return "tunnel", "IPIP Tunnel", func([8]byte) string { return "" }
	case unix.ARPHRD_PPP:
		return "ppp", "Point-to-Point Protocol", nil
	case unix.ARPHRD_SLIP:
		return "slip", "Serial Line IP", nil
	case unix.ARPHRD_CSLIP:
		return "cslip", "VJ Serial Line IP", nil
	case unix.ARPHRD_INFINIBAND:
		return "infiniband", "InfiniBand", func(a [8]byte) string { return hexBytes(a, 20, ":") }
	}
	// unspec: the 16 bytes of a struct sockaddr's data, as net-tools prints them.
	return "unspec", "UNSPEC", func(a [8]byte) string { return hexBytes(a, 16, "-") }
}

// hexBytes prints n bytes of a hardware address as net-tools does for the types it has no
// printer of their own for: the kernel gives 8, the rest are zeros.
func hexBytes(a [8]byte, n int, sep string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		c := byte(0)
		if i < len(a) {
			c = a[i]
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	return b.String()
}

var ifaceFlagNames = []struct {
	bit  uint16
	name string
}{
	{unix.IFF_UP, "UP"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_LOOPBACK, "LOOPBACK"},
	{unix.IFF_POINTOPOINT, "POINTOPOINT"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_RUNNING, "RUNNING"},
	{unix.IFF_NOARP, "NOARP"}, {unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_ALLMULTI, "ALLMULTI"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_MASTER, "MASTER"}, {unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_DYNAMIC, "DYNAMIC"},
}

func writeIfaceLong(w io.Writer, ifc *iface, v6 []inet6Addr) {
	var names []string
	for _, f := range ifaceFlagNames {
		if ifc.flags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	fmt.Fprintf(w, "%s: flags=%d<%s>  mtu %d\n", ifc.name, ifc.flags, strings.Join(names, ","), ifc.mtu)
	if ifc.hasIPv4 {
		fmt.Fprintf(w, "        inet %s  netmask %s", ifc.addr, ifc.netmask)
		if ifc.flags&unix.IFF_BROADCAST != 0 {
			fmt.Fprintf(w, "  broadcast %s", ifc.broadaddr)
		}
		if ifc.flags&unix.IFF_POINTOPOINT != 0 {
			fmt.Fprintf(w, "  destination %s", ifc.dstaddr)
		}
		fmt.Fprintln(w)
	}
	for _, a := range v6 {
		if a.dev != ifc.name {
			continue
		}
		fmt.Fprintf(w, "        inet6 %s  prefixlen %d  scopeid 0x%x", a.addr, a.prefix, a.scop)
		var scopes []string
		scope := a.scop
		if scope&0x0080 != 0 {
			scopes = append(scopes, "compat")
			scope -= 0x0080
		}
		if scope == 0 {
			scopes = append(scopes, "global")
		}
		for _, s := range []struct {
			bit  int
			name string
		}{{0x0020, "link"}, {0x0040, "site"}, {0x0010, "host"}} {
			if scope&s.bit != 0 {
				scopes = append(scopes, s.name)
			}
		}
		if len(scopes) > 0 {
			fmt.Fprintf(w, "<%s>", strings.Join(scopes, ","))
		}
		fmt.Fprintln(w)
	}
	name, title, addr := hwKind(ifc.hwType)
	if addr != nil {
		fmt.Fprintf(w, "        %s %s", name, addr(ifc.hwAddr))
	} else {
		fmt.Fprintf(w, "        %s", name)
	}
	if ifc.hasTxqlen {
		fmt.Fprintf(w, "  txqueuelen %d", ifc.txqlen)
	}
	fmt.Fprintf(w, "  (%s)\n", title)
	if ifc.hasStats {
		compress := ifc.hwType == unix.ARPHRD_CSLIP || ifc.hwType == unix.ARPHRD_CSLIP6
		fmt.Fprintf(w, "        RX packets %d  bytes %d (%s)\n", ifc.rxPackets, ifc.rxBytes, humanize.NetTools(ifc.rxBytes))
		if compress {
			fmt.Fprintf(w, "        RX compressed:%d\n", ifc.rxCompressed)
		}
		fmt.Fprintf(w, "        RX errors %d  dropped %d  overruns %d  frame %d\n", ifc.rxErrs, ifc.rxDrop, ifc.rxFifo, ifc.rxFrame)
		fmt.Fprintf(w, "        TX packets %d  bytes %d (%s)\n", ifc.txPacket, ifc.txBytes, humanize.NetTools(ifc.txBytes))
		if compress {
			fmt.Fprintf(w, "        TX compressed %d\n", ifc.txCompressed)
		}
		fmt.Fprintf(w, "        TX errors %d  dropped %d overruns %d  carrier %d  collisions %d\n",
			ifc.txErrs, ifc.txDrop, ifc.txFifo, ifc.txCarrier, ifc.txColls)
	}
	if ifc.mapIRQ != 0 || ifc.mapMemStart != 0 || ifc.mapDMA != 0 || ifc.mapBaseAddr >= 0x100 {
		fmt.Fprint(w, "        device ")
		if ifc.mapIRQ != 0 {
			fmt.Fprintf(w, "interrupt %d  ", ifc.mapIRQ)
		}
		if ifc.mapBaseAddr >= 0x100 {
			fmt.Fprintf(w, "base 0x%x  ", ifc.mapBaseAddr)
		}
		if ifc.mapMemStart != 0 {
			fmt.Fprintf(w, "memory 0x%x-%x  ", ifc.mapMemStart, ifc.mapMemEnd)
		}
		if ifc.mapDMA != 0 {
			fmt.Fprintf(w, "  dma 0x%x", ifc.mapDMA)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func writeIfaceShort(w io.Writer, ifc *iface) {
	name := ifc.name
	if len(name) > 15 {
		name = name[:15]
	}
	fmt.Fprintf(w, "%-15s %5d ", name, ifc.mtu)
	if ifc.hasStats {
		fmt.Fprintf(w, "%8d %6d %6d %-6d ", ifc.rxPackets, ifc.rxErrs, ifc.rxDrop, ifc.rxFifo)
		fmt.Fprintf(w, "%8d %6d %6d %6d ", ifc.txPacket, ifc.txErrs, ifc.txDrop, ifc.txFifo)
	} else {
		fmt.Fprintf(w, "%-56s", "     - no statistics available -")
	}
	if ifc.flags == 0 {
		fmt.Fprint(w, "[NO FLAGS]")
	}
	for _, f := range []struct {
		bit uint16
		c   string
	}{{unix.IFF_ALLMULTI, "A"}, {unix.IFF_BROADCAST, "B"}, {unix.IFF_DEBUG, "D"}, {unix.IFF_LOOPBACK, "L"},
		{unix.IFF_MULTICAST, "M"}, {unix.IFF_DYNAMIC, "d"}, {unix.IFF_PROMISC, "P"}, {unix.IFF_NOTRAILERS, "N"},
		{unix.IFF_NOARP, "O"}, {unix.IFF_POINTOPOINT, "P"}, {unix.IFF_SLAVE, "s"}, {unix.IFF_MASTER, "m"},
		{unix.IFF_RUNNING, "R"}, {unix.IFF_UP, "U"}} {
		if ifc.flags&f.bit != 0 {
			fmt.Fprint(w, f.c)
		}
	}
	fmt.Fprintln(w)
}

// nstrcmp orders interface names as net-tools does: by the name without its trailing
// number, then by that number (eth2 before eth10), then by alias number (eth0 before eth0:1).
func nstrcmp(a, b string) int {
	cutAlias := func(s string) (string, int) {
		i := strings.LastIndexByte(s, ':')
		if i >= 0 && i < len(s)-1 {
			if n, err := strconv.Atoi(s[i+1:]); err == nil {
				return s[:i], n
			}
		}
		return s, -1
	}
	a, aAlias := cutAlias(a)
	b, bAlias := cutAlias(b)
	digits := func(s string) int {
		i := len(s)
		for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			i--
		}
		return i
	}
	ai, bi := digits(a), digits(b)
	if c := strings.Compare(a[:min(ai, bi)], b[:min(ai, bi)]); c != 0 {
		return c
	}
	if ai != bi {
		if ai > bi {
			return 1
		}
		return -1
	}
	an, _ := strconv.Atoi(a[ai:])
	bn, _ := strconv.Atoi(b[bi:])
	if an != bn {
		if an < bn {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a, b); c != 0 {
		return c
	}
	switch {
	case aAlias < bAlias:
		return -1
	case aAlias > bAlias:
		return 1
	}
	return 0
}
