//go:build linux

package netx

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

var traceTimes = regexp.MustCompile(`  [0-9]+\.[0-9]{3} ms`)

// sameTrace runs our traceroute and Debian's with args in ns and compares their output,
// round-trip times blanked. Debian's traceroute gives up on a probe after three times the
// round trip of an answer already seen from its hop (-w's HERE), a few microseconds on lo:
// on a loaded machine a late answer is then a "*" that says nothing about ours, so a
// difference must show three times running.
func sameTrace(t *testing.T, ns string, args ...string) string {
	t.Helper()
	var got, msg string
	for attempt := 0; attempt < 3; attempt++ {
		want, _, wantCode := toolstest.Status(t, realInNetns(t, ns, "traceroute", args...))
		var stderr string
		var code int
		got, stderr, code = runNetns(t, ns, args...)
		if code == wantCode && traceTimes.ReplaceAllString(got, "  T ms") == traceTimes.ReplaceAllString(want, "  T ms") {
			return got
		}
		msg = fmt.Sprintf("%v: status %d, want %d; stderr %q\n got:\n%s\nwant:\n%s", args, code, wantCode, stderr, got, want)
	}
	t.Error(msg)
	return got
}

// TestTracerouteLoopback compares with Debian's traceroute on lo of a namespace of the
// test's own: UDP and ICMP probes, IPv4 and IPv6.
func TestTracerouteLoopback(t *testing.T) {
	ns := newNetns(t)
	for _, args := range [][]string{
		{"traceroute", "-n", "127.0.0.1"},
		{"traceroute", "-n", "-I", "-q", "1", "127.0.0.1"},
		{"traceroute", "-n", "-q", "1", "::1"},
		{"traceroute", "-n", "-I", "-q", "2", "::1"},
		{"traceroute", "-n", "127.0.0.1", "100"},
	} {
		sameTrace(t, ns, args...)
	}
}

// TestTracerouteThroughARouter traces across a namespace that forwards: two hops, the
// router's address first.
func TestTracerouteThroughARouter(t *testing.T) {
	a, r, b := newNetns(t), newNetns(t), newNetns(t)
	sh(t, "ip", "-n", a, "link", "add", "a0", "type", "veth", "peer", "name", "r0", "netns", r)
	sh(t, "ip", "-n", b, "link", "add", "b0", "type", "veth", "peer", "name", "r1", "netns", r)
	for _, c := range [][]string{
		{"-n", a, "addr", "add", "10.1.0.1/24", "dev", "a0"}, {"-n", a, "link", "set", "a0", "up"},
		{"-n", r, "addr", "add", "10.1.0.2/24", "dev", "r0"}, {"-n", r, "link", "set", "r0", "up"},
		{"-n", r, "addr", "add", "10.2.0.2/24", "dev", "r1"}, {"-n", r, "link", "set", "r1", "up"},
		{"-n", b, "addr", "add", "10.2.0.1/24", "dev", "b0"}, {"-n", b, "link", "set", "b0", "up"},
		{"-n", a, "route", "add", "default", "via", "10.1.0.2"},
		{"-n", b, "route", "add", "default", "via", "10.2.0.2"},
	} {
		sh(t, append([]string{"ip"}, c...)...)
	}
	sh(t, "ip", "netns", "exec", r, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward")
	for _, ns := range []string{r, b} { // both tools' probes get their answers: no rate limit
		sh(t, "ip", "netns", "exec", ns, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit")
	}
	for _, args := range [][]string{
		{"traceroute", "-n", "10.2.0.1"},
		{"traceroute", "-n", "-I", "10.2.0.1"},
	} {
		got := sameTrace(t, a, args...)
		if !strings.Contains(got, " 1  10.1.0.2  ") || !strings.Contains(got, " 2  10.2.0.1  ") {
			t.Errorf("%v: want hop 1 the router, hop 2 the host:\n%s", args, got)
		}
	}
}

// TestTracerouteICMPWithoutCapability: -I as nobody says what it lacks, in one line.
func TestTracerouteICMPWithoutCapability(t *testing.T) {
	cmd := toolstest.CommandAs(t, 65534, 65534, "traceroute", "-I", "-n", "127.0.0.1")
	out, stderr, code := toolstest.Status(t, cmd)
	if code != 2 || !strings.HasPrefix(stderr, "traceroute: -I: no ICMP socket allowed: CAP_NET_RAW is missing") ||
		!strings.HasSuffix(stderr, "--profile=netadmin, or ddebug exec as root\n") || strings.Count(stderr, "\n") != 1 || out != "" {
		t.Errorf("status %d, stdout %q, stderr %q", code, out, stderr)
	}
}
