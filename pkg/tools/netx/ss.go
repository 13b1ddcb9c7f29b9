//go:build linux

package netx

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/proc/columns"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/proc/gnuflag"
	"github.com/prometheus/procfs"
)

func init() {
	tools.Register(tools.Applet{Name: "ss", Summary: "list sockets (ss -tlnp, -uan, -xl)", Run: runSS})
	tools.Register(tools.Applet{Name: "netstat", Summary: "list sockets the net-tools way (netstat -tlnp)", Run: runNetstat})
}

const ssUsage = `ss [-t] [-u] [-x] [-l|-a] [-n] [-p] [-e] [-4|-6] [-H] [-r] [FILTER]
Reads /proc/net of the current network namespace; -p maps sockets to processes by scanning
/proc/*/fd once. Without -t/-u/-x all kinds are shown. Inet sockets come from sock_diag
(/proc/net when netlink is refused; then Send-Q of a listener is 0).
FILTER: state STATE (established, listening, connected, time-wait, ...), sport/dport OP :PORT
(OP = != < > <= >=), src/dst ADDR[/LEN][:PORT], joined by and/or, "not" to negate.`

// sockOpts is what ss and netstat have in common.
type sockOpts struct {
	kinds              socketKinds
	listening, all     bool
	numeric, processes bool
	extended           bool
	only4, only6       bool
	filter             *ssFilter
}

func (o sockOpts) keep(s socket) bool {
	if o.only4 && s.family != 4 || o.only6 && s.family != 6 {
		return false
	}
	if !o.filter.match(s) {
		return false
	}
	switch {
	case o.all:
		return true
	case o.listening:
		return s.listener
	}
	return !s.listener && s.state != "UNCONN"
}

// collect reads the sockets and, with -p, their owners.
func (o sockOpts) collect() ([]socket, map[uint64][]fdOwner, error) {
	fsys, err := procfs.NewFS("/proc")
	if err != nil {
		return nil, nil, err
	}
	socks, err := readSockets(fsys, o.kinds)
	if err != nil {
		return nil, nil, err
	}
	kept := socks[:0]
	for _, s := range socks {
		if o.keep(s) {
			kept = append(kept, s)
		}
	}
	var owners map[uint64][]fdOwner
	if o.processes && len(kept) > 0 {
		owners = socketOwners(fsys)
	}
	return kept, owners, nil
}

func runSS(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("ss")
	var o sockOpts
	t, u, x := fs.Bool('t', "tcp"), fs.Bool('u', "udp"), fs.Bool('x', "unix")
	l, a := fs.Bool('l', "listening"), fs.Bool('a', "all")
	n, p, e := fs.Bool('n', "numeric"), fs.Bool('p', "processes"), fs.Bool('e', "extended")
	v4, v6 := fs.Bool('4', "ipv4"), fs.Bool('6', "ipv6")
	noHeader := fs.Bool('H', "no-header")
	fs.Bool('r', "resolve")
	fs.Bool('o', "options")
	fs.Bool('i', "info")
	fs.Bool('m', "memory")
	ops, err := fs.Parse(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, ssUsage)
	}
	if err != nil {
		env.Errorf("ss", "%v", err)
		return 2
	}
	filter, err := parseSSFilter(ops)
	if err != nil {
		env.Errorf("ss", "%v", err)
		return 2
	}
	o = sockOpts{kinds: socketKinds{*t, *u, *x}, listening: *l, all: *a, numeric: *n, processes: *p, extended: *e, only4: *v4, only6: *v6}
	if !*t && !*u && !*x {
		o.kinds = socketKinds{tcp: true, udp: true, unix: !*v4 && !*v6}
	}
	if filter != nil && filter.states != nil {
		o.all = true // the state filter decides
	}
	o.filter = filter
	socks, owners, err := o.collect()
	if err != nil {
		env.Errorf("ss", "%v", err)
		return 1
	}
	showNetid := 0
	for _, k := range []bool{o.kinds.tcp, o.kinds.udp, o.kinds.unix, o.kinds.unix} {
		if k {
			showNetid++ // unix counts twice: it has three netids of its own
		}
	}
	services := map[string]map[uint64]string{}
	if !*n {
		services["tcp"], services["udp"] = loadServices("tcp"), loadServices("udp")
	}
	tab := &columns.Table{HideHeader: *noHeader}
	header := []string{"State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process"}
	tab.Right = []bool{false, false, false, true, false, false}
	if showNetid > 1 {
		header = append([]string{"Netid"}, header...)
		tab.Right = append([]bool{false}, tab.Right...)
	}
	tab.Add(header...)
	for _, s := range socks {
		var local, peer string
		if s.family == 0 {
			path := s.path
			if path == "" {
				path = "*"
			}
			local, peer = path+" "+strconv.FormatUint(s.inode, 10), "* 0"
		} else {
			local = hostPort(s.local, s.lport, s.family, services[s.netid])
			peer = hostPort(s.peer, s.pport, s.family, services[s.netid])
		}
		var extra []string
		if *p {
			if u := usersField(owners[s.inode]); u != "" {
				extra = append(extra, u)
			}
		}
		if *e {
			if s.family != 0 {
				extra = append(extra, fmt.Sprintf("uid:%d", s.uid))
			}
			extra = append(extra, fmt.Sprintf("ino:%d", s.inode))
		}
		row := []string{s.state, strconv.FormatUint(s.recvQ, 10), strconv.FormatUint(s.sendQ, 10), local, peer, strings.Join(extra, " ")}
		if showNetid > 1 {
			row = append([]string{s.netid}, row...)
		}
		tab.Add(row...)
	}
	w := bufio.NewWriterSize(env.Stdout, 64*1024)
	defer w.Flush()
	tab.Write(w)
	return 0
}

// netstatAddr formats an address as net-tools does: 0.0.0.0:22, :::22, ::1:80.
func netstatAddr(s socket, ip []byte, port uint64, services map[uint64]string) string {
	host := "*"
	if ip != nil {
		host = fmt.Sprint(netIP(ip, s.family))
	}
	return host + ":" + portName(port, services)
}

func runNetstat(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("netstat")
	t, u, x := fs.Bool('t', "tcp"), fs.Bool('u', "udp"), fs.Bool('x', "unix")
	l, a := fs.Bool('l', "listening"), fs.Bool('a', "all")
	n, p, e := fs.Bool('n', "numeric"), fs.Bool('p', "program"), fs.Bool('e', "extend")
	fs.Bool('W', "wide")
	ops, err := fs.Parse(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "netstat [-t] [-u] [-x] [-l|-a] [-n] [-p] [-e]")
	}
	if err != nil || len(ops) > 0 {
		env.Errorf("netstat", "bad arguments (%v)", err)
		return 2
	}
	o := sockOpts{kinds: socketKinds{*t, *u, *x}, listening: *l, all: *a, numeric: *n, processes: *p, extended: *e}
	if !*t && !*u && !*x {
		o.kinds = socketKinds{true, true, true}
	}
	socks, owners, err := o.collect()
	if err != nil {
		env.Errorf("netstat", "%v", err)
		return 1
	}
	which := "w/o servers"
	switch {
	case *a:
		which = "servers and established"
	case *l:
		which = "only servers"
	}
	w := bufio.NewWriterSize(env.Stdout, 64*1024)
	defer w.Flush()
	program := func(s socket) string {
		if os := owners[s.inode]; len(os) > 0 {
			return fmt.Sprintf("%d/%s", os[0].pid, os[0].comm)
		}
		return "-"
	}
	services := map[string]map[uint64]string{}
	if !*n {
		services["tcp"], services["udp"] = loadServices("tcp"), loadServices("udp")
	}
	if o.kinds.tcp || o.kinds.udp {
		fmt.Fprintf(w, "Active Internet connections (%s)\n", which)
		fmt.Fprintf(w, "%-5s %6s %6s %-23s %-23s %-11s", "Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State")
		if *e {
			fmt.Fprintf(w, " %-10s %-10s", "User", "Inode")
		}
		if *p {
			fmt.Fprintf(w, " %-19s", "PID/Program name")
		}
		fmt.Fprintln(w)
		for _, s := range socks {
			if s.family == 0 {
				continue
			}
			proto := s.netid
			if s.family == 6 {
				proto += "6"
			}
			fmt.Fprintf(w, "%-5s %6d %6d %-23s %-23s %-11s", proto, s.recvQ, s.sendQ,
				netstatAddr(s, s.local, s.lport, services[s.netid]), netstatAddr(s, s.peer, s.pport, services[s.netid]), netstatStates[s.state])
			if *e {
				fmt.Fprintf(w, " %-10d %-10d", s.uid, s.inode)
			}
			if *p {
				fmt.Fprintf(w, " %-19s", program(s))
			}
			fmt.Fprintln(w)
		}
	}
	if o.kinds.unix {
		fmt.Fprintf(w, "Active UNIX domain sockets (%s)\n", which)
		fmt.Fprintf(w, "%-5s %-6s %-11s %-10s %-13s %-8s", "Proto", "RefCnt", "Flags", "Type", "State", "I-Node")
		if *p {
			fmt.Fprintf(w, " %-19s", "PID/Program name")
		}
		fmt.Fprintln(w, " Path")
		for _, s := range socks {
			if s.family != 0 {
				continue
			}
			flags, state := "[ ]", ""
			switch s.state {
			case "LISTEN":
				flags, state = "[ ACC ]", "LISTENING"
			case "ESTAB":
				state = "CONNECTED"
			}
			typ := map[string]string{"u_str": "STREAM", "u_dgr": "DGRAM", "u_seq": "SEQPACKET"}[s.netid]
			fmt.Fprintf(w, "%-5s %-6s %-11s %-10s %-13s %-8d", "unix", "-", flags, typ, state, s.inode)
			if *p {
				fmt.Fprintf(w, " %-19s", program(s))
			}
			fmt.Fprintf(w, " %s\n", s.path)
		}
	}
	return 0
}
