//go:build linux

package netx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestSysctlGolden compares sysctl with procps-ng's on the parameters of a network
// namespace of the test's own (values nothing else changes meanwhile), and on the
// machine's names: output and exit status.
func TestSysctlGolden(t *testing.T) {
	ns := newNetns(t)
	sh(t, "ip", "-n", ns, "link", "add", "v0.100", "type", "veth", "peer", "name", "v1") // a dot in a key element
	sh(t, "ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
	for _, args := range [][]string{
		{"net.ipv4.ip_forward"}, {"-n", "net.ipv4.ip_forward"}, {"-N", "net/ipv4/ip_forward"},
		{"net.ipv4.tcp_rmem"}, {"-b", "net.ipv4.ip_default_ttl"},
		{"net.ipv4.conf.lo"}, {"net/ipv4/conf/v0.100/forwarding"}, {"net.ipv4.conf.v0/100.forwarding"},
		{"-a", "-r", `^net\.ipv4\.conf\.`}, {"--pattern", "ip_forward", "-a"}, {"-a", "-r", "^net\\.ipv6\\.conf\\.all"},
		{"net.ipv6.conf.lo"}, {"-a", "-N"}, {"-N", "-a", "--deprecated"}, {"net.ipv4.neigh.default"},
		{"nosuch.key"}, {"-e", "nosuch.key"}, {"net.ipv4.route.flush"}, {"net.ipv4.ip_forward", "nosuch.key", "net.ipv4.ip_default_ttl"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			want, wantErr, wantCode := toolstest.Status(t, realInNetns(t, ns, "procps", append([]string{"sysctl"}, args...)...))
			got, gotErr, code := toolstest.Status(t, inNetns(t, ns, append([]string{"sysctl"}, args...)...))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stdout (-procps +ours):\n%s", diff)
			}
			if diff := cmp.Diff(wantErr, gotErr); diff != "" {
				t.Errorf("stderr (-procps +ours):\n%s", diff)
			}
			if code != wantCode {
				t.Errorf("status %d, procps %d", code, wantCode)
			}
		})
	}
}

// TestSysctlTree: what a machine's /proc/sys does not always hold: multi-line values,
// empty files, write-only and deprecated keys.
func TestSysctlTree(t *testing.T) {
	root := t.TempDir()
	toolstest.WriteFiles(t, root, map[string]string{
		"dev/cdrom/info":                           "CD-ROM information\n\ndrive name:\tsr0\n",
		"net/ipv4/empty":                           "",
		"net/ipv4/neigh/eth0/retrans_time":         "100\n",
		"net/ipv4/neigh/eth0/retrans_time_ms":      "1000\n",
		"net/ipv4/route/flush":                     "",
		"net/ipv4/conf/eth0.100/forwarding":        "1\n",
		"net/ipv4/conf/eth0.100/no_trailing_space": "7",
	})
	if err := os.Chmod(filepath.Join(root, "net/ipv4/route/flush"), 0o200); err != nil {
		t.Fatal(err)
	}
	old := sysctlRoot
	sysctlRoot = root
	t.Cleanup(func() { sysctlRoot = old })
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-a"}, "dev.cdrom.info = CD-ROM information\ndev.cdrom.info = \ndev.cdrom.info = drive name:\tsr0\n" +
			"net.ipv4.conf.eth0/100.forwarding = 1\nnet.ipv4.conf.eth0/100.no_trailing_space = 7\n" +
			"net.ipv4.neigh.eth0.retrans_time_ms = 1000\n"},
		{[]string{"-a", "--deprecated", "-r", "neigh"}, "net.ipv4.neigh.eth0.retrans_time = 100\nnet.ipv4.neigh.eth0.retrans_time_ms = 1000\n"},
		{[]string{"-n", "net.ipv4.conf.eth0/100.forwarding", "net/ipv4/conf/eth0.100/no_trailing_space"}, "1\n7"},
		{[]string{"-b", "net.ipv4.neigh.eth0.retrans_time_ms"}, "1000"},
		{[]string{"-N", "-r", "route|neigh", "-a"}, "net.ipv4.neigh.eth0.retrans_time_ms\n"}, // not the write-only flush
	} {
		got, stderr, code := toolstest.Run(t, t.TempDir(), "", append([]string{"sysctl"}, c.args...)...)
		if code != 0 || stderr != "" {
			t.Errorf("sysctl %v = %d %q", c.args, code, stderr)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("sysctl %v (-want +got):\n%s", c.args, diff)
		}
	}
	for _, args := range [][]string{{"-w", "net.ipv4.ip_forward=1"}, {"net.ipv4.ip_forward=1"}, {"-p"}, {}} {
		_, stderr, code := toolstest.Run(t, t.TempDir(), "", append([]string{"sysctl"}, args...)...)
		if code != 1 || stderr == "" {
			t.Errorf("sysctl %v = %d %q, want a refusal with status 1", args, code, stderr)
		}
	}
}
