//go:build linux

package netx

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
)

// Ss is ss: list sockets (ss -tlnp, -uan, -xl).
var Ss = tools.Applet{Name: "ss", Summary: "list sockets (ss -tlnp, -uan, -xl)", Run: runSS}

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
	fsys := procfile.Default
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
	fs := gnuflag.New("ss", "")
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
	ops, err := fs.ParseArgs(args[1:])
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
	// ss lists unix sockets first, then udp, then tcp
	rank := func(s socket) int {
		switch s.netid {
		case "udp":
			return 1
		case "tcp":
			return 2
		}
		return 0
	}
	sort.SliceStable(socks, func(i, j int) bool { return rank(socks[i]) < rank(socks[j]) })
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
	cols := ssColumns
	if showNetid <= 1 {
		cols = cols[1:]
	}
	var rows [][]string
	if !*noHeader {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = c.header
		}
		rows = append(rows, row)
	}
	for _, s := range socks {
		var laddr, lport, paddr, pport string
		if s.family == 0 {
			path := s.path
			if path == "" {
				path = "*"
			}
			laddr, lport = path+" ", strconv.FormatUint(s.inode, 10)
			paddr, pport = "* ", strconv.FormatUint(s.peerInode, 10)
		} else {
			laddr, lport = ssAddr(s, s.local, s.lport, services[s.netid])
			paddr, pport = ssAddr(s, s.peer, s.pport, services[s.netid])
		}
		var process strings.Builder
		if *p {
			if u := usersField(owners[s.inode]); u != "" {
				process.WriteString(" " + u)
			}
		}
		if *e {
			if s.family != 0 && s.uid != 0 {
				fmt.Fprintf(&process, " uid:%d", s.uid)
			}
			fmt.Fprintf(&process, " ino:%d", s.inode)
		}
		row := []string{s.netid, s.state, fmt.Sprintf("%-6d", s.recvQ), fmt.Sprintf("%-6d", s.sendQ),
			laddr, lport, paddr, pport, process.String()}
		if showNetid <= 1 {
			row = row[1:]
		}
		rows = append(rows, row)
	}
	w := bufio.NewWriterSize(env.Stdout, 64*1024)
	defer w.Flush()
	writeSSTable(w, cols, rows, !*noHeader)
	return 0
}

// ssColumn is one column of ss's table as iproute2 lays it out: an address column holds
// the address and its ":" (or the unix path and a space), right-aligned, and the port
// follows it in a column of its own, with no space between.
type ssColumn struct {
	header string
	right  bool
	delim  string // printed before the column, unless it starts the line
}

var ssColumns = []ssColumn{
	{"Netid", false, ""}, {"State", false, " "}, {"Recv-Q", false, " "}, {"Send-Q", false, " "},
	{"Local Address:", true, " "}, {"Port", false, ""}, {"Peer Address:", true, " "}, {"Port", false, ""},
	{"Process", false, ""},
}

// writeSSTable prints rows as iproute2's ss does when its output is not a terminal: a
// column is as wide as its widest cell plus its delimiter, and left-aligned cells are
// padded even in the last column (so lines without a process end in spaces). As in ss,
// the last cell of the last socket does not count in its column's width (ss measures a
// cell when it moves to the next one, and renders before moving past that one).
func writeSSTable(w io.Writer, cols []ssColumn, rows [][]string, header bool) {
	widths := make([]int, len(cols))
	first := true
	last := len(cols) - 1
	for i, c := range cols {
		for n, r := range rows {
			if i == last && n == len(rows)-1 && (n > 0 || !header) {
				continue
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
		if !first && widths[i] > 0 {
			widths[i] += len(c.delim)
		}
		if widths[i] > 0 {
			first = false
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range cols {
			printed := 0
			if i > 0 {
				b.WriteString(c.delim)
				printed = len(c.delim)
			}
			n := utf8.RuneCountInString(r[i])
			if c.right && widths[i] > 0 {
				if pad := widths[i] - n - printed; pad > 0 {
					b.WriteString(strings.Repeat(" ", pad))
					printed += pad
				}
			}
			b.WriteString(r[i])
			printed += n
			if !c.right && widths[i] > 0 {
				if pad := widths[i] - printed; pad > 0 {
					b.WriteString(strings.Repeat(" ", pad))
				}
			}
		}
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// ssAddr is the address and port cells of an inet socket as ss prints them: "*" for the
// IPv6 any address of a socket that also takes IPv4, brackets around other IPv6 ones.
func ssAddr(s socket, ip net.IP, port uint64, services map[uint64]string) (string, string) {
	host := "*"
	switch {
	case ip == nil:
	case s.family == 4:
		host = ip.To4().String()
	case ip.To4() != nil && !ip.IsUnspecified(): // Go prints a v4-mapped address as IPv4
		host = "[::ffff:" + ip.To4().String() + "]"
	case !ip.IsUnspecified() || s.v6only:
		host = "[" + ip.String() + "]"
	}
	return host + ":", portName(port, services)
}
