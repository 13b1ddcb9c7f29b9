//go:build linux

package netx

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// pingTimes blanks what differs between two runs of ping: round-trip times and the run's
// length.
var pingTimes = regexp.MustCompile(`time=[0-9.]+ ms|time [0-9]+ms|= [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms`)

func blankPingTimes(s string) string { return pingTimes.ReplaceAllString(s, "T") }

// TestPingLikeIputils pings lo of a namespace of the test's own with our ping and with
// iputils' ping and compares their output, times blanked.
func TestPingLikeIputils(t *testing.T) {
	ns := newNetns(t)
	for _, args := range [][]string{
		{"ping", "-c1", "127.0.0.1"},
		{"ping", "-c1", "::1"},
		{"ping", "-c2", "-i0.2", "-s", "100", "127.0.0.1"},
		{"ping", "-c1", "-q", "127.0.0.1"},
		{"ping", "-c1", "-s8", "127.0.0.1"}, // no room for a time stamp: no times
		{"ping", "-c1", "-6", "::1"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			want, _, wantCode := toolstest.Status(t, realInNetns(t, ns, "iputils-ping", args...))
			got, stderr, code := runNetns(t, ns, args...)
			if code != wantCode || blankPingTimes(got) != blankPingTimes(want) {
				t.Errorf("%v: status %d, want %d; stderr %q\n got:\n%s\nwant:\n%s", args, code, wantCode, stderr, got, want)
			}
		})
	}
}

// TestPingDatagramSocket pings through an unprivileged ICMP socket, which the namespace's
// net.ipv4.ping_group_range allows root's group.
func TestPingDatagramSocket(t *testing.T) {
	ns := newNetns(t)
	sh(t, "ip", "netns", "exec", ns, "sh", "-c", "echo '0 0' > /proc/sys/net/ipv4/ping_group_range")
	for _, addr := range []string{"127.0.0.1", "::1"} {
		out, stderr, code := runNetns(t, ns, "ping", "--socket=dgram", "-c2", "-i0.1", addr)
		if code != 0 || !strings.Contains(out, "64 bytes from "+addr+": icmp_seq=2 ttl=64 time=") ||
			!strings.Contains(out, "2 packets transmitted, 2 received, 0% packet loss") {
			t.Errorf("ping %s over a datagram socket: status %d, stderr %q\n%s", addr, code, stderr, out)
		}
	}
}

// TestPingNoReply: no route leads to an address, so ping says so and exits 2, as iputils;
// an address on a link where nothing answers, exit 1 with the summary iputils prints.
func TestPingNoReply(t *testing.T) {
	ns := newNetns(t)
	sh(t, "ip", "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	sh(t, "ip", "-n", ns, "link", "set", "v0", "up")
	sh(t, "ip", "-n", ns, "link", "set", "v1", "up")
	sh(t, "ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", "v0")
	out, stderr, code := runNetns(t, ns, "ping", "-c1", "-W0.3", "203.0.113.1")
	if code != 2 || out != "" || stderr != "ping: connect: Network is unreachable\n" {
		t.Errorf("ping to no route: status %d, want 2; stderr %q\n%s", code, stderr, out)
	}
	out, stderr, code = runNetns(t, ns, "ping", "-c1", "-w1", "192.0.2.7")
	want := "PING 192.0.2.7 (192.0.2.7) 56(84) bytes of data.\n\n--- 192.0.2.7 ping statistics ---\n" +
		"1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n"
	if code != 1 || out != want {
		t.Errorf("ping to a silent address: status %d, want 1; stderr %q\n%s", code, stderr, out)
	}
}

// TestPingWithoutCapability runs ping as nobody in a namespace whose ping_group_range is
// the kernel's default (no group): the error names what is missing, in one line.
func TestPingWithoutCapability(t *testing.T) {
	ns := newNetns(t)
	cmd := toolstest.CommandAs(t, 65534, 65534, "ping", "-c1", "127.0.0.1")
	setpriv := mustLook(t, "setpriv")
	cmd.Args = append([]string{"ip", "netns", "exec", ns, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", cmd.Path}, cmd.Args[1:]...)
	cmd.Path, cmd.SysProcAttr = mustLook(t, "ip"), nil
	out, stderr, code := toolstest.Status(t, cmd)
	want := "ping: no ICMP socket allowed: CAP_NET_RAW is missing and net.ipv4.ping_group_range (1 0) excludes group 65534: use kubectl ddebug --profile=netadmin, or ddebug exec as root\n"
	if code != 2 || stderr != want || out != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want 2 and %q", code, out, stderr, want)
	}
}
