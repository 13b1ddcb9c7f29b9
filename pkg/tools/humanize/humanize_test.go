package humanize

import "testing"

func TestFreeHuman(t *testing.T) {
	tests := map[uint64]string{0: "0B", 8872 * 1024: "8.7Mi", 24684084 * 1024: "23Gi", 900972 * 1024: "879Mi"}
	for n, want := range tests {
		if got := Size(n, Procps); got != want {
			t.Errorf("freeHuman(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestNetTools: ifconfig's sizes of net-tools (moved from netx's ifconfig test).
func TestNetTools(t *testing.T) {
	if got := NetTools(1152); got != "1.1 KiB" {
		t.Errorf("NetTools(1152) = %q", got)
	}
	if got := NetTools(694373891); got != "662.2 MiB" {
		t.Errorf("NetTools(694373891) = %q", got)
	}
}
