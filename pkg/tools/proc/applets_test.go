//go:build linux

package proc

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func TestKillAndPidof(t *testing.T) {
	cmd := startSleep(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	out, _, code := run(t, "pidof", "sleep")
	if code != 0 || !contains(strings.Fields(out), pid) {
		t.Fatalf("pidof sleep = %d %q, want it to list %s", code, out, pid)
	}
	out, _, code = run(t, "pgrep", "-f", "^sleep 30$")
	if code != 0 || !contains(strings.Fields(out), pid) {
		t.Fatalf("pgrep -f = %d %q, want %s", code, out, pid)
	}
	out, _, _ = run(t, "pstree", "-p", strconv.Itoa(os.Getpid()))
	if !strings.Contains(out, "sleep("+pid+")") {
		t.Errorf("pstree -p <test pid> = %q, want the child sleep(%s)", out, pid)
	}
	if _, stderr, code := run(t, "kill", "-USR1", pid); code != 0 {
		t.Fatalf("kill -USR1 %s = %d %q", pid, code, stderr)
	}
	err := cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGUSR1 {
		t.Errorf("sleep ended with %v, want killed by SIGUSR1", err)
	}
}

func TestPkill(t *testing.T) {
	cmd := startSleep(t)
	if _, _, code := run(t, "pkill", "-KILL", "-f", "^sleep 30$"); code != 0 {
		t.Fatalf("pkill = %d", code)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pkill did not kill the sleep")
	}
}

func TestKillList(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"kill", "-l", "9"}, "KILL\n"},
		{[]string{"kill", "-l", "137"}, "KILL\n"},
		{[]string{"kill", "-l", "TERM"}, "15\n"},
	}
	for _, tt := range tests {
		if out, _, _ := run(t, tt.args...); out != tt.want {
			t.Errorf("%v = %q, want %q", tt.args, out, tt.want)
		}
	}
	if out, _, _ := run(t, "kill", "-l"); !strings.HasPrefix(out, "HUP INT QUIT") {
		t.Errorf("kill -l = %q", out)
	}
	if _, _, code := run(t, "kill", "-NOSUCH", "1"); code != 2 {
		t.Errorf("kill -NOSUCH = %d, want 2", code)
	}
}

func TestEnv(t *testing.T) {
	out, _, code := runWith(t, []string{"A=1", "B=2"}, "env", "-i", "C=3", "env")
	if code != 0 || out != "C=3\n" {
		t.Errorf("env -i C=3 env = %d %q, want C=3 only", code, out)
	}
	out, _, _ = runWith(t, []string{"A=1", "B=2"}, "env", "-u", "A", "B=9", "printenv", "B", "A")
	if out != "9\n" {
		t.Errorf("env -u A B=9 printenv B A = %q, want \"9\\n\"", out)
	}
	out, _, _ = runWith(t, []string{"A=1"}, "env")
	if out != "A=1\n" {
		t.Errorf("env = %q", out)
	}
	if _, _, code := runWith(t, nil, "printenv", "NOPE"); code != 1 {
		t.Errorf("printenv NOPE = %d, want 1", code)
	}
}

func TestGoldenSystem(t *testing.T) {
	tests := [][]string{
		{"uname", "-a"}, {"uname", "-srm"}, {"hostname"}, {"nproc"}, {"nproc", "--all"},
		{"id"}, {"id", "-u"}, {"id", "-Gn"}, {"whoami"}, {"groups"},
		{"prlimit", "-p", strconv.Itoa(os.Getpid())}, {"prlimit", "--nofile", "--noheadings"},
		{"mount"}, {"findmnt"}, {"findmnt", "-t", "proc"}, {"findmnt", "/proc"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if diff := sameAsReference(t, os.Environ(), args...); diff != "" {
				t.Errorf("%v (-reference +ours):\n%s", args, diff)
			}
		})
	}
}

// sameAsReference runs the reference tool and the applet named by args[0] with environ,
// and returns their difference, "" when none. Mounts and processes may change between the
// two reads (other tests mount and unmount): it retries a few times before calling a
// difference real.
func sameAsReference(t *testing.T, environ []string, args ...string) string {
	t.Helper()
	var diff string
	for attempt := 0; attempt < 5; attempt++ {
		cmd := exec.Command(requireTool(t, args[0]), args[1:]...)
		cmd.Env = environ
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("reference %v: %v", args, err)
		}
		got, stderr, code := runWith(t, environ, args...)
		if code != 0 {
			t.Fatalf("%v = %d %q", args, code, stderr)
		}
		if diff = cmp.Diff(string(want), got); diff == "" {
			return ""
		}
		time.Sleep(200 * time.Millisecond)
	}
	return diff
}

// TestFindmntLocale: findmnt draws its tree with line-drawing characters in a UTF-8
// locale and with ASCII in any other, as util-linux does.
func TestFindmntLocale(t *testing.T) {
	for _, locale := range []string{"C", "POSIX", "C.UTF-8"} { // C.UTF-8 is built into glibc; others may not be installed
		if diff := sameAsReference(t, append(os.Environ(), "LC_ALL="+locale), "findmnt"); diff != "" {
			t.Errorf("LC_ALL=%s findmnt (-reference +ours):\n%s", locale, diff)
		}
	}
}

func TestFreeGolden(t *testing.T) {
	for _, flag := range []string{"-k", "-m"} {
		want := strings.Split(reference(t, "free", flag), "\n")
		got, _, _ := run(t, "free", flag)
		lines := strings.Split(got, "\n")
		if lines[0] != want[0] {
			t.Errorf("free %s header = %q, want %q", flag, lines[0], want[0])
		}
		// Totals do not move between the two reads; used and free may.
		for i := 1; i <= 2; i++ {
			if g, w := strings.Fields(lines[i]), strings.Fields(want[i]); g[0] != w[0] || g[1] != w[1] || len(lines[i]) != len(want[i]) {
				t.Errorf("free %s line %d = %q, want like %q", flag, i, lines[i], want[i])
			}
		}
	}
}

func TestSleep(t *testing.T) {
	tests := map[string]time.Duration{"1": time.Second, "0.5": 500 * time.Millisecond, "2m": 2 * time.Minute, "1.5h": 90 * time.Minute, "1d": 24 * time.Hour}
	for in, want := range tests {
		if got, err := parseSleep(in); err != nil || got != want {
			t.Errorf("parseSleep(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseSleep("x"); err == nil {
		t.Error("parseSleep(x) succeeded")
	}
	a, _ := tools.Lookup("sleep")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	code := a.Run(ctx, &tools.Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}}, []string{"sleep", "10"})
	if code != 130 || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled sleep 10 = %d after %v, want 130 at once", code, time.Since(start))
	}
}

func TestStrftime(t *testing.T) {
	tm := time.Date(2026, 3, 7, 9, 5, 4, 123456789, time.UTC)
	tests := map[string]string{
		"%Y-%m-%d %H:%M:%S":      "2026-03-07 09:05:04",
		"%a %b %e %T %Z %Y":      "Sat Mar  7 09:05:04 UTC 2026",
		"%s.%N %j %u %w %y %I%p": "1772874304.123456789 066 6 6 26 09AM",
		"%F|%D|%R|%%|%:z|%q":     "2026-03-07|03/07/26|09:05|%|+00:00|%q",
	}
	for f, want := range tests {
		if got := strftime(tm, f); got != want {
			t.Errorf("strftime(%q) = %q, want %q", f, got, want)
		}
	}
	if out, _, _ := run(t, "date", "-u", "-d", "@0", "+%F %T"); out != "1970-01-01 00:00:00\n" {
		t.Errorf("date -u -d @0 = %q", out)
	}
}

func TestDateGolden(t *testing.T) {
	args := []string{"-u", "-d", "@1700000000"}
	want := reference(t, "date", args...)
	if got, _, _ := run(t, append([]string{"date"}, args...)...); got != want {
		t.Errorf("date %v = %q, want %q", args, got, want)
	}
}

func TestCaps(t *testing.T) {
	tests := []struct {
		mask uint64
		want string
	}{
		{0, "(none)"},
		{1<<10 | 1<<13, "cap_net_bind_service,cap_net_raw"},
		{1<<41 - 1, "(all)"},
		{1<<41 - 1 - 1<<24, "(all) except cap_sys_resource"},
		{1 << 50, "cap_50"},
	}
	for _, tt := range tests {
		if got := describeCaps(tt.mask); got != tt.want {
			t.Errorf("describeCaps(%#x) = %q, want %q", tt.mask, got, tt.want)
		}
	}
	out, _, code := run(t, "caps", strconv.Itoa(os.Getpid()))
	if code != 0 || !strings.Contains(out, "CapBnd:") || !strings.Contains(out, "Seccomp:") {
		t.Errorf("caps self = %d %q", code, out)
	}
}

func TestCgroup(t *testing.T) {
	out, stderr, code := run(t, "cgroup")
	if code != 0 || !strings.Contains(out, "cgroup") || !strings.Contains(out, "cpu:") {
		t.Errorf("cgroup = %d %q %q", code, out, stderr)
	}
}

func TestTopBatch(t *testing.T) {
	out, stderr, code := run(t, "top", "-b", "-n", "1", "-d", "0.1")
	if code != 0 {
		t.Fatalf("top -b -n 1 = %d %q", code, stderr)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "top - ") || !strings.HasPrefix(lines[1], "Tasks:") {
		t.Errorf("top header = %q", lines[:2])
	}
	if !strings.Contains(out, "PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND") {
		t.Errorf("top has no process header:\n%s", out)
	}
	self := strconv.Itoa(os.Getpid())
	found := false
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && f[0] == self {
			found = true
		}
	}
	if !found {
		t.Errorf("top -b does not list the test process %s", self)
	}
}

func TestHelp(t *testing.T) {
	for _, a := range []string{"ps", "top", "kill", "pkill", "pidof", "pstree", "env", "printenv", "id", "whoami", "groups",
		"hostname", "uname", "uptime", "free", "date", "sleep", "nproc", "prlimit", "ulimit", "caps", "mount", "findmnt", "cgroup"} {
		out, _, code := run(t, a, "--help")
		if code != 0 || !strings.HasPrefix(out, "Usage: ") {
			t.Errorf("%s --help = %d %q", a, code, out)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestUptime(t *testing.T) {
	tests := []struct {
		d      time.Duration
		pretty bool
		want   string
	}{
		{8 * time.Minute, false, "up 8 min"},
		{3*time.Hour + 5*time.Minute, false, "up  3:05"},
		{50*time.Hour + 1*time.Minute, false, "up 2 days,  2:01"},
		{24 * time.Hour, false, "up 1 day, 0 min"},
		{8*24*time.Hour + time.Hour + time.Minute, true, "up 1 week, 1 day, 1 hour, 1 minute"},
		{30 * time.Second, true, "up 0 minutes"},
	}
	for _, tt := range tests {
		if got := formatUptime(tt.d, tt.pretty); got != tt.want {
			t.Errorf("formatUptime(%v, %v) = %q, want %q", tt.d, tt.pretty, got, tt.want)
		}
	}
	out, _, code := run(t, "uptime")
	if code != 0 || !strings.Contains(out, " up ") || !strings.Contains(out, "load average: ") {
		t.Errorf("uptime = %d %q", code, out)
	}
}

func TestUlimit(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, "ulimit", "-n")
	if code != 0 || strings.TrimSpace(out) != strconv.FormatUint(lim.Cur, 10) {
		t.Errorf("ulimit -n = %d %q, want %d", code, out, lim.Cur)
	}
	out, _, _ = run(t, "ulimit", "-a")
	if !strings.Contains(out, "open files                          (-n) "+strconv.FormatUint(lim.Cur, 10)) {
		t.Errorf("ulimit -a lacks the open files line:\n%s", out)
	}
	// Refused as a limit bash cannot modify is: status 1 (rlimits.Ulimit).
	if _, _, code := run(t, "ulimit", "-n", "10"); code != 1 {
		t.Errorf("ulimit -n 10 (setting) = %d, want 1", code)
	}
}
