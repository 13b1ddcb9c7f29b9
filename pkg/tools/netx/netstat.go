//go:build linux

package netx

import (
	"bufio"
	"context"
	"fmt"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Netstat is netstat: list sockets the net-tools way (netstat -tlnp).
var Netstat = tools.Applet{Name: "netstat", Summary: "list sockets the net-tools way (netstat -tlnp)", Run: runNetstat}

// netstatAddr formats an address as net-tools does: 0.0.0.0:22, :::22, ::1:80.
func netstatAddr(s socket, ip []byte, port uint64, services map[uint64]string) string {
	host := "*"
	if ip != nil {
		host = fmt.Sprint(netIP(ip, s.family))
	}
	return host + ":" + portName(port, services)
}

func runNetstat(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("netstat", "")
	t, u, x := fs.Bool('t', "tcp"), fs.Bool('u', "udp"), fs.Bool('x', "unix")
	l, a := fs.Bool('l', "listening"), fs.Bool('a', "all")
	n, p, e := fs.Bool('n', "numeric"), fs.Bool('p', "program"), fs.Bool('e', "extend")
	fs.Bool('W', "wide")
	ops, err := fs.ParseArgs(args[1:])
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
				netstatAddr(s, s.local, s.lport, services[s.netid]), netstatAddr(s, s.peer, s.pport, services[s.netid]), netstatStates()[s.state])
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
