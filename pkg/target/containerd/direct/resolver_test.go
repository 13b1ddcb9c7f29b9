package direct

import "testing"

func TestAtLeast(t *testing.T) {
	for v, want := range map[string]bool{"1.6.20~ds1": true, "v2.1.0": true, "2.0.0-rc.1": true, "1.5.9": false, "0.9": false, "devel": true, "1": true, "10.0": true} {
		if got := AtLeast(v, MinVersion); got != want {
			t.Errorf("AtLeast(%q) = %v, want %v", v, got, want)
		}
	}
}
