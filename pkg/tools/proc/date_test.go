package proc

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDateForms: GNU's -d forms and POSIX TZ strings print what GNU date prints; BusyBox's
// forms, which GNU date lacks, are read as BusyBox reads them.
func TestDateForms(t *testing.T) {
	gnu := []struct{ tz, date string }{
		{"UTC0", "1999-1-2 3:4:5Z"},
		{"UTC0", "1999-1-2 3:4:5 +0600"},
		{"UTC0", "1999-1-2 3:4:5 -0600"},
		{"GMT0BST,M3.5.0/1,M10.5.0/2", "2021-03-28 00:59:59 +0000"},
		{"GMT0BST,M3.5.0/1,M10.5.0/2", "2021-03-28 01:00:01 +0000"},
		{"GMT0BST,M3.5.0/1,M10.5.0/2", "2021-10-31 01:00:01 +0000"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", "@1288486799"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", "@1269738001"},
		{"CET-1CEST-2", "2000-01-01 11:22:33"},
		{"Europe/Paris", "2000-07-01"},
	}
	for _, c := range gnu {
		cmd := exec.Command(requireTool(t, "date"), "-d", c.date)
		cmd.Env = append(os.Environ(), "TZ="+c.tz, "LC_ALL=C")
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("GNU date -d %q: %v", c.date, err)
		}
		if got, e, _ := runWith(t, []string{"TZ=" + c.tz}, "date", "-d", c.date); got != string(want) {
			t.Errorf("TZ=%s date -d %q: %q %s, want %q", c.tz, c.date, got, e, want)
		}
	}
	busybox := []struct{ args, want string }{
		{"-d 1999.01.01-11:22:33 +%d/%m/%y", "01/01/99"},
		{"-d 1999.1.2-3:4:5 +%F_%T", "1999-01-02_03:04:05"},
		{"-u -d 2000.01.01-11:22:33", "Sat Jan  1 11:22:33 UTC 2000"},
		{"-d 200001231133 +%F_%T", "2000-01-23_11:33:00"},
		{"-d 200001231133.30 +%F_%T", "2000-01-23_11:33:30"},
		{"-d 1:2:3 +%T", "01:02:03"},
	}
	for _, c := range busybox {
		if got, e, _ := runWith(t, []string{"TZ=CET-1CEST-2"}, append([]string{"date"}, strings.Fields(c.args)...)...); got != c.want+"\n" {
			t.Errorf("date %s: %q %s, want %q", c.args, got, e, c.want)
		}
	}
	if _, e, st := run(t, "date", "-d", "1999.13.01-11:22"); st != 1 || e != "date: invalid date '1999.13.01-11:22'\n" {
		t.Errorf("date -d of a bad date: status %d, %q", st, e)
	}
}

// TestDateOperandWithD: with -d, an operand that is not a +FORMAT is refused in GNU date's
// words and status, -d given before or after it.
func TestDateOperandWithD(t *testing.T) {
	want := "date: the argument '%+c' lacks a leading '+';\nwhen using an option to specify date(s), any non-option\nargument must be a format string beginning with '+'\nTry 'date --help' for more information.\n"
	for _, args := range [][]string{{"date", "-d", "012311332000.30", "%+c"}, {"date", "%+c", "-d", "@0"}} {
		out, e, st := run(t, args...)
		if st != 1 || out != "" || e != want {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want 1 and %q", args, st, out, e, want)
		}
	}
}
