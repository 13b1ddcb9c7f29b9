package proc

import "testing"

// The kernel escapes /dev/kmsg's text; dmesg shows a tab, a backslash and UTF-8 as they
// were written, and only control characters and bytes that are not UTF-8 escaped.
func TestKmsgText(t *testing.T) {
	for in, want := range map[string]string{
		`rcu: \x09RCU restricting`: "rcu: \tRCU restricting",
		`a\x5cb`:                   `a\b`,
		`caf\xc3\xa9`:              "café",
		`bell\x07 esc\x1b del\x7f`: `bell\x07 esc\x1b del\x7f`,
		`bad\xff utf8`:             `bad\xff utf8`,
		`short \x4`:                `short \x4`,
		`plain`:                    "plain",
	} {
		if got := kmsgText([]byte(in)); got != want {
			t.Errorf("kmsgText(%q) = %q, want %q", in, got, want)
		}
	}
}
