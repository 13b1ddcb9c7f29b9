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
	"os"
	"strings"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Tcpdump is tcpdump [-nSv] [-c COUNT] [-i IFACE|any] [-s SNAPLEN] [-w FILE|-] [-r FILE|-]
// [EXPRESSION]: capture packets with an AF_PACKET socket, filtered in the kernel by the
// expression compiled to classic BPF (see pktfilter.go), and print tcpdump's one-line
// summary of each, or write them as a pcap file.
//
//	-i IFACE      one interface, or any (a cooked capture of all); default: the first up
//	              interface that is not a loopback, as tcpdump picks
//	-c COUNT      stop after COUNT packets;   -s SNAPLEN: bytes kept of each (262144)
//	-w FILE       write a pcap file (- is stdout) instead of summaries
//	-r FILE       read a pcap file (- is stdin) instead of capturing
//	-d, -ddd      print the compiled filter (ours / as decimal numbers) and exit
//	-D            list the interfaces;  -p: no promiscuous mode;  -S: absolute sequence numbers
//	-n, -nn, -l   accepted: output is always numeric and written line by line
//	-v            the IP header too
var Tcpdump = tools.Applet{Name: "tcpdump", Summary: "capture packets, print summaries or write pcap (tcpdump)", Run: runTcpdump}

const tcpdumpUsage = `tcpdump [-DdnpSv] [-c COUNT] [-i IFACE|any] [-s SNAPLEN] [-w FILE|-] [-r FILE|-] [EXPRESSION]
Capture packets on an interface (-i; "any" for all, the default is the first up interface that is
not a loopback) and print a line for each as tcpdump does (numeric), or write them to a pcap file
(-w; - is stdout: tcpdump -w - port 80 | wireshark -k -i -). -r reads a pcap file instead.
EXPRESSION is pcap-filter's common part: [src|dst] host ADDR, [src|dst] net NET[/LEN],
[tcp|udp] [src|dst] port N, portrange N-M, ip ip6 arp tcp udp icmp icmp6, ip proto N,
greater N, less N, joined with and, or, not and parentheses. It is compiled to classic BPF and
attached to the socket, so only matching packets leave the kernel.
Capturing needs CAP_NET_RAW (kubectl ddebug --profile=netadmin, or ddebug exec as root).`

const defaultSnaplen = 262144

type tcpdumpOptions struct {
	iface, write, read string
	count, snaplen     int
	dump               int
	verbose, absolute  bool
	noPromisc          bool
	expr               string
}

func runTcpdump(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("tcpdump", tcpdumpUsage)
	var o tcpdumpOptions
	iface, ifaceGiven := fs.StringSet('i', "interface", "")
	count, snaplen := fs.Int('c', "", 0), fs.Int('s', "snapshot-length", defaultSnaplen)
	write, read := fs.String('w', "", ""), fs.String('r', "", "")
	dump, list := fs.Count('d', ""), fs.Bool('D', "list-interfaces")
	verbose, absolute := fs.Count('v', ""), fs.Bool('S', "absolute-tcp-sequence-numbers")
	noPromisc := fs.Bool('p', "no-promiscuous-mode")
	fs.Count('n', "")
	fs.Bool('l', "")
	fs.Bool('U', "packet-buffered")
	ops, code := fs.Parse(env, args[1:])
	if code >= 0 {
		return code
	}
	o = tcpdumpOptions{iface: *iface, write: *write, read: *read, count: *count, snaplen: *snaplen, dump: *dump,
		verbose: *verbose > 0, absolute: *absolute, noPromisc: *noPromisc, expr: strings.Join(ops, " ")}
	if o.snaplen <= 0 || o.snaplen > defaultSnaplen {
		o.snaplen = defaultSnaplen
	}
	if o.count < 0 {
		env.Errorf("tcpdump", "invalid packet count %d", o.count)
		return 1
	}
	if *list {
		return listCaptureInterfaces(env)
	}
	if o.read != "" {
		return tcpdumpRead(ctx, env, o)
	}
	if !*ifaceGiven {
		o.iface = defaultCaptureInterface()
	}
	return tcpdumpCapture(ctx, env, o)
}

// defaultCaptureInterface is the first up interface that is not a loopback, else any.
func defaultCaptureInterface() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return "any"
	}
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagRunning != 0 && i.Flags&net.FlagLoopback == 0 {
			return i.Name
		}
	}
	return "any"
}

func listCaptureInterfaces(env *tools.Env) int {
	ifs, err := net.Interfaces()
	if err != nil {
		env.Errorf("tcpdump", "listing interfaces: %v", err)
		return 1
	}
	n := 0
	line := func(name, what string, f net.Flags) {
		n++
		var st []string
		if f&net.FlagUp != 0 {
			st = append(st, "Up")
		}
		if f&net.FlagRunning != 0 {
			st = append(st, "Running")
		}
		if f&net.FlagLoopback != 0 {
			st = append(st, "Loopback")
		}
		if len(st) == 0 {
			st = append(st, "none")
		}
		fmt.Fprintf(env.Stdout, "%d.%s%s [%s]\n", n, name, what, strings.Join(st, ", "))
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback == 0 {
			line(i.Name, "", i.Flags)
		}
	}
	line("any", " (Pseudo-device that captures on all interfaces)", net.FlagUp|net.FlagRunning)
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 {
			line(i.Name, "", i.Flags)
		}
	}
	return 0
}

// linkTypeName is tcpdump's name and description of a link type.
func linkTypeName(t uint32) string {
	switch t {
	case linkEthernet:
		return "EN10MB (Ethernet)"
	case linkRaw:
		return "RAW (Raw IP)"
	case linkSLL:
		return "LINUX_SLL (Linux cooked v1)"
	case linkSLL2:
		return "LINUX_SLL2 (Linux cooked v2)"
	}
	return fmt.Sprintf("%d", t)
}

// printFilter writes the program as tcpdump -d (our wording) or -ddd (decimal) does.
func printFilter(w io.Writer, prog []bpf.Instruction, level int) error {
	if prog == nil {
		prog = []bpf.Instruction{bpf.RetConstant{Val: defaultSnaplen}}
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return err
	}
	if level >= 3 {
		fmt.Fprintln(w, len(raw))
		for _, r := range raw {
			fmt.Fprintf(w, "%d %d %d %d\n", r.Op, r.Jt, r.Jf, r.K)
		}
		return nil
	}
	if level == 2 {
		for _, r := range raw {
			fmt.Fprintf(w, "{ 0x%x, %d, %d, 0x%08x },\n", r.Op, r.Jt, r.Jf, r.K)
		}
		return nil
	}
	for i, ins := range prog {
		fmt.Fprintf(w, "(%03d) %v\n", i, ins)
	}
	return nil
}

// tcpdumpOutput is where packets go: summaries to stdout, or a pcap file.
type tcpdumpOutput struct {
	env     *tools.Env
	out     *bufio.Writer
	pcap    *pcapWriter
	closer  io.Closer
	printer *pktPrinter
	link    uint32
}

func openTcpdumpOutput(env *tools.Env, o tcpdumpOptions, link uint32) (*tcpdumpOutput, error) {
	t := &tcpdumpOutput{env: env, out: bufio.NewWriter(env.Stdout), link: link}
	if o.write == "" {
		t.printer = newPktPrinter(o.verbose)
		t.printer.absolute = o.absolute
		return t, nil
	}
	var w io.Writer = env.Stdout
	if o.write != "-" {
		f, err := os.Create(env.Abs(o.write))
		if err != nil {
			return nil, fmt.Errorf("%s: %s", o.write, tools.Reason(err))
		}
		w, t.closer = f, f
	}
	pw, err := newPcapWriter(w, link, o.snaplen)
	if err != nil {
		return nil, err
	}
	t.pcap = pw
	return t, nil
}

// Packet writes one packet and flushes it: a pipe reader (wireshark -k -i -) sees each
// packet as it comes.
func (t *tcpdumpOutput) Packet(at time.Time, data []byte, origLen int) error {
	if t.pcap != nil {
		if err := t.pcap.WritePacket(at, data, origLen); err != nil {
			return err
		}
		return t.pcap.Flush()
	}
	t.out.WriteString(t.printer.Line(at, data, t.link))
	t.out.WriteByte('\n')
	return t.out.Flush()
}

func (t *tcpdumpOutput) Close() error {
	var err error
	if t.pcap != nil {
		err = t.pcap.Flush()
	}
	if t.closer != nil {
		if cerr := t.closer.Close(); err == nil {
			err = cerr
		}
	}
	if ferr := t.out.Flush(); err == nil {
		err = ferr
	}
	return err
}

func tcpdumpRead(ctx context.Context, env *tools.Env, o tcpdumpOptions) int {
	var r io.Reader = env.Stdin
	if o.read != "-" {
		f, err := os.Open(env.Abs(o.read))
		if err != nil {
			env.Errorf("tcpdump", "%s: %s", o.read, tools.Reason(err))
			return 1
		}
		defer f.Close()
		r = f
	}
	pr, err := newPcapReader(r)
	if err != nil {
		env.Errorf("tcpdump", "%s: %v", o.read, err)
		return 1
	}
	var prog []bpf.Instruction
	if o.expr != "" || o.dump > 0 {
		l, err := layoutOf(pr.LinkType)
		if err != nil {
			env.Errorf("tcpdump", "%s: %v", o.read, err)
			return 1
		}
		if prog, err = compileFilter(ctx, o.expr, l); err != nil {
			env.Errorf("tcpdump", "%v", err)
			return 1
		}
	}
	if o.dump > 0 {
		if err := printFilter(env.Stdout, prog, o.dump); err != nil {
			env.Errorf("tcpdump", "%v", err)
			return 1
		}
		return 0
	}
	var vm *bpf.VM
	if prog != nil {
		if vm, err = bpf.NewVM(prog); err != nil {
			env.Errorf("tcpdump", "%v", err)
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "reading from file %s, link-type %s, snapshot length %d\n", o.read, linkTypeName(pr.LinkType), pr.Snaplen)
	out, err := openTcpdumpOutput(env, o, pr.LinkType)
	if err != nil {
		env.Errorf("tcpdump", "%v", err)
		return 1
	}
	n := 0
	for ctx.Err() == nil && (o.count == 0 || n < o.count) {
		at, data, origLen, err := pr.ReadPacket()
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Close()
			env.Errorf("tcpdump", "pcap_loop: %v", err)
			return 1
		}
		if vm != nil {
			if keep, err := vm.Run(data); err != nil || keep == 0 {
				continue
			}
		}
		n++
		if err := out.Packet(at, data, origLen); err != nil {
			out.Close()
			env.Errorf("tcpdump", "%s", tools.Reason(err))
			return 1
		}
	}
	if err := out.Close(); err != nil {
		env.Errorf("tcpdump", "%s", tools.Reason(err))
		return 1
	}
	return 0
}

// errNoPacketSocket says what capturing lacks.
var errNoPacketSocket = errors.New("capturing needs CAP_NET_RAW, which this process lacks: use kubectl ddebug --profile=netadmin, or ddebug exec as root")

// packetCapture is an AF_PACKET socket bound to one interface or all.
type packetCapture struct {
	fd, wake int
	stop     func() bool
	cooked   bool // SOCK_DGRAM: the kernel strips link headers, we write SLL2 ones
	link     uint32
	loIndex  int // lo's index: its outgoing copies are dropped, as libpcap does
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// openCapture opens the socket for iface ("any" for all) with the filter expression.
func openCapture(ctx context.Context, o tcpdumpOptions) (*packetCapture, []bpf.Instruction, error) {
	c := &packetCapture{fd: -1, wake: -1, link: linkEthernet, loIndex: -1}
	index := 0
	if o.iface == "any" {
		c.cooked, c.link = true, linkSLL2
	} else {
		ifi, err := net.InterfaceByName(o.iface)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: No such device exists", o.iface)
		}
		index = ifi.Index
		if ifi.Flags&net.FlagLoopback == 0 && len(ifi.HardwareAddr) != 6 {
			c.cooked, c.link = true, linkSLL2 // not Ethernet-like (tun, WireGuard, ...): cooked
		}
	}
	if ifs, err := net.Interfaces(); err == nil {
		for _, i := range ifs {
			if i.Flags&net.FlagLoopback != 0 {
				c.loIndex = i.Index
			}
		}
	}
	layout, _ := layoutOf(linkEthernet)
	if c.cooked {
		layout = layoutKernelCooked()
	}
	prog, err := compileFilter(ctx, o.expr, layout)
	if err != nil {
		return nil, nil, err
	}
	if o.dump > 0 {
		return c, prog, nil
	}
	typ := unix.SOCK_RAW
	if c.cooked {
		typ = unix.SOCK_DGRAM
	}
	// Protocol 0 receives nothing until bind: the filter is in place before the first packet.
	c.fd, err = unix.Socket(unix.AF_PACKET, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, nil, errNoPacketSocket
		}
		return nil, nil, fmt.Errorf("socket: %w", err)
	}
	if prog != nil {
		raw, err := bpf.Assemble(prog)
		if err != nil {
			c.Close()
			return nil, nil, err
		}
		fp := make([]unix.SockFilter, len(raw))
		for i, r := range raw {
			fp[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
		}
		if err := unix.SetsockoptSockFprog(c.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(fp)), Filter: &fp[0]}); err != nil {
			c.Close()
			return nil, nil, fmt.Errorf("attaching the filter: %w", err)
		}
	}
	if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("asking for time stamps: %w", err)
	}
	if err := unix.Bind(c.fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("bind %s: %w", o.iface, err)
	}
	if index != 0 && !o.noPromisc {
		mr := unix.PacketMreq{Ifindex: int32(index), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(c.fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mr); err != nil {
			c.Close()
			return nil, nil, fmt.Errorf("promiscuous mode on %s: %w", o.iface, err)
		}
	}
	if c.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("eventfd: %w", err)
	}
	wake := c.wake
	c.stop = context.AfterFunc(ctx, func() { unix.Write(wake, []byte{1, 0, 0, 0, 0, 0, 0, 0}) })
	return c, prog, nil
}

func (c *packetCapture) Close() {
	if c.stop != nil {
		c.stop()
	}
	if c.fd >= 0 {
		unix.Close(c.fd)
	}
	if c.wake >= 0 {
		unix.Close(c.wake)
	}
}

// Next waits for the next packet; ok is false when the context ended.
func (c *packetCapture) Next(buf, oob []byte, snaplen int) (at time.Time, data []byte, origLen int, ok bool, err error) {
	hdr := 0
	if c.cooked {
		hdr = 20
	}
	for {
		fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}, {Fd: int32(c.wake), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, -1); err != nil && err != unix.EINTR {
			return at, nil, 0, false, fmt.Errorf("poll: %w", err)
		}
		if fds[1].Revents != 0 {
			return at, nil, 0, false, nil
		}
		if fds[0].Revents == 0 {
			continue
		}
		n, oobn, _, from, err := unix.Recvmsg(c.fd, buf[hdr:], oob, unix.MSG_TRUNC|unix.MSG_DONTWAIT)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue
		}
		if err != nil {
			return at, nil, 0, false, fmt.Errorf("recvmsg: %w", err)
		}
		sll, _ := from.(*unix.SockaddrLinklayer)
		if sll != nil && sll.Pkttype == unix.PACKET_OUTGOING && sll.Ifindex == c.loIndex {
			continue // lo's packets are seen going out and coming in: keep one
		}
		at = time.Now()
		if cmsgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
			for _, m := range cmsgs {
				if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SO_TIMESTAMPNS && len(m.Data) >= 16 {
					at = time.Unix(int64(binary.NativeEndian.Uint64(m.Data)), int64(binary.NativeEndian.Uint64(m.Data[8:])))
				}
			}
		}
		origLen = n + hdr
		caplen := min(n, len(buf)-hdr) + hdr
		if c.cooked && sll != nil {
			h := buf[:20]
			clear(h)
			binary.NativeEndian.PutUint16(h[0:], sll.Protocol) // kept in network order
			binary.BigEndian.PutUint32(h[4:], uint32(sll.Ifindex))
			binary.BigEndian.PutUint16(h[8:], sll.Hatype)
			h[10], h[11] = sll.Pkttype, min(sll.Halen, 8)
			copy(h[12:20], sll.Addr[:min(sll.Halen, 8)])
		}
		return at, buf[:min(caplen, snaplen)], origLen, true, nil
	}
}

func tcpdumpCapture(ctx context.Context, env *tools.Env, o tcpdumpOptions) int {
	c, prog, err := openCapture(ctx, o)
	if err != nil {
		env.Errorf("tcpdump", "%v", err)
		return 1
	}
	defer c.Close()
	if o.dump > 0 {
		if err := printFilter(env.Stdout, prog, o.dump); err != nil {
			env.Errorf("tcpdump", "%v", err)
			return 1
		}
		return 0
	}
	out, err := openTcpdumpOutput(env, o, c.link)
	if err != nil {
		env.Errorf("tcpdump", "%v", err)
		return 1
	}
	if !o.verbose && o.write == "" {
		fmt.Fprintln(env.Stderr, "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode")
	} else {
		fmt.Fprint(env.Stderr, "tcpdump: ")
	}
	fmt.Fprintf(env.Stderr, "listening on %s, link-type %s, snapshot length %d bytes\n", o.iface, linkTypeName(c.link), o.snaplen)
	buf, oob := make([]byte, defaultSnaplen+20), make([]byte, 128)
	n := 0
	for o.count == 0 || n < o.count {
		at, data, origLen, ok, err := c.Next(buf, oob, o.snaplen)
		if err != nil {
			out.Close()
			env.Errorf("tcpdump", "%v", err)
			return 1
		}
		if !ok {
			break
		}
		n++
		if err := out.Packet(at, data, origLen); err != nil {
			out.Close()
			env.Errorf("tcpdump", "%s", tools.Reason(err))
			return 1
		}
	}
	if err := out.Close(); err != nil {
		env.Errorf("tcpdump", "%s", tools.Reason(err))
		return 1
	}
	st, _ := unix.GetsockoptTpacketStats(c.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	var received, dropped uint32
	if st != nil {
		received, dropped = st.Packets, st.Drops
	}
	fmt.Fprintf(env.Stderr, "%d %s captured\n%d %s received by filter\n%d %s dropped by kernel\n",
		n, plural(n, "packet"), received, plural(int(received), "packet"), dropped, plural(int(dropped), "packet"))
	return 0
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
