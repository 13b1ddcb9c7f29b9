//go:build linux

package netx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/columns"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Lsof is lsof: list open files and sockets of processes (-p PID, -i [proto][@host][:port]).
var Lsof = tools.Applet{Name: "lsof", Summary: "list open files and sockets of processes (-p PID, -i [proto][@host][:port])", Run: runLsof}

const lsofUsage = `lsof [-p PID[,PID]] [-i [4|6][tcp|udp][@HOST][:PORT[-PORT]]] [-n] [-P] [-U] [-t]
Columns: COMMAND PID USER FD TYPE NODE NAME. FD is cwd, rtd, txt or the number with its
mode (r, w, u). Without -p or -i every process is listed.`

// inetFilter is a parsed -i argument.
type inetFilter struct {
	family         int // 0 any, 4, 6
	proto          string
	host           net.IP
	portLo, portHi uint64
}

func parseInetFilter(s string) (inetFilter, error) {
	var f inetFilter
	if strings.HasPrefix(s, "4") || strings.HasPrefix(s, "6") {
		f.family = int(s[0] - '0')
		s = s[1:]
	}
	lower := strings.ToLower(s)
	for _, p := range []string{"tcp", "udp"} {
		if strings.HasPrefix(lower, p) {
			f.proto, s = p, s[len(p):]
		}
	}
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		host, port := rest, ""
		if i := strings.LastIndex(rest, ":"); i >= 0 && !strings.HasSuffix(rest, "]") {
			host, port = rest[:i], rest[i:]
		}
		host = strings.Trim(host, "[]")
		if f.host = net.ParseIP(host); f.host == nil {
			ips, err := net.LookupIP(host)
			if err != nil || len(ips) == 0 {
				return f, fmt.Errorf("unknown host %q", host)
			}
			f.host = ips[0]
		}
		s = port
	}
	if port, ok := strings.CutPrefix(s, ":"); ok {
		lo, hi, isRange := strings.Cut(port, "-")
		var err error
		if f.portLo, err = parsePort(lo, f.proto); err != nil {
			return f, err
		}
		f.portHi = f.portLo
		if isRange {
			if f.portHi, err = parsePort(hi, f.proto); err != nil {
				return f, err
			}
		}
	} else if s != "" {
		return f, fmt.Errorf("bad -i address %q", s)
	}
	return f, nil
}

func parsePort(s, proto string) (uint64, error) {
	if n, err := strconv.ParseUint(s, 10, 16); err == nil {
		return n, nil
	}
	if proto == "" {
		proto = "tcp"
	}
	for port, name := range loadServices(proto) {
		if name == s {
			return port, nil
		}
	}
	return 0, fmt.Errorf("unknown port %q", s)
}

func (f inetFilter) match(s socket) bool {
	if s.family == 0 || (f.family != 0 && s.family != f.family) || (f.proto != "" && s.netid != f.proto) {
		return false
	}
	if f.host != nil && !f.host.Equal(s.local) && !f.host.Equal(s.peer) {
		return false
	}
	if f.portHi != 0 {
		inRange := func(p uint64) bool { return p >= f.portLo && p <= f.portHi }
		if !inRange(s.lport) && !inRange(s.pport) {
			return false
		}
	}
	return true
}

// lsofState names a TCP state as lsof does.
var lsofStates = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
		"FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
		"LISTEN": "LISTEN", "CLOSING": "CLOSING", "UNCONN": "",
	}
})

func lsofInetName(s socket, services map[uint64]string) string {
	addr := func(ip net.IP, port uint64) string {
		h := "*"
		if ip != nil && !ip.IsUnspecified() {
			h = netIP(ip, s.family).String()
			if s.family == 6 {
				h = "[" + h + "]"
			}
		}
		p := "*"
		if port != 0 {
			p = strconv.FormatUint(port, 10)
			if n, ok := services[port]; ok {
				p = n
			}
		}
		return h + ":" + p
	}
	name := addr(s.local, s.lport)
	if s.pport != 0 {
		name += "->" + addr(s.peer, s.pport)
	}
	if st := lsofStates()[s.state]; st != "" && s.netid == "tcp" {
		name += " (" + st + ")"
	}
	return name
}

func runLsof(_ context.Context, env *tools.Env, args []string) int {
	var pids map[int]bool
	var filters []inetFilter
	inet, unixOnly, terse, noPortNames := false, false, false, false
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--help" || a == "-h" || a == "-?":
			return tools.Usage(env, lsofUsage)
		case a == "-n" || a == "-l":
		case a == "-P":
			noPortNames = true
		case a == "-nP" || a == "-Pn":
			noPortNames = true
		case a == "-U":
			unixOnly = true
		case a == "-t":
			terse = true
		case strings.HasPrefix(a, "-p"):
			v := a[2:]
			if v == "" && i+1 < len(rest) {
				i++
				v = rest[i]
			}
			if pids == nil {
				pids = map[int]bool{}
			}
			for _, f := range strings.Split(v, ",") {
				n, err := strconv.Atoi(f)
				if err != nil {
					env.Errorf("lsof", "bad pid %q", f)
					return 2
				}
				pids[n] = true
			}
		case strings.HasPrefix(a, "-i"):
			inet = true
			v := a[2:]
			if v == "" && i+1 < len(rest) && !strings.HasPrefix(rest[i+1], "-") {
				i++
				v = rest[i]
			}
			if v != "" {
				f, err := parseInetFilter(v)
				if err != nil {
					env.Errorf("lsof", "%v", err)
					return 2
				}
				filters = append(filters, f)
			}
		default:
			env.Errorf("lsof", "unsupported option or file argument %q", a)
			return 2
		}
	}
	fsys := procfile.Default
	socks, err := readSockets(fsys, socketKinds{tcp: true, udp: true, unix: true})
	if err != nil {
		env.Errorf("lsof", "%v", err)
		return 1
	}
	byInode := make(map[uint64]socket, len(socks))
	for _, s := range socks {
		byInode[s.inode] = s
	}
	services := map[string]map[uint64]string{}
	if !noPortNames {
		services["tcp"], services["udp"] = loadServices("tcp"), loadServices("udp")
	}
	db := userdb.Load("/")
	procs, err := fsys.PIDs()
	if err != nil {
		env.Errorf("lsof", "%v", err)
		return 1
	}
	tab := &columns.Table{}
	tab.Add("COMMAND", "PID", "USER", "FD", "TYPE", "NODE", "NAME")
	tab.Right = []bool{false, true}
	seen := map[int]bool{}
	found := false
	for _, pid := range procs {
		if pids != nil && !pids[pid] {
			continue
		}
		comm, err := fsys.ReadComm(pid)
		if err != nil {
			continue
		}
		dir := "/proc/" + strconv.Itoa(pid)
		user := "?"
		if fi, err := os.Stat(dir); err == nil {
			user = db.UserOrID(int(fi.Sys().(*syscall.Stat_t).Uid))
		}
		emit := func(fd, typ, node, name string) {
			found = true
			if terse {
				if !seen[pid] {
					seen[pid] = true
					tab.Rows = append(tab.Rows, []string{strconv.Itoa(pid)})
				}
				return
			}
			tab.Add(comm, strconv.Itoa(pid), user, fd, typ, node, name)
		}
		if !inet && !unixOnly {
			for _, special := range []struct{ fd, link string }{{"cwd", "cwd"}, {"rtd", "root"}, {"txt", "exe"}} {
				typ, node, name := readSpecialLink(pid, dir+"/"+special.link)
				emit(special.fd, typ, node, name)
			}
		}
		names, links, err := readFDLinks(pid, dir+"/fd/")
		if err != nil && !inet && !unixOnly {
			// as lsof does: say that the descriptors are there but could not be listed
			emit("NOFD", "", "", dir+"/fd (opendir: "+tools.Reason(err)+")")
		}
		order := make([]int, len(names))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool {
			a, _ := strconv.Atoi(names[order[i]])
			b, _ := strconv.Atoi(names[order[j]])
			return a < b
		})
		for _, i := range order {
			n, target := names[i], links[i]
			link := dir + "/fd/" + n
			if target == "" {
				if inet || unixOnly {
					continue
				}
				reason := "Permission denied"
				if _, err := os.Readlink(link); err != nil {
					reason = tools.Reason(err)
				}
				emit(n, "unknown", "", link+" (readlink: "+reason+")")
				continue
			}
			fd := n + fdMode(link)
			ino, isSock := socketInode(target)
			if inet || unixOnly {
				s, ok := byInode[ino]
				if !isSock || !ok {
					continue
				}
				if unixOnly && s.family == 0 {
					emit(fd, "unix", strconv.FormatUint(ino, 10), unixName(s))
					continue
				}
				if !inet || s.family == 0 {
					continue
				}
				if len(filters) > 0 {
					ok = false
					for _, f := range filters {
						ok = ok || f.match(s)
					}
					if !ok {
						continue
					}
				}
				emit(fd, "IPv"+strconv.Itoa(s.family), strings.ToUpper(s.netid), lsofInetName(s, services[s.netid]))
				continue
			}
			if isSock {
				if s, ok := byInode[ino]; ok {
					if s.family == 0 {
						emit(fd, "unix", strconv.FormatUint(ino, 10), unixName(s))
					} else {
						emit(fd, "IPv"+strconv.Itoa(s.family), strings.ToUpper(s.netid), lsofInetName(s, services[s.netid]))
					}
					continue
				}
				emit(fd, "sock", strconv.FormatUint(ino, 10), target)
				continue
			}
			typ, node := fileType(link)
			if strings.HasPrefix(target, "anon_inode:") {
				typ = "a_inode"
			}
			emit(fd, typ, node, target)
		}
	}
	if !found {
		return 1
	}
	w := bufio.NewWriterSize(env.Stdout, 64*1024)
	defer w.Flush()
	if terse {
		for _, r := range tab.Rows[1:] {
			fmt.Fprintln(w, r[0])
		}
		return 0
	}
	tab.Write(w)
	return 0
}

func unixName(s socket) string {
	name := "type=" + map[string]string{"u_str": "STREAM", "u_dgr": "DGRAM", "u_seq": "SEQPACKET"}[s.netid]
	if s.path != "" {
		name = s.path + " " + name
	}
	return name
}

func socketInode(target string) (uint64, bool) {
	v, ok := strings.CutPrefix(target, "socket:[")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(v, "]"), 10, 64)
	return n, err == nil
}

// readSpecialLink is lsof's TYPE, NODE and NAME for the cwd, root or exe link of pid: the
// target, or when it cannot be read the link itself with the reason, as lsof prints it
// ("/proc/1/cwd (readlink: Permission denied)").
func readSpecialLink(pid int, link string) (typ, node, name string) {
	var target string
	var err error
	read := func() {
		if target, err = os.Readlink(link); err == nil {
			typ, node = fileType(link)
		}
	}
	read()
	if errors.Is(err, fs.ErrPermission) {
		tools.AsOwnerOf(pid, read)
	}
	switch {
	case err == nil:
		return typ, node, target
	case errors.Is(err, fs.ErrNotExist): // a kernel thread has no executable
		return "unknown", "", link
	}
	return "unknown", "", link + " (readlink: " + tools.Reason(err) + ")"
}

// fdMode derives r, w or u from the permission bits of the /proc/<pid>/fd link, which
// the kernel sets from the descriptor's access mode (cheaper than reading fdinfo).
func fdMode(link string) string {
	fi, err := os.Lstat(link)
	if err != nil {
		return ""
	}
	switch m := fi.Mode().Perm(); {
	case m&0o200 != 0 && m&0o400 != 0:
		return "u"
	case m&0o200 != 0:
		return "w"
	}
	return "r"
}

// fileType is lsof's TYPE and NODE of what a link resolves to.
func fileType(link string) (string, string) {
	fi, err := os.Stat(link)
	if err != nil {
		return "unknown", ""
	}
	node := ""
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		node = strconv.FormatUint(st.Ino, 10)
	}
	m := fi.Mode()
	switch {
	case m.IsDir():
		return "DIR", node
	case m&os.ModeNamedPipe != 0:
		return "FIFO", node
	case m&os.ModeCharDevice != 0:
		return "CHR", node
	case m&os.ModeDevice != 0:
		return "BLK", node
	case m&os.ModeSocket != 0:
		return "sock", node
	case m.IsRegular():
		return "REG", node
	}
	return "a_inode", node
}
