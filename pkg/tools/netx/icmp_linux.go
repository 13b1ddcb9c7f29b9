//go:build linux

package netx

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The ICMP message codec and socket that ping and traceroute share. The codec is a few
// lines of our own rather than golang.org/x/net/icmp, which would link x/net/ipv4, ipv6
// and their socket layer for the same eight-byte header.

// ICMP types of the messages ping and traceroute send and read.
const (
	icmp4EchoReply    = 0
	icmp4Unreachable  = 3
	icmp4Echo         = 8
	icmp4TimeExceeded = 11
	icmp6Unreachable  = 1
	icmp6TimeExceeded = 3
	icmp6Echo         = 128
	icmp6EchoReply    = 129
)

// icmpChecksum is the Internet checksum (RFC 1071) of b.
func icmpChecksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// icmpEcho encodes an echo request (type 8 or 128) with id, seq and payload.
func icmpEcho(v6 bool, id, seq uint16, payload []byte) []byte {
	b := make([]byte, 8+len(payload))
	b[0] = icmp4Echo
	if v6 {
		b[0] = icmp6Echo // the kernel fills in ICMPv6's checksum (it covers a pseudo-header)
	}
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], seq)
	copy(b[8:], payload)
	if !v6 {
		binary.BigEndian.PutUint16(b[2:], icmpChecksum(b))
	}
	return b
}

// icmpSocket is an ICMP socket of one family: a datagram ("ping") socket where
// net.ipv4.ping_group_range allows it, else a raw one (CAP_NET_RAW).
type icmpSocket struct {
	fd  int
	v6  bool
	raw bool
	// wake is an eventfd written when the context ends, so that a wait returns at once.
	wake int
	stop func() bool
}

// ErrNoICMPSocket is returned when neither kind of ICMP socket may be opened.
var ErrNoICMPSocket = errors.New("no ICMP socket allowed")

// openICMP opens an ICMP socket for v4 or v6 traffic; kind is "raw", "dgram" or "" (the
// raw socket first, which sees the TTL of every reply, then the datagram one).
func openICMP(ctx context.Context, v6 bool, kind string) (*icmpSocket, error) {
	family, proto := unix.AF_INET, unix.IPPROTO_ICMP
	if v6 {
		family, proto = unix.AF_INET6, unix.IPPROTO_ICMPV6
	}
	var firstErr error
	var why []string
	for _, raw := range []bool{true, false} {
		if (kind == "raw" && !raw) || (kind == "dgram" && raw) {
			continue
		}
		typ := unix.SOCK_DGRAM
		if raw {
			typ = unix.SOCK_RAW
		}
		fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			switch {
			case !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EACCES):
			case raw:
				why = append(why, "CAP_NET_RAW is missing")
			default:
				why = append(why, fmt.Sprintf("net.ipv4.ping_group_range (%s) excludes group %d", pingGroupRange(), os.Getegid()))
			}
			continue
		}
		s := &icmpSocket{fd: fd, v6: v6, raw: raw, wake: -1}
		if err := s.setup(ctx); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	if len(why) > 0 {
		return nil, fmt.Errorf("%w: %s: use kubectl ddebug --profile=netadmin, or ddebug exec as root",
			ErrNoICMPSocket, strings.Join(why, " and "))
	}
	return nil, fmt.Errorf("opening an ICMP socket: %w", firstErr)
}

func (s *icmpSocket) setup(ctx context.Context) error {
	var err error
	switch {
	case s.v6:
		err = unix.SetsockoptInt(s.fd, unix.IPPROTO_IPV6, unix.IPV6_RECVHOPLIMIT, 1)
	case !s.raw: // a raw socket reads the TTL in the IP header
		err = unix.SetsockoptInt(s.fd, unix.IPPROTO_IP, unix.IP_RECVTTL, 1)
	}
	if err != nil {
		return fmt.Errorf("asking for the TTL of replies: %w", err)
	}
	s.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	wake := s.wake
	s.stop = context.AfterFunc(ctx, func() { unix.Write(wake, []byte{1, 0, 0, 0, 0, 0, 0, 0}) })
	return nil
}

// Close closes the socket.
func (s *icmpSocket) Close() {
	if s.stop != nil {
		s.stop()
	}
	unix.Close(s.fd)
	if s.wake >= 0 {
		unix.Close(s.wake)
	}
}

// SetTTL sets the TTL (hop limit) of the packets sent.
func (s *icmpSocket) SetTTL(ttl int) error {
	if s.v6 {
		return unix.SetsockoptInt(s.fd, unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, ttl)
	}
	return unix.SetsockoptInt(s.fd, unix.IPPROTO_IP, unix.IP_TTL, ttl)
}

// ID is the echo identifier the kernel gave a datagram socket (its port), or 0.
func (s *icmpSocket) ID() uint16 {
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		return 0
	}
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return uint16(a.Port)
	case *unix.SockaddrInet6:
		return uint16(a.Port)
	}
	return 0
}

// SendTo sends b to ip.
func (s *icmpSocket) SendTo(b []byte, ip net.IP, zone string) error {
	return unix.Sendto(s.fd, b, 0, sockaddr(ip, zone, 0))
}

// sockaddr is ip:port as a unix.Sockaddr.
func sockaddr(ip net.IP, zone string, port int) unix.Sockaddr {
	if ip4 := ip.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: port}
		copy(sa.Addr[:], ip4)
		return sa
	}
	sa := &unix.SockaddrInet6{Port: port}
	copy(sa.Addr[:], ip.To16())
	if zone != "" {
		if ifi, err := net.InterfaceByName(zone); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		}
	}
	return sa
}

// icmpPacket is one ICMP message read: its sender, TTL (-1 when unknown), the ICMP
// message itself, and when it arrived.
type icmpPacket struct {
	from net.IP
	ttl  int
	msg  []byte
	at   time.Time
}

// errWaitOver is returned by Recv when the deadline passed or the context ended.
var errWaitOver = errors.New("wait over")

// Recv waits until deadline for one ICMP message.
func (s *icmpSocket) Recv(deadline time.Time) (icmpPacket, error) {
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return icmpPacket{}, errWaitOver
		}
		fds := []unix.PollFd{{Fd: int32(s.fd), Events: unix.POLLIN}, {Fd: int32(s.wake), Events: unix.POLLIN}}
		ms := int((left + time.Millisecond - 1) / time.Millisecond)
		if _, err := unix.Poll(fds, ms); err != nil && err != unix.EINTR {
			return icmpPacket{}, fmt.Errorf("poll: %w", err)
		}
		if fds[1].Revents != 0 {
			return icmpPacket{}, errWaitOver
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			continue
		}
		p, ok, err := s.read()
		if err != nil {
			return icmpPacket{}, err
		}
		if ok {
			return p, nil
		}
	}
}

// read reads one ICMP message without waiting; ok is false when there was none to read.
func (s *icmpSocket) read() (icmpPacket, bool, error) {
	buf, oob := make([]byte, 65536), make([]byte, 256)
	n, oobn, _, from, err := unix.Recvmsg(s.fd, buf, oob, unix.MSG_DONTWAIT)
	if err == unix.EAGAIN || err == unix.EINTR {
		return icmpPacket{}, false, nil
	}
	if err != nil {
		return icmpPacket{}, false, fmt.Errorf("recvmsg: %w", err)
	}
	p := icmpPacket{ttl: -1, at: time.Now(), msg: buf[:n], from: sockaddrIP(from)}
	if s.raw && !s.v6 { // an IPv4 raw socket reads the IP header too
		if n < 20 || int(buf[0]&0x0f)*4 > n {
			return icmpPacket{}, false, nil
		}
		p.ttl = int(buf[8])
		p.msg = buf[int(buf[0]&0x0f)*4 : n]
	}
	if cmsgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
		for _, c := range cmsgs {
			if (c.Header.Level == unix.IPPROTO_IP && c.Header.Type == unix.IP_TTL) ||
				(c.Header.Level == unix.IPPROTO_IPV6 && c.Header.Type == unix.IPV6_HOPLIMIT) {
				if len(c.Data) >= 4 {
					p.ttl = int(binary.NativeEndian.Uint32(c.Data))
				}
			}
		}
	}
	if len(p.msg) < 8 {
		return icmpPacket{}, false, nil
	}
	return p, true, nil
}

// sockaddrIP is the address of an IPv4 or IPv6 socket address, else nil.
func sockaddrIP(sa unix.Sockaddr) net.IP {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return net.IP(append([]byte(nil), a.Addr[:]...))
	case *unix.SockaddrInet6:
		return net.IP(append([]byte(nil), a.Addr[:]...))
	}
	return nil
}

// queuedError is an ICMP error the kernel queued on a socket with IP_RECVERR: who sent it,
// its type and code, and the payload of the packet of ours it answers.
type queuedError struct {
	from      net.IP
	typ, code byte
	payload   []byte
	at        time.Time
}

// readErrQueue reads one queued ICMP error of fd without waiting; ok is false when none.
func readErrQueue(fd int) (queuedError, bool) {
	buf, oob := make([]byte, 2048), make([]byte, 512)
	n, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
	if err != nil {
		return queuedError{}, false
	}
	cmsgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return queuedError{}, false
	}
	for _, c := range cmsgs {
		if !(c.Header.Level == unix.IPPROTO_IP && c.Header.Type == unix.IP_RECVERR) &&
			!(c.Header.Level == unix.IPPROTO_IPV6 && c.Header.Type == unix.IPV6_RECVERR) {
			continue
		}
		d := c.Data
		if len(d) < 16 || (d[4] != unix.SO_EE_ORIGIN_ICMP && d[4] != unix.SO_EE_ORIGIN_ICMP6) {
			continue
		}
		q := queuedError{typ: d[5], code: d[6], payload: buf[:n], at: time.Now()}
		sa := d[16:]
		switch {
		case len(sa) >= 8 && binary.NativeEndian.Uint16(sa) == unix.AF_INET:
			q.from = net.IP(append([]byte(nil), sa[4:8]...))
		case len(sa) >= 24 && binary.NativeEndian.Uint16(sa) == unix.AF_INET6:
			q.from = net.IP(append([]byte(nil), sa[8:24]...))
		}
		return q, true
	}
	return queuedError{}, false
}

// icmpQuoted returns the IP packet an ICMP error quotes (after its 8-byte header) without
// its IP header, and the upper-layer protocol of it; ok is false when too short.
func icmpQuoted(v6 bool, msg []byte) (payload []byte, proto int, ok bool) {
	q := msg[8:]
	if v6 {
		if len(q) < 40+8 {
			return nil, 0, false
		}
		return q[40:], int(q[6]), true
	}
	if len(q) < 20 {
		return nil, 0, false
	}
	ihl := int(q[0]&0x0f) * 4
	if len(q) < ihl+8 {
		return nil, 0, false
	}
	return q[ihl:], int(q[9]), true
}

// icmpErrorText is iputils' wording of an ICMP error (destination unreachable, time
// exceeded), or "" for other messages.
func icmpErrorText(v6 bool, typ, code byte) string {
	if v6 {
		switch typ {
		case icmp6Unreachable:
			switch code {
			case 0:
				return "Destination unreachable: No route"
			case 1:
				return "Destination unreachable: Administratively prohibited"
			case 2:
				return "Destination unreachable: Beyond scope of source address"
			case 3:
				return "Destination unreachable: Address unreachable"
			case 4:
				return "Destination unreachable: Port unreachable"
			}
			return fmt.Sprintf("Destination unreachable: Unknown code %d", code)
		case icmp6TimeExceeded:
			if code == 0 {
				return "Time exceeded: Hop limit"
			}
			return "Time exceeded: Defragmentation failure"
		}
		return ""
	}
	switch typ {
	case icmp4Unreachable:
		if int(code) < len(unreachable4) {
			return unreachable4[code]
		}
		return fmt.Sprintf("Dest Unreachable, Bad Code: %d", code)
	case icmp4TimeExceeded:
		if code == 0 {
			return "Time to live exceeded"
		}
		return "Frag reassembly time exceeded"
	}
	return ""
}

var unreachable4 = [...]string{
	"Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
	"Destination Port Unreachable", "Frag needed and DF set", "Source Route Failed",
	"Destination Net Unknown", "Destination Host Unknown", "Source Host Isolated",
	"Destination Net Prohibited", "Destination Host Prohibited", "Destination Net Unreachable for Type of Service",
	"Destination Host Unreachable for Type of Service", "Packet filtered", "Precedence Violation", "Precedence Cutoff",
}

// pingGroupRange is net.ipv4.ping_group_range of the current network namespace, for errors.
func pingGroupRange() string {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b)), " ")
}
