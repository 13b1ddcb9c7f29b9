//go:build linux

package netx

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Arp is arp [-anev] [-i IFACE] [-H TYPE] [HOST]: show the kernel's IPv4 neighbour (ARP)
// cache as net-tools' arp does, from /proc/net/arp: the same table `ip neigh` shows.
//
//	-a            BSD style: "host (10.0.0.1) at 02:42:..:.. [ether] on eth0"
//	-e            the table (the default)
//	-n            numeric: no reverse lookups
//	-i IFACE      only entries of IFACE;  -H TYPE: only of that hardware type (ether)
//	-v            count the entries shown and skipped
//
// Changing the cache (-s, -d, -f) is refused: this arp reads.
var Arp = tools.Applet{Name: "arp", Summary: "show the ARP cache (read-only net-tools arp)", Run: runArp}

const arpUsage = `arp [-anev] [-i IFACE] [-H ether] [HOST]
Show the IPv4 neighbour (ARP) cache of the current network namespace as net-tools' arp does:
a table by default (-e), BSD style with -a; -n leaves names unresolved.
Read-only: -s, -d and -f are refused.`

// arpEntry is one line of /proc/net/arp.
type arpEntry struct {
	ip, hwAddr, mask, dev string
	hwType, flags         int
}

// The ATF_ flags of /proc/net/arp.
const (
	atfCom        = 0x02
	atfPerm       = 0x04
	atfPubl       = 0x08
	atfUseTrailer = 0x10
	atfNetmask    = 0x20
	atfDontPub    = 0x40
	atfMagic      = 0x80
)

// arpProcPath is the kernel's ARP table; tests point it at a file of their own.
var arpProcPath = "/proc/net/arp"

func readArp() ([]arpEntry, error) {
	f, err := os.Open(arpProcPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []arpEntry
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		fl := strings.Fields(sc.Text())
		if len(fl) < 5 {
			break
		}
		e := arpEntry{ip: fl[0], mask: "-", dev: "-"}
		t, _ := strconv.ParseInt(strings.TrimPrefix(fl[1], "0x"), 16, 32)
		fg, _ := strconv.ParseInt(strings.TrimPrefix(fl[2], "0x"), 16, 32)
		e.hwType, e.flags = int(t), int(fg)
		if len(fl) == 5 { // an incomplete entry without a hardware address
			e.mask, e.dev = fl[3], fl[4]
		} else {
			e.hwAddr, e.mask, e.dev = fl[3], fl[4], fl[5]
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// arpHWName is net-tools' name of an ARP hardware type (ether for what it does not know).
func arpHWName(t int) string {
	name, _, _ := hwKind(uint16(t))
	if name == "unspec" {
		return "ether"
	}
	return name
}

func runArp(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("arp", arpUsage)
	bsd, table := fs.Bool('a', "all"), fs.Bool('e', "")
	numeric, verbose := fs.Bool('n', "numeric"), fs.Bool('v', "verbose")
	device := fs.String('i', "device", "")
	hwType := fs.String('H', "hw-type", "")
	fs.Func('t', "", func(v string) error { *hwType = v; return nil })
	proto := fs.String('A', "protocol", "inet")
	fs.Func('p', "", func(v string) error { *proto = v; return nil })
	set, del, file := fs.Bool('s', "set"), fs.Bool('d', "delete"), fs.Bool('f', "file")
	fs.Bool('D', "use-device")
	ops, code := fs.Parse(env, args[1:])
	if code >= 0 {
		return code
	}
	if *set || *del || *file {
		env.Errorf("arp", "changing the ARP cache is not supported: this arp only shows it")
		return 1
	}
	if *proto != "inet" {
		env.Errorf("arp", "%s: kernel only supports 'inet'.", *proto)
		return 255
	}
	wantType := -1
	if *hwType != "" {
		if *hwType != "ether" {
			env.Errorf("arp", "%s: unknown hardware type.", *hwType)
			return 255
		}
		wantType = 1 // ARPHRD_ETHER
	}
	if len(ops) > 1 {
		env.Errorf("arp", "too many arguments: %s", strings.Join(ops[1:], " "))
		return 2
	}
	host, hostIP := "", ""
	if len(ops) == 1 {
		host = ops[0]
		ip := net.ParseIP(host).To4()
		if ip == nil {
			ips, err := net.DefaultResolver.LookupIP(ctx, "ip4", host)
			if err != nil || len(ips) == 0 {
				fmt.Fprintf(env.Stderr, "%s: Unknown host\n", host)
				return 255
			}
			ip = ips[0]
		}
		hostIP = ip.String()
	}
	entries, err := readArp()
	if err != nil {
		env.Errorf("arp", "%s: %s", arpProcPath, tools.Reason(err))
		return 255
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	names := map[string]string{}
	resolve := func(ip string) string {
		if *numeric {
			return "?"
		}
		if n, ok := names[ip]; ok {
			return n
		}
		n := "?"
		a := net.ParseIP(ip).To4()
		switch {
		case a == nil:
		case a.Equal(net.IPv4zero):
			n = "default"
		case a[3] != 0: // net-tools takes x.y.z.0 for a network and looks it up in /etc/networks
			if hosts, err := net.DefaultResolver.LookupAddr(ctx, ip); err == nil && len(hosts) > 0 {
				n = strings.TrimSuffix(hosts[0], ".")
			}
		}
		names[ip] = n
		return n
	}
	shown, titled := 0, false
	for _, e := range entries {
		if (wantType >= 0 && e.hwType != wantType) || (hostIP != "" && e.ip != hostIP) || (*device != "" && e.dev != *device) {
			continue
		}
		shown++
		name := resolve(e.ip)
		if *bsd && !*table {
			writeArpBSD(w, name, e)
			continue
		}
		if !titled {
			fmt.Fprintln(w, "Address                  HWtype  HWaddress           Flags Mask            Iface")
			titled = true
		}
		if name == "?" {
			name = e.ip
		}
		writeArpTable(w, name, e)
	}
	if *verbose {
		fmt.Fprintf(w, "Entries: %d\tSkipped: %d\tFound: %d\n", len(entries), len(entries)-shown, shown)
	}
	if shown == 0 {
		switch {
		case hostIP != "" && !*bsd:
			fmt.Fprintf(w, "%s (%s) -- no entry\n", host, hostIP)
		case wantType >= 0 || hostIP != "" || *device != "":
			fmt.Fprintf(w, "arp: in %d entries no match found.\n", len(entries))
		}
	}
	return 0
}

// writeArpTable prints e as a line of arp -e's table, name in its first column.
func writeArpTable(w io.Writer, name string, e arpEntry) {
	var flags strings.Builder
	for _, f := range []struct {
		bit int
		c   string
	}{{atfCom, "C"}, {atfPerm, "M"}, {atfPubl, "P"}, {atfMagic, "A"}, {atfDontPub, "!"}, {atfUseTrailer, "T"}} {
		if e.flags&f.bit != 0 {
			flags.WriteString(f.c)
		}
	}
	mask := e.mask
	if e.flags&atfNetmask == 0 {
		mask = ""
	}
	fmt.Fprintf(w, "%-23.23s  ", name)
	switch {
	case e.flags&atfCom != 0:
		fmt.Fprintf(w, "%-8.8s%-20.20s", arpHWName(e.hwType), e.hwAddr)
	case e.flags&atfPubl != 0:
		fmt.Fprintf(w, "%-8.8s%-20.20s", "*", "<from_interface>")
	default:
		fmt.Fprintf(w, "%-8.8s%-20.20s", "", "(incomplete)")
	}
	fmt.Fprintf(w, "%-6.6s%-15.15s %s\n", flags.String(), mask, e.dev)
}

// writeArpBSD prints e as arp -a does.
func writeArpBSD(w io.Writer, name string, e arpEntry) {
	fmt.Fprintf(w, "%s (%s) at ", name, e.ip)
	switch {
	case e.flags&atfCom != 0:
		fmt.Fprintf(w, "%s [%s] ", e.hwAddr, arpHWName(e.hwType))
	case e.flags&atfPubl != 0:
		fmt.Fprint(w, "<from_interface> ")
	default:
		fmt.Fprint(w, "<incomplete> ")
	}
	if e.flags&atfNetmask != 0 {
		fmt.Fprintf(w, "netmask %s ", e.mask)
	}
	for _, f := range []struct {
		bit  int
		name string
	}{{atfPerm, "PERM"}, {atfPubl, "PUB"}, {atfMagic, "AUTO"}, {atfDontPub, "DONTPUB"}, {atfUseTrailer, "TRAIL"}} {
		if e.flags&f.bit != 0 {
			fmt.Fprint(w, f.name+" ")
		}
	}
	fmt.Fprintf(w, "on %s\n", e.dev)
}
