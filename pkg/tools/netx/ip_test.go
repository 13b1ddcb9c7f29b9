//go:build linux

package netx

import (
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func TestIPGolden(t *testing.T) {
	for _, args := range [][]string{
		{"link"}, {"addr"}, {"-4", "addr"}, {"-br", "addr"}, {"-br", "link"}, {"route"}, {"-6", "route"},
		{"addr", "show", "dev", "lo"}, {"link", "show", "lo"},
		{"neigh"}, {"-4", "neigh"}, {"-6", "neigh"}, {"neigh", "show"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// Interfaces may come and go between the two reads (other tests create veths
			// and namespaces): retry a few times before calling a difference real.
			var diff string
			for attempt := 0; attempt < 5; attempt++ {
				want := reference(t, "ip", args...)
				got, stderr, code := run(t, append([]string{"ip"}, args...)...)
				if code != 0 {
					t.Fatalf("ip %v = %d %q", args, code, stderr)
				}
				if diff = cmp.Diff(want, got); diff == "" {
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
			t.Errorf("ip %v (-iproute2 +ours):\n%s", args, diff)
		})
	}
}

// TestIPOneDevice: listing the routes or neighbours of one device, iproute2 leaves
// "dev IFNAME" out of every line; compared on each device (other tests add and remove
// some meanwhile: one that is gone is passed over, a difference is retried).
func TestIPOneDevice(t *testing.T) {
	reference(t, "ip", "link") // skips without iproute2
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		for _, args := range [][]string{{"route", "show", "dev", i.Name}, {"-6", "route", "show", "dev", i.Name}, {"neigh", "show", "dev", i.Name}} {
			var diff string
			for attempt := 0; attempt < 5; attempt++ {
				want, err := exec.Command("ip", args...).Output()
				got, _, code := run(t, append([]string{"ip"}, args...)...)
				if err != nil || code != 0 { // the device is gone
					diff = ""
					break
				}
				if diff = cmp.Diff(string(want), got); diff == "" {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if diff != "" {
				t.Errorf("ip %v (-iproute2 +ours):\n%s", args, diff)
			}
		}
	}
}

func TestIPReadOnly(t *testing.T) {
	if _, stderr, code := run(t, "ip", "addr", "add", "10.0.0.1/8", "dev", "lo"); code == 0 || !strings.Contains(stderr, "read-only") {
		t.Errorf("ip addr add = %d %q, want a read-only refusal", code, stderr)
	}
	if _, _, code := run(t, "ip", "link", "show", "nosuchdev0"); code != 1 {
		t.Errorf("ip link show nosuchdev0 = %d, want 1", code)
	}
}

func TestRtattrs(t *testing.T) {
	// IFLA_IFNAME "lo\0" (len 7, padded to 8) then IFLA_MTU 65536.
	b := []byte{7, 0, 3, 0, 'l', 'o', 0, 0, 8, 0, 4, 0, 0, 0, 1, 0}
	a := rtattrs(b)
	if cstr(a[unix.IFLA_IFNAME]) != "lo" || u32(a[unix.IFLA_MTU]) != 65536 {
		t.Errorf("rtattrs = %v", a)
	}
	if got := rtattrs([]byte{200, 0, 1, 0}); len(got) != 0 {
		t.Errorf("rtattrs of a truncated attribute = %v, want nothing", got)
	}
}

func TestWriteFormats(t *testing.T) {
	var b strings.Builder
	writeAddr(&b, address{family: unix.AF_INET6, prefix: 64, scope: 0, flags: unix.IFA_F_NODAD | unix.IFA_F_PERMANENT,
		local: net.ParseIP("fd00::2"), valid: 0xffffffff, preferred: 0xffffffff})
	writeAddr(&b, address{family: unix.AF_INET, prefix: 24, scope: 0, local: net.ParseIP("10.1.2.3").To4(),
		brd: net.ParseIP("10.1.2.255").To4(), label: "eth0", valid: 3600, preferred: 1800})
	want := "    inet6 fd00::2/64 scope global nodad \n       valid_lft forever preferred_lft forever\n" +
		"    inet 10.1.2.3/24 brd 10.1.2.255 scope global dynamic eth0\n       valid_lft 3600sec preferred_lft 1800sec\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("writeAddr (-want +got):\n%s", diff)
	}
	if got := linkFlags(unix.IFF_UP | unix.IFF_BROADCAST | unix.IFF_MULTICAST); got != "<NO-CARRIER,BROADCAST,MULTICAST,UP>" {
		t.Errorf("linkFlags = %q", got)
	}
}
