//go:build linux

package proc

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPSGolden(t *testing.T) {
	requireTool(t, "ps")
	cmd := startSleep(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	for _, format := range []string{"pid,ppid,comm", "pid,user,uid,gid,nlwp,tty,s,comm", "pid,ppid,pgid,sid,ni,args"} {
		want := reference(t, "ps", "-o", format, "-p", pid)
		got, stderr, code := run(t, "ps", "-o", format, "-p", pid)
		if code != 0 {
			t.Fatalf("ps -o %s -p %s = %d, stderr %q", format, pid, code, stderr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ps -o %s -p %s (-procps +ours):\n%s", format, pid, diff)
		}
	}
}

func TestPSFormats(t *testing.T) {
	cmd := startSleep(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	tests := []struct {
		args   []string
		header string
		row    string // a field sequence the sleep's row must contain
	}{
		{[]string{"ps", "aux"}, "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND", "sleep 30"},
		{[]string{"ps", "-ef"}, "UID PID PPID C STIME TTY TIME CMD", "sleep 30"},
		{[]string{"ps", "-e"}, "PID TTY TIME CMD", pid},
		{[]string{"ps", "-p", pid, "-o", "pid,comm=NAME"}, "PID NAME", pid + " sleep"},
	}
	for _, tt := range tests {
		out, stderr, code := run(t, tt.args...)
		if code != 0 {
			t.Fatalf("%v = %d: %s", tt.args, code, stderr)
		}
		lines := strings.Split(out, "\n")
		if got := strings.Join(strings.Fields(lines[0]), " "); got != tt.header {
			t.Errorf("%v header = %q, want %q", tt.args, got, tt.header)
		}
		found := false
		for _, l := range lines[1:] {
			f := strings.Fields(l)
			if len(f) > 1 && (f[0] == pid || f[1] == pid) && strings.Contains(strings.Join(f, " "), tt.row) {
				found = true
			}
		}
		if !found {
			t.Errorf("%v: no row for pid %s with %q in\n%s", tt.args, pid, tt.row, out)
		}
	}
}

func TestPSForest(t *testing.T) {
	cmd := startSleep(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	out, _, code := run(t, "ps", "-e", "--forest", "-o", "pid,args")
	if code != 0 {
		t.Fatalf("ps --forest = %d", code)
	}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == pid {
			if f[1] != `\_` {
				t.Errorf("child row %q has no tree art", l)
			}
			return
		}
	}
	t.Errorf("pid %s not in\n%s", pid, out)
}

func TestPSUnknownColumn(t *testing.T) {
	if _, stderr, code := run(t, "ps", "-o", "pid,bogus"); code != 2 || !strings.Contains(stderr, "bogus") {
		t.Errorf("ps -o bogus = %d %q, want 2 and a message naming it", code, stderr)
	}
}

func TestFormatters(t *testing.T) {
	now := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	tests := []struct{ got, want string }{
		{formatDHMS(2), "00:00:02"},
		{formatDHMS(90061), "1-01:01:01"},
		{formatElapsed(322), "05:22"},
		{formatElapsed(3725), "01:02:05"},
		{formatElapsed(90061), "1-01:01:01"},
		{formatStartTime(now.Add(-time.Hour), now), "17:00"},
		{formatStartTime(now.Add(-72*time.Hour), now), "Nov20"},
		{formatStartTime(now.AddDate(-2, 0, 0), now), "2024"},
		{ttyName(0), "?"},
		{ttyName(136<<8 | 3), "pts/3"},
		{ttyName(4<<8 | 1), "tty1"},
		{ttyName(4<<8 | 65), "ttyS1"},
		{(&process{State: "S", PID: 5, Session: 5, NumThreads: 3, Nice: -5}).statString(), "S<sl"},
		{(&process{State: "R", PID: 6, Session: 5, TTY: 1, TPGID: 6, PGRP: 6, Nice: 5}).statString(), "RN+"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
