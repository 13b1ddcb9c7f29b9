//go:build linux

package netx

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
)

// socket is one socket of the network namespace, inet or unix.
type socket struct {
	netid  string // tcp, udp, u_str, u_dgr, u_seq
	family int    // 4 or 6; 0 for unix
	state  string
	recvQ  uint64
	sendQ  uint64
	local  net.IP
	lport  uint64
	peer   net.IP
	pport  uint64
	path   string // unix
	uid    uint64
	inode  uint64
	// peerInode is the inode of the other end of a connected unix socket (0 unknown).
	peerInode uint64
	// v6only is an IPv6 socket that does not take IPv4 (IPV6_V6ONLY).
	v6only   bool
	listener bool // LISTEN, or an unconnected udp/unix socket
}

// tcpStates are the kernel's TCP states (include/net/tcp_states.h) as ss names them.
var tcpStates = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{
		1: "ESTAB", 2: "SYN-SENT", 3: "SYN-RECV", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2", 6: "TIME-WAIT",
		7: "UNCONN", 8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN", 11: "CLOSING", 12: "NEW-SYN-RECV",
	}
})

// netstatStates are the same states as net-tools netstat prints them.
var netstatStates = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
		"FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT", "UNCONN": "", "CLOSE-WAIT": "CLOSE_WAIT",
		"LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN", "CLOSING": "CLOSING",
	}
})

type socketKinds struct{ tcp, udp, unix bool }

// readSockets reads the sockets of the kinds asked for: inet sockets over sock_diag or
// from /proc/net, unix sockets from /proc/net/unix. A missing file (IPv6 disabled) is not
// an error.
func readSockets(fsys procfile.FS, k socketKinds) ([]socket, error) {
	var out []socket
	add := func(name string, family int) error {
		lines, err := fsys.ReadNetIP(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("reading /proc/net/%s: %w", name, err)
		}
		netid := strings.TrimSuffix(name, "6")
		for _, l := range lines {
			st := tcpStates()[l.St]
			if st == "" {
				st = "UNKNOWN"
			}
			s := socket{netid: netid, family: family, state: st, recvQ: l.RxQueue, sendQ: l.TxQueue,
				local: l.LocalAddr, lport: l.LocalPort, peer: l.RemAddr, pport: l.RemPort, uid: l.UID, inode: l.Inode}
			s.listener = st == "LISTEN" || (netid == "udp" && st == "UNCONN")
			out = append(out, s)
		}
		return nil
	}
	// sock_diag first (fast, and it knows listener backlogs); /proc/net when netlink is
	// not available (e.g. a seccomp profile that refuses it).
	if k.tcp || k.udp {
		var diag []socket
		var err error
		for _, q := range []struct {
			on            bool
			family, proto int
		}{{k.tcp, unix.AF_INET, unix.IPPROTO_TCP}, {k.tcp, unix.AF_INET6, unix.IPPROTO_TCP},
			{k.udp, unix.AF_INET, unix.IPPROTO_UDP}, {k.udp, unix.AF_INET6, unix.IPPROTO_UDP}} {
			if !q.on || err != nil {
				continue
			}
			var part []socket
			if part, err = readInetDiag(q.family, q.proto); err == nil {
				diag = append(diag, part...)
			}
		}
		if err == nil {
			out = append(out, diag...)
			k.tcp, k.udp = false, false
		}
	}
	if k.tcp {
		if err := add("tcp", 4); err != nil {
			return nil, err
		}
		if err := add("tcp6", 6); err != nil {
			return nil, err
		}
	}
	if k.udp {
		if err := add("udp", 4); err != nil {
			return nil, err
		}
		if err := add("udp6", 6); err != nil {
			return nil, err
		}
	}
	if k.unix {
		if u, err := readUnixDiag(); err == nil {
			return append(out, u...), nil
		}
		u, err := fsys.ReadNetUnix()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("reading /proc/net/unix: %w", err)
		}
		for _, l := range u {
			s := socket{path: l.Path, inode: l.Inode}
			switch l.Type {
			case 1:
				s.netid = "u_str"
			case 2:
				s.netid = "u_dgr"
			default:
				s.netid = "u_seq"
			}
			switch {
			case l.Flags&(1<<16) != 0: // __SO_ACCEPTCON: listening
				s.state, s.listener = "LISTEN", true
			case l.State == 3: // SS_CONNECTED
				s.state = "ESTAB"
			default:
				s.state, s.listener = "UNCONN", l.Type != 1
			}
			out = append(out, s)
		}

	}
	return out, nil
}

// fdOwner is one file descriptor that refers to a socket.
type fdOwner struct {
	pid  int
	fd   int
	comm string
}

// socketOwners scans /proc/*/fd once and maps socket inodes to the descriptors that hold
// them, reading each fd directory once for both the fd numbers and their targets. comm is
// read only for processes that hold a socket.
func socketOwners(fsys procfile.FS) map[uint64][]fdOwner {
	owners := map[uint64][]fdOwner{}
	pids, err := fsys.PIDs()
	if err != nil {
		return owners
	}
	buf := make([]byte, 0, 64)
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
		names, links, _ := readFDLinks(pid, dir)
		comm := ""
		for i, n := range names {
			target := links[i]
			if !strings.HasPrefix(target, "socket:[") {
				continue
			}
			buf = append(buf[:0], target[len("socket:["):len(target)-1]...)
			ino, err := strconv.ParseUint(string(buf), 10, 64)
			if err != nil {
				continue
			}
			if comm == "" {
				if comm, err = fsys.ReadComm(pid); err != nil {
					comm = "?"
				}
			}
			fd, _ := strconv.Atoi(n)
			owners[ino] = append(owners[ino], fdOwner{pid: pid, fd: fd, comm: comm})
		}
	}
	return owners
}

// readFDLinks lists the descriptors of pid and where they lead ("" where unreadable). When
// the session may not read them as itself (another user's process, no CAP_SYS_PTRACE), it
// reads them with the process's own ids. err is why the directory could not be listed.
func readFDLinks(pid int, dir string) (names, links []string, err error) {
	read := func() {
		var d *os.File
		if d, err = os.Open(dir); err != nil {
			return
		}
		names, err = d.Readdirnames(-1)
		d.Close()
		links = make([]string, len(names))
		for i, n := range names {
			links[i], _ = os.Readlink(dir + n)
		}
	}
	read()
	if err == nil && (len(links) == 0 || links[0] != "") {
		return names, links, nil
	}
	names, links = nil, nil
	tools.AsOwnerOf(pid, read)
	return names, links, err
}

// usersField is ss's users:(("name",pid=N,fd=M),...).
func usersField(os []fdOwner) string {
	if len(os) == 0 {
		return ""
	}
	parts := make([]string, len(os))
	for i, o := range os {
		parts[i] = fmt.Sprintf("(%q,pid=%d,fd=%d)", o.comm, o.pid, o.fd)
	}
	return "users:(" + strings.Join(parts, ",") + ")"
}

// hostPort formats an address the way ss does: 127.0.0.1:80, [::1]:80, 0.0.0.0:*.
func hostPort(ip net.IP, port uint64, family int, services map[uint64]string) string {
	host := "*"
	if ip != nil {
		host = ip.String()
		if v4 := ip.To4(); v4 != nil && family == 4 {
			host = v4.String()
		}
		if family == 6 {
			host = "[" + host + "]"
		}
	}
	return host + ":" + portName(port, services)
}

// portName is a port as ss and netstat show it: its service name, else its number, * for 0.
func portName(port uint64, services map[uint64]string) string {
	if port == 0 {
		return "*"
	}
	if name, ok := services[port]; ok {
		return name
	}
	return strconv.FormatUint(port, 10)
}

// loadServices reads port names from the root's /etc/services, for output without -n.
func loadServices(proto string) map[uint64]string {
	out := map[uint64]string{}
	b, err := os.ReadFile("/etc/services")
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		port, pr, ok := strings.Cut(f[1], "/")
		if !ok || pr != proto {
			continue
		}
		if n, err := strconv.ParseUint(port, 10, 16); err == nil {
			if _, dup := out[n]; !dup {
				out[n] = f[0]
			}
		}
	}
	return out
}

// netIP returns ip as 4 bytes for an IPv4 socket so that it prints as a.b.c.d.
func netIP(ip net.IP, family int) net.IP {
	if family == 4 {
		if v4 := ip.To4(); v4 != nil {
			return v4
		}
	}
	return ip
}
