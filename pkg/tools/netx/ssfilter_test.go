//go:build linux

package netx

import (
	"net"
	"testing"
)

func TestSSFilter(t *testing.T) {
	listen := socket{state: "LISTEN", family: 4, local: net.ParseIP("0.0.0.0"), lport: 80, peer: net.ParseIP("0.0.0.0")}
	estab := socket{state: "ESTAB", family: 4, local: net.ParseIP("10.0.0.1"), lport: 80, peer: net.ParseIP("10.0.0.2"), pport: 5555}
	other := socket{state: "ESTAB", family: 4, local: net.ParseIP("10.0.0.1"), lport: 4000, peer: net.ParseIP("192.168.1.9"), pport: 443}
	all := []socket{listen, estab, other}
	tests := []struct {
		filter string
		want   []bool
	}{
		{"", []bool{true, true, true}},
		{"sport = :80", []bool{true, true, false}},
		{"( sport = :80 or dport = :443 )", []bool{true, true, true}},
		{"state established", []bool{false, true, true}},
		{"state established and sport = :80", []bool{false, true, false}},
		{"exclude listening", []bool{false, true, true}},
		{"dst 192.168.0.0/16", []bool{false, false, true}},
		{"dst 10.0.0.2:5555", []bool{false, true, false}},
		{"not sport = :80", []bool{false, false, true}},
		{"sport >= :1024", []bool{false, false, true}},
		{"sport gt :80", []bool{false, false, true}},
	}
	for _, tt := range tests {
		var args []string
		if tt.filter != "" {
			args = []string{tt.filter}
		}
		f, err := parseSSFilter(args)
		if err != nil {
			t.Errorf("parseSSFilter(%q): %v", tt.filter, err)
			continue
		}
		for i, s := range all {
			if got := f.match(s); got != tt.want[i] {
				t.Errorf("filter %q on socket %d = %v, want %v", tt.filter, i, got, tt.want[i])
			}
		}
	}
	for _, bad := range []string{"sport = :x", "state nosuch", "frobnicate", "dst"} {
		if _, err := parseSSFilter([]string{bad}); err == nil {
			t.Errorf("parseSSFilter(%q) succeeded", bad)
		}
	}
}
