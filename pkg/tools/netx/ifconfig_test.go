//go:build linux

package netx

import (
	"strings"
	"testing"
)

// TestIfconfigGolden compares ifconfig with net-tools' in a namespace with an interface
// that is down, an alias (va:1), IPv4 and IPv6 addresses (counters may move between the
// two reads: sameAsReal retries).
func TestIfconfigGolden(t *testing.T) {
	ns := neighNetns(t)
	sh(t, "ip", "-n", ns, "link", "add", "vdown", "type", "veth", "peer", "name", "vdown2")
	for _, args := range [][]string{
		{}, {"-a"}, {"-s"}, {"-a", "-s"}, {"va"}, {"va:1"}, {"lo"}, {"vdown"}, {"nosuch"}, {"-x"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			sameAsReal(t, ns, "net-tools", append([]string{"ifconfig"}, args...), append([]string{"ifconfig"}, args...))
		})
	}
	_, stderr, code := runNetns(t, ns, "ifconfig", "va", "down")
	if code == 0 || !strings.Contains(stderr, "only shows") {
		t.Errorf("ifconfig va down = %d %q, want a read-only refusal", code, stderr)
	}
}

func TestNstrcmp(t *testing.T) {
	names := []string{"eth10", "eth2", "eth0:1", "eth0", "lo", "eth0:10", "eth0:2", "br-1a", "eth"}
	want := "br-1a eth eth0 eth0:1 eth0:2 eth0:10 eth2 eth10 lo"
	sortNames := append([]string(nil), names...)
	for i := range sortNames {
		for j := i + 1; j < len(sortNames); j++ {
			if nstrcmp(sortNames[j], sortNames[i]) < 0 {
				sortNames[i], sortNames[j] = sortNames[j], sortNames[i]
			}
		}
	}
	if got := strings.Join(sortNames, " "); got != want {
		t.Errorf("sorted = %q, want %q", got, want)
	}
}
