//go:build linux

package netx

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// neighNetns makes a namespace with a veth pair (va 10.9.0.1/24 with the alias va:1,
// vb 10.9.1.2/24) and a neighbour table of every kind: permanent, stale, reachable
// router (IPv4 and IPv6), noarp, one without state, a proxy entry, and one being resolved
// (incomplete, then failed).
func neighNetns(t *testing.T) string {
	t.Helper()
	ns := newNetns(t)
	ip := func(args ...string) { sh(t, append([]string{"ip", "-n", ns}, args...)...) }
	ip("link", "add", "va", "type", "veth", "peer", "name", "vb")
	ip("link", "set", "va", "up")
	ip("link", "set", "vb", "up")
	ip("addr", "add", "10.9.0.1/24", "dev", "va")
	ip("addr", "add", "10.9.0.7/24", "dev", "va", "label", "va:1")
	ip("addr", "add", "10.9.1.2/24", "brd", "+", "dev", "vb")
	ip("addr", "add", "fd00:9::1/64", "dev", "va", "nodad")
	ip("neigh", "add", "10.9.0.50", "dev", "va", "lladdr", "02:00:00:00:00:50", "nud", "permanent")
	ip("neigh", "add", "10.9.0.51", "dev", "va", "lladdr", "02:00:00:00:00:51", "nud", "noarp")
	ip("neigh", "add", "10.9.0.54", "dev", "va", "nud", "none")
	ip("neigh", "add", "10.9.0.52", "dev", "va", "lladdr", "02:00:00:00:00:52", "nud", "stale")
	ip("neigh", "add", "10.9.0.53", "dev", "va", "lladdr", "02:00:00:00:00:53", "nud", "reachable", "router")
	ip("neigh", "add", "fd00:9::53", "dev", "va", "lladdr", "02:00:00:00:00:53", "nud", "reachable", "router")
	ip("neigh", "add", "proxy", "10.9.0.60", "dev", "va")
	// A neighbour that never answers: a packet to it leaves an incomplete entry.
	sh(t, "ip", "netns", "exec", ns, "bash", "-c", "echo > /dev/udp/10.9.0.99/9 || true")
	return ns
}

// sameAsReal runs the real tool and ours on the same arguments in ns and compares output
// and status, retrying a few times: neighbour states and counters move on their own.
func sameAsReal(t *testing.T, ns, pkg string, real []string, ours []string) {
	t.Helper()
	var diff string
	for attempt := 0; attempt < 5; attempt++ {
		want, wantErr, wantCode := toolstest.Status(t, realInNetns(t, ns, pkg, real...))
		got, gotErr, code := toolstest.Status(t, inNetns(t, ns, ours...))
		diff = cmp.Diff(want+wantErr, got+gotErr)
		if code != wantCode {
			diff += "\nstatus " + strconv.Itoa(code) + ", real " + strconv.Itoa(wantCode)
		}
		if diff == "" {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Errorf("%s (-real +ours):\n%s", strings.Join(real, " "), diff)
}

func TestArpGolden(t *testing.T) {
	ns := neighNetns(t)
	for _, args := range [][]string{
		{}, {"-n"}, {"-a"}, {"-an"}, {"-e"}, {"-v"}, {"-i", "va"}, {"-i", "vb"}, {"-i", "nosuch", "-v"},
		{"10.9.0.50"}, {"10.9.0.77"}, {"-a", "10.9.0.77"}, {"-H", "ether"}, {"-H", "foo"}, {"-Ax25"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			sameAsReal(t, ns, "net-tools", append([]string{"arp"}, args...), append([]string{"arp"}, args...))
		})
	}
	_, stderr, code := toolstest.Status(t, inNetns(t, ns, "arp", "-s", "10.9.0.80", "02:00:00:00:00:80"))
	if code == 0 || !strings.Contains(stderr, "only shows") {
		t.Errorf("arp -s = %d %q, want a read-only refusal", code, stderr)
	}
}

// TestIPNeighGolden compares ip neigh with iproute2's on every selector, in the same
// namespace as the arp test.
func TestIPNeighGolden(t *testing.T) {
	ns := neighNetns(t)
	for _, args := range [][]string{
		{"neigh"}, {"neigh", "show", "nud", "all"}, {"neigh", "show", "proxy"}, {"neigh", "show", "dev", "va"},
		{"neigh", "show", "nud", "none"}, {"neigh", "show", "nud", "permanent"}, {"neigh", "show", "nud", "noarp"},
		{"neigh", "show", "nud", "stale", "nud", "reachable"}, {"neigh", "show", "10.9.0.0/24"},
		{"neigh", "show", "to", "10.9.0.52"}, {"-4", "neigh"}, {"-6", "neigh"}, {"neighbor", "ls"}, {"n"},
		{"neigh", "show", "nud", "bogus"}, {"neigh", "show", "dev", "nosuch"}, {"neigh", "show", "to"},
		{"neigh", "show", "1.2.3.x"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			sameAsReal(t, ns, "iproute2", append([]string{"ip"}, args...), append([]string{"ip"}, args...))
		})
	}
	// -s adds the ages in seconds, which tick between the two runs: compared without them.
	ages := regexp.MustCompile(`used \d+/\d+/\d+`)
	want, _, _ := toolstest.Status(t, realInNetns(t, ns, "iproute2", "ip", "-s", "neigh", "show", "nud", "all"))
	got, _, _ := toolstest.Status(t, inNetns(t, ns, "ip", "-s", "neigh", "show", "nud", "all"))
	if diff := cmp.Diff(ages.ReplaceAllString(want, "used N"), ages.ReplaceAllString(got, "used N")); diff != "" {
		t.Errorf("ip -s neigh (-iproute2 +ours):\n%s", diff)
	}
}

// TestArpIPNeighParity: arp and ip neigh read the same table, through /proc/net/arp and
// rtnetlink: every IPv4 entry either shows is in the other, with the same address,
// device and state of resolution.
func TestArpIPNeighParity(t *testing.T) {
	ns := neighNetns(t)
	arpOut, _, _ := toolstest.Status(t, inNetns(t, ns, "arp", "-n"))
	ipOut, _, _ := toolstest.Status(t, inNetns(t, ns, "ip", "-4", "neigh", "show", "nud", "all"))
	proxyOut, _, _ := toolstest.Status(t, inNetns(t, ns, "ip", "-4", "neigh", "show", "proxy"))
	var fromArp, fromIP []string
	for _, l := range strings.Split(arpOut, "\n")[1:] {
		f := strings.Fields(l)
		switch {
		case len(f) == 0:
		case strings.Contains(l, "(incomplete)"):
			fromArp = append(fromArp, f[0]+" "+f[len(f)-1]+" -")
		case strings.Contains(l, "<from_interface>"):
			fromArp = append(fromArp, f[0]+" "+f[len(f)-1]+" proxy")
		default:
			fromArp = append(fromArp, f[0]+" "+f[len(f)-1]+" "+f[2])
		}
	}
	for _, l := range strings.Split(ipOut+proxyOut, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || strings.HasSuffix(l, "NOARP ") || f[0] == "0.0.0.0" {
			continue
		}
		switch {
		case strings.Contains(l, " proxy"):
			fromIP = append(fromIP, f[0]+" "+f[2]+" proxy")
		case len(f) >= 5 && f[3] == "lladdr":
			fromIP = append(fromIP, f[0]+" "+f[2]+" "+f[4])
		case len(f) == 3: // an entry without state: /proc/net/arp leaves it out
		default:
			fromIP = append(fromIP, f[0]+" "+f[2]+" -")
		}
	}
	sort.Strings(fromArp)
	sort.Strings(fromIP)
	if diff := cmp.Diff(fromIP, fromArp); diff != "" || len(fromArp) < 5 {
		t.Errorf("arp -n and ip neigh disagree (-ip +arp):\n%s\narp:\n%s\nip:\n%s%s", diff, arpOut, ipOut, proxyOut)
	}
}
