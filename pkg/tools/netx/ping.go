//go:build linux

package netx

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Ping is ping [-46nq] [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE] [-s SIZE]
// [-t TTL] HOST: ICMP echo as iputils' ping, with its output and summary.
//
//	-c COUNT      stop after COUNT replies (errors count too)
//	-i SECONDS    between requests (1)
//	-W SECONDS    how long to wait for the last reply (10)
//	-w SECONDS    stop after this long, whatever was received
//	-s SIZE       data bytes (56); below 16 there is no room for a time stamp: no times
//	-q            only the first line and the summary;  -n: no reverse lookups
//
// It opens a raw ICMP socket (CAP_NET_RAW), else a datagram one where
// net.ipv4.ping_group_range holds the group. Exit status: 0 when a reply came, 1 when
// none did, 2 on an error.
var Ping = tools.Applet{Name: "ping", Aliases: []string{"ping6"}, Summary: "send ICMP echo requests (iputils ping)", Run: runPing}

const pingUsage = `ping [-46nq] [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE] [-s SIZE] [-t TTL] HOST
Send ICMP echo requests to HOST and print each reply and a summary, as iputils' ping does.
-c stops after COUNT replies, -i sets the seconds between requests (1), -W how long to wait
for the last reply (10), -w stops after DEADLINE seconds, -s sets the data bytes (56).
A raw socket needs CAP_NET_RAW; without it a datagram ICMP socket is used where
net.ipv4.ping_group_range allows it. Exit 0 when a reply came, 1 when none, 2 on error.`

type pingOptions struct {
	count          int
	interval, wait time.Duration
	deadline       time.Duration
	size, ttl      int
	quiet, numeric bool
	socket         string // "raw", "dgram" or "" (try both)
}

func runPing(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("ping", pingUsage)
	var o pingOptions
	v4, v6 := fs.Bool('4', ""), fs.Bool('6', "")
	count := fs.Int('c', "", 0)
	interval, wait, deadline := fs.String('i', "", "1"), fs.String('W', "", "10"), fs.String('w', "", "")
	size, ttl := fs.Int('s', "", 56), fs.Int('t', "", 0)
	quiet, numeric := fs.Bool('q', ""), fs.Bool('n', "")
	socket := fs.String(0, "socket", "")
	ops, code := fs.Parse(env, args[1:])
	if code >= 0 {
		return code
	}
	if args[0] == "ping6" {
		*v6 = true
	}
	seconds := func(flag, v string, min float64) (time.Duration, bool) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < min || math.IsInf(f, 0) || f > 1e6 {
			env.Errorf("ping", "invalid argument: '%s' (-%s)", v, flag)
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	var ok bool
	if o.interval, ok = seconds("i", *interval, 0.002); !ok {
		return 2
	}
	if o.wait, ok = seconds("W", *wait, 0); !ok {
		return 2
	}
	if *deadline != "" {
		if o.deadline, ok = seconds("w", *deadline, 0); !ok {
			return 2
		}
	}
	switch {
	case *count < 0:
		env.Errorf("ping", "invalid argument: '%d': out of range: 1 <= value <= 9223372036854775807", *count)
		return 2
	case *size < 0 || *size > 65507:
		env.Errorf("ping", "invalid argument: '%d': out of range: 0 <= value <= 2147483647", *size)
		return 2
	case *ttl < 0 || *ttl > 255:
		env.Errorf("ping", "invalid argument: '%d': out of range: 0 <= value <= 255", *ttl)
		return 2
	case *socket != "" && *socket != "raw" && *socket != "dgram":
		env.Errorf("ping", "--socket is raw or dgram, not %q", *socket)
		return 2
	}
	o.count, o.size, o.ttl, o.quiet, o.numeric, o.socket = *count, *size, *ttl, *quiet, *numeric, *socket
	if len(ops) != 1 {
		if len(ops) == 0 {
			env.Errorf("ping", "usage error: Destination address required")
		} else {
			env.Errorf("ping", "usage error: one destination, not %s", strings.Join(ops, " "))
		}
		return 2
	}
	host := ops[0]
	network := "ip"
	switch {
	case *v4:
		network = "ip4"
	case *v6:
		network = "ip6"
	}
	ip, zone, err := resolveHost(ctx, network, host)
	if err != nil {
		env.Errorf("ping", "%s: %v", host, err)
		return 2
	}
	if net.ParseIP(strings.SplitN(host, "%", 2)[0]) != nil {
		o.numeric = true // iputils looks up no name for a numeric target
	}
	return ping(ctx, env, host, ip, zone, o)
}

// resolveHost returns the address host names in network ("ip", "ip4", "ip6"): IPv4 first
// when both, as iputils' ping.
func resolveHost(ctx context.Context, network, host string) (net.IP, string, error) {
	addr, zone, _ := strings.Cut(host, "%")
	if ip := net.ParseIP(addr); ip != nil {
		if (network == "ip4" && ip.To4() == nil) || (network == "ip6" && ip.To4() != nil) {
			return nil, "", errors.New("Address family for hostname not supported")
		}
		return ip, zone, nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, network, host)
	if err != nil || len(ips) == 0 {
		return nil, "", errors.New("Name or service not known")
	}
	for _, ip := range ips {
		if ip.To4() != nil {
			return ip, "", nil
		}
	}
	return ips[0], "", nil
}

// pingStats is what the summary counts, times in microseconds as iputils keeps them.
type pingStats struct {
	sent, received, dups, errors int
	tmin, tmax, tsum, tsum2      int64
}

func ping(ctx context.Context, env *tools.Env, host string, ip net.IP, zone string, o pingOptions) int {
	v6 := ip.To4() == nil
	s, err := openICMP(ctx, v6, o.socket)
	if err != nil {
		env.Errorf("ping", "%v", err)
		return 2
	}
	defer s.Close()
	if o.ttl > 0 {
		if err := s.SetTTL(o.ttl); err != nil {
			env.Errorf("ping", "setting the TTL: %s", tools.Reason(err))
			return 2
		}
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	if v6 {
		fmt.Fprintf(w, "PING %s(%s) %d data bytes\n", host, ipString(ip, zone), o.size)
	} else {
		fmt.Fprintf(w, "PING %s (%s) %d(%d) bytes of data.\n", host, ip, o.size, o.size+28)
	}
	id := uint16(rand.Uint32())
	timing := o.size >= 16
	payload := make([]byte, o.size)
	for i := range payload {
		payload[i] = byte(i)
	}
	var st pingStats
	sentAt := map[uint16]time.Time{}
	seen := map[uint16]bool{}
	names := map[string]string{}
	start := time.Now()
	lastSend, next := start, start
	var end time.Time
	if o.deadline > 0 {
		end = start.Add(o.deadline)
	}
	finished := func() bool {
		return o.count > 0 && st.received+st.errors >= o.count
	}
	for ctx.Err() == nil && !finished() {
		now := time.Now()
		if !end.IsZero() && !now.Before(end) {
			break
		}
		allSent := o.count > 0 && st.sent >= o.count
		if !allSent && !now.Before(next) {
			seq := uint16(st.sent + 1)
			if timing {
				binary.BigEndian.PutUint64(payload, uint64(now.UnixNano()))
			}
			if err := s.SendTo(icmpEcho(v6, id, seq, payload), ip, zone); err != nil {
				if st.sent == 0 { // iputils learns it when it connects a probe socket, before the first line
					w.Reset(io.Discard)
					env.Errorf("ping", "connect: %s", tools.Reason(err))
					return 2
				}
				w.Flush()
				env.Errorf("ping", "sendmsg: %s", tools.Reason(err))
				st.errors++
			}
			if st.sent == 0 && !s.raw {
				id = s.ID()
			}
			if st.sent == 0 {
				w.Flush()
			}
			sentAt[seq] = now
			st.sent++
			lastSend = now
			next = next.Add(o.interval)
			allSent = o.count > 0 && st.sent >= o.count
		}
		until := next
		if allSent {
			until = lastSend.Add(o.wait)
			if o.deadline > 0 {
				until = end
			}
			if !time.Now().Before(until) {
				break
			}
		}
		if !end.IsZero() && end.Before(until) {
			until = end
		}
		p, err := s.Recv(until)
		if errors.Is(err, errWaitOver) {
			continue
		}
		if err != nil {
			w.Flush()
			env.Errorf("ping", "%v", err)
			return 2
		}
		pingPacket(ctx, w, p, v6, s.raw, id, timing, o, sentAt, seen, names, &st)
		w.Flush()
	}
	writePingSummary(w, host, st, timing, lastSend.Sub(start))
	if st.received == 0 || (o.deadline > 0 && o.count > 0 && st.received < o.count) {
		return 1
	}
	return 0
}

// pingPacket reads one ICMP message: a reply to us, an error about one of our requests,
// or something else to leave alone.
func pingPacket(ctx context.Context, w io.Writer, p icmpPacket, v6, raw bool, id uint16, timing bool, o pingOptions,
	sentAt map[uint16]time.Time, seen map[uint16]bool, names map[string]string, st *pingStats) {
	reply := byte(icmp4EchoReply)
	if v6 {
		reply = icmp6EchoReply
	}
	from := p.from.String()
	if !o.numeric {
		name, ok := names[from]
		if !ok {
			name = from
			if hosts, err := net.DefaultResolver.LookupAddr(ctx, from); err == nil && len(hosts) > 0 {
				name = strings.TrimSuffix(hosts[0], ".") + " (" + from + ")"
			}
			names[from] = name
		}
		from = name
	}
	typ := p.msg[0]
	if typ == reply {
		if raw && binary.BigEndian.Uint16(p.msg[4:]) != id {
			return
		}
		seq := binary.BigEndian.Uint16(p.msg[6:])
		at, ok := sentAt[seq]
		if !ok {
			return
		}
		dup := seen[seq]
		seen[seq] = true
		var us int64
		if dup {
			st.dups++
		} else {
			st.received++
		}
		if timing {
			us = p.at.Sub(at).Microseconds()
			if !dup {
				if st.received == 1 || us < st.tmin {
					st.tmin = us
				}
				st.tmax = max(st.tmax, us)
				st.tsum += us
				st.tsum2 += us * us
			}
		}
		if o.quiet {
			return
		}
		fmt.Fprintf(w, "%d bytes from %s: icmp_seq=%d", len(p.msg), from, seq)
		if p.ttl >= 0 {
			fmt.Fprintf(w, " ttl=%d", p.ttl)
		}
		if timing {
			fmt.Fprintf(w, " time=%s ms", pingTime(us))
		}
		if dup {
			fmt.Fprint(w, " (DUP!)")
		}
		fmt.Fprintln(w)
		return
	}
	text := icmpErrorText(v6, typ, p.msg[1])
	if text == "" {
		return
	}
	q, proto, ok := icmpQuoted(v6, p.msg)
	if !ok || (!v6 && proto != 1) || (v6 && proto != 58) || binary.BigEndian.Uint16(q[4:]) != id {
		return
	}
	st.errors++
	if !o.quiet {
		fmt.Fprintf(w, "From %s icmp_seq=%d %s\n", from, binary.BigEndian.Uint16(q[6:]), text)
	}
}

// pingTime formats a round trip of us microseconds as iputils does: three significant
// digits, at least.
func pingTime(us int64) string {
	switch {
	case us >= 100000-50:
		return strconv.FormatInt((us+500)/1000, 10)
	case us >= 10000-5:
		return fmt.Sprintf("%d.%01d", (us+50)/1000, ((us+50)%1000)/100)
	case us >= 1000:
		return fmt.Sprintf("%d.%02d", (us+5)/1000, ((us+5)%1000)/10)
	}
	return fmt.Sprintf("%d.%03d", us/1000, us%1000)
}

func writePingSummary(w io.Writer, host string, st pingStats, timing bool, elapsed time.Duration) {
	fmt.Fprintf(w, "\n--- %s ping statistics ---\n", host)
	fmt.Fprintf(w, "%d packets transmitted, %d received", st.sent, st.received)
	if st.dups > 0 {
		fmt.Fprintf(w, ", +%d duplicates", st.dups)
	}
	if st.errors > 0 {
		fmt.Fprintf(w, ", +%d errors", st.errors)
	}
	if st.sent > 0 {
		loss := float64(st.sent-st.received) * 100 / float64(st.sent)
		fmt.Fprintf(w, ", %s%% packet loss, time %dms", strconv.FormatFloat(loss, 'g', 6, 64), elapsed.Milliseconds())
	}
	fmt.Fprintln(w)
	if st.received > 0 && timing {
		n := int64(st.received)
		avg := st.tsum / n
		mdev := int64(math.Sqrt(float64(st.tsum2/n - avg*avg)))
		ms := func(us int64) string { return fmt.Sprintf("%d.%03d", us/1000, us%1000) }
		fmt.Fprintf(w, "rtt min/avg/max/mdev = %s/%s/%s/%s ms", ms(st.tmin), ms(avg), ms(st.tmax), ms(mdev))
	}
	fmt.Fprintln(w)
}

// ipString is ip with its zone, if any.
func ipString(ip net.IP, zone string) string {
	if zone != "" {
		return ip.String() + "%" + zone
	}
	return ip.String()
}
