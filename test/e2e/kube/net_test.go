//go:build e2e

package kube_test

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// The network applets in a pod with --profile=netadmin, against another pod: ping,
// traceroute, and a capture written with -w - that the host's tcpdump reads.
func TestNetworkTools(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-net", nil)
	e.pod(t, ns, "a", rootSpec)
	e.pod(t, ns, "b", rootSpec)
	ip := strings.TrimSpace(e.c.MustKubectl(t, "-n", ns, "get", "pod", "b", "-o", "jsonpath={.status.podIP}"))
	if ip == "" {
		t.Fatal("pod b has no IP")
	}
	r := e.mustDdebug(t, "-n", ns, "a", "--profile=netadmin", "-q", "--", "ping", "-c1", ip)
	contains(t, "ping -c1 "+ip, r.stdout, "64 bytes from "+ip+": icmp_seq=1 ttl=", "1 packets transmitted, 1 received, 0% packet loss")
	r = e.mustDdebug(t, "-n", ns, "a", "--profile=netadmin", "-q", "--", "traceroute", "-n", ip)
	if !regexp.MustCompile(`\n 1  ` + regexp.QuoteMeta(ip) + `  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms\n$`).MatchString(r.stdout) {
		t.Errorf("traceroute -n %s: want one hop, the pod:\n%s", ip, r.stdout)
	}
	r = e.mustDdebug(t, "-n", ns, "a", "--profile=netadmin", "-q", "--", "sh", "-c",
		"tcpdump -c 3 -w - icmp 2>/dev/null & sleep 1; ping -c 5 -i 0.2 "+ip+" >/dev/null; wait")
	read := exec.Command("tcpdump", "-n", "-r", "-")
	read.Stdin = strings.NewReader(r.stdout)
	out, err := read.CombinedOutput()
	if err != nil {
		t.Fatalf("the host's tcpdump -r - on the pod's tcpdump -c 3 -w -: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "IP "); n != 3 || !strings.Contains(string(out), "> "+ip+": ICMP echo request") {
		t.Errorf("the host's tcpdump -r - read %d packets, want 3 pings to %s:\n%s", n, ip, out)
	}
}
