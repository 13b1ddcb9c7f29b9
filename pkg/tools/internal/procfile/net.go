package procfile

import (
	"encoding/binary"
	"net"
	"strconv"
	"strings"
)

// IPSocket is one line of /proc/net/tcp, tcp6, udp or udp6.
type IPSocket struct {
	LocalAddr, RemAddr net.IP // 4 bytes for the IPv4 files, 16 for the IPv6 ones
	LocalPort, RemPort uint64
	St                 uint64 // the TCP state (include/net/tcp_states.h), 7 (CLOSE) for unconnected udp
	TxQueue, RxQueue   uint64
	UID                uint64
	Inode              uint64
}

// ReadNetIP reads /proc/net/<file>, file one of tcp, tcp6, udp and udp6, of the network
// namespace of the reading thread.
func (fs FS) ReadNetIP(file string) ([]IPSocket, error) {
	path := fs.path("net", file)
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parseNetIP(path, data)
}

// parseNetIP parses the lines after the header:
//
//	sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode ...
//	 0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20321 ...
func parseNetIP(path, data string) ([]IPSocket, error) {
	_, data = cutLine(data) // the header
	var out []IPSocket
	for data != "" {
		var line string
		line, data = cutLine(data)
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 10 {
			return nil, malformed(path, "line "+strconv.Quote(line))
		}
		var s IPSocket
		var err error
		if s.LocalAddr, s.LocalPort, err = parseHostPort(f[1]); err != nil {
			return nil, parseError(path, err)
		}
		if s.RemAddr, s.RemPort, err = parseHostPort(f[2]); err != nil {
			return nil, parseError(path, err)
		}
		if s.St, err = strconv.ParseUint(f[3], 16, 8); err != nil {
			return nil, parseError(path, err)
		}
		tx, rx, ok := strings.Cut(f[4], ":")
		if !ok {
			return nil, malformed(path, "queues "+strconv.Quote(f[4]))
		}
		if s.TxQueue, err = strconv.ParseUint(tx, 16, 64); err != nil {
			return nil, parseError(path, err)
		}
		if s.RxQueue, err = strconv.ParseUint(rx, 16, 64); err != nil {
			return nil, parseError(path, err)
		}
		if s.UID, err = strconv.ParseUint(f[7], 10, 64); err != nil {
			return nil, parseError(path, err)
		}
		if s.Inode, err = strconv.ParseUint(f[9], 10, 64); err != nil {
			return nil, parseError(path, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// parseHostPort parses "ADDR:PORT" in hex. The kernel prints an address as 32-bit words,
// each the network-order bytes read as a number of the machine's byte order (%08X of a
// __be32), so each word goes back to bytes in the machine's order.
func parseHostPort(s string) (net.IP, uint64, error) {
	addr, port, ok := strings.Cut(s, ":")
	if !ok || (len(addr) != 8 && len(addr) != 32) {
		return nil, 0, &strconv.NumError{Func: "parseHostPort", Num: s, Err: strconv.ErrSyntax}
	}
	ip := make(net.IP, len(addr)/2)
	for i := 0; i < len(addr); i += 8 {
		w, err := strconv.ParseUint(addr[i:i+8], 16, 32)
		if err != nil {
			return nil, 0, err
		}
		binary.NativeEndian.PutUint32(ip[i/2:], uint32(w))
	}
	p, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		return nil, 0, err
	}
	return ip, p, nil
}

// UnixSocket is one line of /proc/net/unix.
type UnixSocket struct {
	Flags uint64 // __SO_ACCEPTCON (1<<16) for a listening socket
	Type  uint64 // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5
	State uint64 // SS_UNCONNECTED 1, SS_CONNECTING 2, SS_CONNECTED 3, ...
	Inode uint64
	// Path is the bound name: a file name, "@name" for an abstract one (with each NUL
	// byte of the name as '@'), "" when unbound.
	Path string
}

// ReadNetUnix reads /proc/net/unix.
func (fs FS) ReadNetUnix() ([]UnixSocket, error) {
	path := fs.path("net", "unix")
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parseNetUnix(path, data)
}

// parseNetUnix parses the lines after the header:
//
//	Num       RefCount Protocol Flags    Type St Inode Path
//	0000000000000000: 00000002 00000000 00010000 0001 01 20375 /run/x.sock
//
// The name follows the inode after one space, unescaped: it may hold spaces.
func parseNetUnix(path, data string) ([]UnixSocket, error) {
	_, data = cutLine(data) // the header
	var out []UnixSocket
	for data != "" {
		var line string
		line, data = cutLine(data)
		var f [7]string
		rest := line
		n := 0
		for ; n < len(f); n++ {
			rest = strings.TrimLeft(rest, " ")
			if rest == "" {
				break
			}
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			f[n], rest = rest[:end], rest[end:]
		}
		if n == 0 {
			continue
		}
		if n < len(f) {
			return nil, malformed(path, "line "+strconv.Quote(line))
		}
		var s UnixSocket
		var err error
		for _, x := range []struct {
			dst  *uint64
			i    int
			base int
		}{{&s.Flags, 3, 16}, {&s.Type, 4, 16}, {&s.State, 5, 16}, {&s.Inode, 6, 10}} {
			if *x.dst, err = strconv.ParseUint(f[x.i], x.base, 64); err != nil {
				return nil, parseError(path, err)
			}
		}
		s.Path = strings.TrimPrefix(rest, " ")
		out = append(out, s)
	}
	return out, nil
}
