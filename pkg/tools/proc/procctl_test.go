//go:build linux

package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// childEnviron lets an applet start applets as processes (/proc/self/exe is the test
// binary here: see toolstest.Main).
var childEnviron = []string{"PATH=" + os.Getenv("PATH"), toolstest.ChildEnv}

// referenceStatus runs the reference tool and returns its stdout, stderr and status.
func referenceStatus(t *testing.T, name string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(requireTool(t, name), args...)
	out, errs, code := toolstest.Status(t, cmd)
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal()) // as a shell reports it
	}
	return out, errs, code
}

func TestTimeoutGolden(t *testing.T) {
	requireTool(t, "timeout")
	tests := [][]string{
		{"0.2", "/bin/sleep", "5"},
		{"-s", "INT", "0.2", "/bin/sleep", "5"},
		{"--preserve-status", "-s", "INT", "0.2", "/bin/sleep", "5"},
		{"-k", "0.3", "-s", "USR1", "0.2", "/bin/sh", "-c", "trap '' USR1; /bin/sleep 5"},
		{"5", "/bin/sh", "-c", "exit 3"},
		{"0", "/bin/true"},
		{"1", "/nonexistent"},
		{"x", "/bin/true"},
		{"-s", "NOPE", "1", "/bin/true"},
		{"1"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, _, want := referenceStatus(t, "timeout", args...)
			if _, stderr, got := runWith(t, childEnviron, append([]string{"timeout"}, args...)...); got != want {
				t.Errorf("timeout %v = %d (%q), GNU timeout %d", args, got, stderr, want)
			}
		})
	}
	// An applet runs as a process of its own, which the signal ends.
	start := time.Now()
	if _, stderr, got := runWith(t, childEnviron, "timeout", "0.3", "sleep", "10"); got != 124 || time.Since(start) > 5*time.Second {
		t.Errorf("timeout 0.3 sleep 10 (the applet) = %d %q after %v, want 124 at once", got, stderr, time.Since(start))
	}
}

func TestNiceGolden(t *testing.T) {
	tests := [][]string{{}, {"-n", "3", "/usr/bin/nice"}, {"-7", "/usr/bin/nice"}, {"/usr/bin/nice"}, {"-n", "x", "/bin/true"}}
	for _, args := range tests {
		want, _, wantCode := referenceStatus(t, "nice", args...)
		got, stderr, code := runWith(t, childEnviron, append([]string{"nice"}, args...)...)
		if got != want || code != wantCode {
			t.Errorf("nice %v = %d %q (%q), GNU nice %d %q", args, code, got, stderr, wantCode, want)
		}
	}
	// the applet itself as the command
	base, _, _ := run(t, "nice")
	n, _ := strconv.Atoi(strings.TrimSpace(base))
	if got, _, _ := runWith(t, childEnviron, "nice", "-n", "4", "nice"); got != strconv.Itoa(min(n+4, 19))+"\n" {
		t.Errorf("nice -n 4 nice = %q, want %d", got, n+4)
	}
}

func TestReniceGolden(t *testing.T) {
	requireTool(t, "renice")
	a, b := startSleep(t), startSleep(t)
	for _, args := range [][]string{{"-n", "5", "-p"}, {"7"}, {"-n", "2"}, {"3", "-g"}} {
		want, _, wantCode := referenceStatus(t, "renice", append(args, strconv.Itoa(a.Process.Pid))...)
		want = strings.ReplaceAll(want, strconv.Itoa(a.Process.Pid), "PID")
		got, stderr, code := run(t, append(append([]string{"renice"}, args...), strconv.Itoa(b.Process.Pid))...)
		got = strings.ReplaceAll(got, strconv.Itoa(b.Process.Pid), "PID")
		if got != want || code != wantCode {
			t.Errorf("renice %v = %d %q (%q), util-linux %d %q", args, code, got, stderr, wantCode, want)
		}
	}
	if _, _, code := run(t, "renice", "-n", "1", "-p", "999999999"); code != 1 {
		t.Errorf("renice of no process = %d, want 1", code)
	}
}

func TestIoniceGolden(t *testing.T) {
	requireTool(t, "ionice")
	s := startSleep(t)
	pid := strconv.Itoa(s.Process.Pid)
	for _, args := range [][]string{{"-p", pid}, {"-c", "2", "-n", "5", "/usr/bin/ionice"}, {"-c", "3", "/usr/bin/ionice"},
		{"-c", "best-effort", "/usr/bin/ionice"}, {"-p", pid, pid}} {
		want, _, wantCode := referenceStatus(t, "ionice", args...)
		got, stderr, code := runWith(t, childEnviron, append([]string{"ionice"}, args...)...)
		if got != want || code != wantCode {
			t.Errorf("ionice %v = %d %q (%q), util-linux %d %q", args, code, got, stderr, wantCode, want)
		}
	}
	if _, _, code := run(t, "ionice", "-c", "3", "-p", pid); code != 0 {
		t.Fatalf("ionice -c 3 -p = %d", code)
	}
	if want := reference(t, "ionice", "-p", pid); want != "idle\n" {
		t.Errorf("after ionice -c 3 -p, util-linux reads %q, want idle", want)
	}
}

func TestTasksetGolden(t *testing.T) {
	requireTool(t, "taskset")
	a, b := startSleep(t), startSleep(t)
	for _, args := range [][]string{{"-p"}, {"-cp"}, {"-p", "1"}, {"-cp", "0"}, {"-p", "zz"}, {"-c", "-p", "0-0"}} {
		want, _, wantCode := referenceStatus(t, "taskset", append(args, strconv.Itoa(a.Process.Pid))...)
		want = strings.ReplaceAll(want, strconv.Itoa(a.Process.Pid), "PID")
		got, stderr, code := run(t, append(append([]string{"taskset"}, args...), strconv.Itoa(b.Process.Pid))...)
		got = strings.ReplaceAll(got, strconv.Itoa(b.Process.Pid), "PID")
		if got != want || code != wantCode {
			t.Errorf("taskset %v = %d %q (%q), util-linux %d %q", args, code, got, stderr, wantCode, want)
		}
	}
	if _, _, code := run(t, "taskset", "-p", "0"); code != 1 {
		t.Errorf("taskset -p 0 = %d, want 1 as util-linux and BusyBox", code)
	}
	// A command started on CPU 0 alone: the applet runs util-linux's taskset to read it.
	want, _, _ := referenceStatus(t, "taskset", "-c", "0", "/bin/sh", "-c", "taskset -p $$ | sed 's/[0-9]*.s/X/'")
	got, _, _ := run(t, "taskset", "-c", "0", "/bin/sh", "-c", "taskset -p $$ | sed 's/[0-9]*.s/X/'")
	if got != want || !strings.HasSuffix(got, "mask: 1\n") {
		t.Errorf("taskset -c 0 COMMAND: the command reads %q, util-linux's %q", got, want)
	}
}

func TestTTYGolden(t *testing.T) {
	want, _, wantCode := toolstest.Status(t, exec.Command(requireTool(t, "tty")))
	got, _, code := run(t, "tty") // stdin is a strings.Reader
	if got != want || code != wantCode || code != 1 {
		t.Errorf("tty with no terminal = %d %q, GNU %d %q", code, got, wantCode, want)
	}
	if got, _, code := run(t, "tty", "-s"); got != "" || code != 1 {
		t.Errorf("tty -s = %d %q, want 1 and nothing", code, got)
	}
}

func TestTime(t *testing.T) {
	_, stderr, code := runWith(t, childEnviron, "time", "-p", "/bin/sh", "-c", "exit 3")
	if code != 3 || !regexp.MustCompile(`^real \d+\.\d\d\nuser \d+\.\d\d\nsys \d+\.\d\d\n$`).MatchString(stderr) {
		t.Errorf("time -p sh -c 'exit 3' = %d %q, want 3 and POSIX's three lines", code, stderr)
	}
	_, stderr, code = runWith(t, childEnviron, "time", "sleep", "0.2")
	re := `^\d+\.\d\duser \d+\.\d\dsystem 0:00\.[2-9]\delapsed \d+%CPU \(0avgtext\+0avgdata \d+maxresident\)k\n\d+inputs\+\d+outputs \(\d+major\+\d+minor\)pagefaults 0swaps\n$`
	if code != 0 || !regexp.MustCompile(re).MatchString(stderr) {
		t.Errorf("time sleep 0.2 = %d %q, want GNU time's two lines", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "t")
	if _, _, code := run(t, "time", "-o", out, "/bin/sh", "-c", "kill -TERM $$"); code != 143 {
		t.Errorf("time of a command killed by TERM = %d, want 143", code)
	}
	if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "Command terminated by signal 15\n") {
		t.Errorf("time -o: %q", b)
	}
}

func TestKillallGolden(t *testing.T) {
	requireTool(t, "killall")
	name := "ddebugka" + strconv.Itoa(os.Getpid()%100000)
	for _, args := range [][]string{{name}, {"-q", name}, {"-s", "NOPE", name}} {
		_, want, wantCode := referenceStatus(t, "killall", args...)
		_, got, code := run(t, append([]string{"killall"}, args...)...)
		if got != want || code != wantCode {
			t.Errorf("killall %v = %d %q, psmisc %d %q", args, code, got, wantCode, want)
		}
	}
	bin := filepath.Join(t.TempDir(), name)
	sleep, _ := os.ReadFile("/bin/sleep")
	if err := os.WriteFile(bin, sleep, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if _, stderr, code := run(t, "killall", "-w", "-USR1", name); code != 0 {
		t.Fatalf("killall -w -USR1 %s = %d %q", name, code, stderr)
	}
	select {
	case <-done:
		if ws := cmd.ProcessState.String(); ws != "signal: user defined signal 1" {
			t.Errorf("%s ended with %s, want SIGUSR1", name, ws)
		}
	case <-time.After(5 * time.Second):
		t.Error("killall -w returned, the process still runs")
	}
}

func TestWatch(t *testing.T) {
	out, _, code := runWithTimeout(t, 1500*time.Millisecond, "watch", "-n", "0.3", "-t", "echo", "hi")
	if code != 0 || strings.Count(out, "hi\n") < 2 || strings.Contains(out, "Every") {
		t.Errorf("watch -n 0.3 -t echo hi = %d %q, want hi at least twice and no title", code, out)
	}
	out, _, _ = runWithTimeout(t, 500*time.Millisecond, "watch", "echo", "hi")
	if !regexp.MustCompile(`^Every 2\.0s: echo hi +\S+: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\nhi\n$`).MatchString(out) {
		t.Errorf("watch echo hi = %q, want procps's title, a blank line, the output", out)
	}
	out, _, code = runWithTimeout(t, 10*time.Second, "watch", "-g", "-n", "0.1", "-x", "date", "+%N")
	if code != 0 || strings.Count(out, "Every") != 2 {
		t.Errorf("watch -g date = %d %q, want two screens and 0", code, out)
	}
	if _, _, code := runWithTimeout(t, 10*time.Second, "watch", "-e", "-x", "false"); code != 8 {
		t.Errorf("watch -e false = %d, want 8", code)
	}
}

func TestDmesgGolden(t *testing.T) {
	requireRoot(t)
	for _, args := range [][]string{{}, {"-r"}, {"-S"}, {"-S", "-r"}} {
		var diff string
		for attempt := 0; attempt < 5; attempt++ {
			want := reference(t, "dmesg", args...)
			got, stderr, code := run(t, append([]string{"dmesg"}, args...)...)
			if code != 0 {
				t.Fatalf("dmesg %v = %d %q", args, code, stderr)
			}
			if diff = cmp.Diff(want, got); diff == "" {
				break
			}
		}
		if diff != "" {
			t.Errorf("dmesg %v (-util-linux +ours):\n%s", args, diff)
		}
	}
}
