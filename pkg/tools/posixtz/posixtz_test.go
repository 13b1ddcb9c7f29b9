package posixtz

import (
	"testing"
	"time"
)

// TestLocation checks POSIX TZ strings against what glibc's date prints for them.
func TestLocation(t *testing.T) {
	cases := []struct {
		tz   string
		unix int64
		want string
	}{
		{"UTC0", 0, "1970-01-01 00:00:00 UTC"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", 1288486799, "2010-10-31 03:59:59 EEST"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", 1288486801, "2010-10-31 03:00:01 EET"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", 1269737999, "2010-03-28 02:59:59 EET"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", 1269738001, "2010-03-28 04:00:01 EEST"},
		{"GMT0BST,M3.5.0/1,M10.5.0/2", 1616893201, "2021-03-28 02:00:01 BST"},
		{"UTC-2", 0, "1970-01-01 02:00:00 UTC"},
		{"Europe/Paris", 0, "1970-01-01 01:00:00 CET"},
	}
	for _, c := range cases {
		l, err := Location(c.tz)
		if err != nil {
			t.Errorf("Location(%q): %v", c.tz, err)
			continue
		}
		if got := time.Unix(c.unix, 0).In(l).Format("2006-01-02 15:04:05 MST"); got != c.want {
			t.Errorf("TZ=%s at %d: %s, want %s", c.tz, c.unix, got, c.want)
		}
	}
	if _, err := Location("nowhere/nothing"); err == nil {
		t.Errorf("Location of an unknown zone: no error")
	}
}
