//go:build linux

package proc

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

func TestSetprivGolden(t *testing.T) {
	requireTool(t, "setpriv")
	tests := [][]string{
		{"-d"}, {"-ddd"},
		{"--nnp", "--inh-caps", "-all,+net_raw", "/usr/bin/setpriv", "-d"},
		{"--reuid", "1", "/bin/true"},
	}
	if os.Geteuid() == 0 {
		tests = append(tests, []string{"--reuid", "65534", "--regid", "65534", "--clear-groups", "/usr/bin/id"},
			[]string{"--reuid", "65534", "--keep-groups", "--ambient-caps", "+net_raw", "--inh-caps", "+net_raw", "/usr/bin/setpriv", "-d"})
	}
	for _, args := range tests {
		want, _, wantCode := referenceStatus(t, "setpriv", args...)
		// in /, where the other user may be; the test's own directory is root's alone
		got, stderr, code := runIn(t, "/", childEnviron, append([]string{"setpriv"}, args...)...)
		if got != want || code != wantCode {
			t.Errorf("setpriv %v = %d %q (%q), util-linux %d %q", args, code, got, stderr, wantCode, want)
		}
	}
}

// TestNsenterGolden enters a process that has a hostname and a tmpfs of its own, as
// util-linux's nsenter does.
func TestNsenterGolden(t *testing.T) {
	requireRoot(t)
	requireTool(t, "nsenter")
	target := exec.Command(requireTool(t, "unshare"), "-u", "-m", "/bin/sh", "-c",
		"hostname ddebug-nstest && mount -t tmpfs none /mnt && touch /mnt/marker && cd /mnt && echo ok && exec sleep 30")
	out, err := target.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Process.Kill(); target.Wait() })
	if b := make([]byte, 3); func() bool { n, _ := out.Read(b); return string(b[:n]) != "ok\n" }() {
		t.Fatalf("the target did not set up its namespaces")
	}
	pid := strconv.Itoa(target.Process.Pid)
	for _, args := range [][]string{
		{"-u", "/bin/hostname"},
		{"-m", "/bin/ls", "/mnt"},
		{"-a", "/bin/sh", "-c", "hostname; ls /mnt"},
		{"-m", "-w", "/bin/pwd"},
		{"-m", "-r", "-w", "/bin/ls"},
		{"-m", "/nonexistent"},
	} {
		want, _, wantCode := referenceStatus(t, "nsenter", append([]string{"-t", pid}, args...)...)
		got, stderr, code := runWith(t, childEnviron, append([]string{"nsenter", "-t", pid}, args...)...)
		if got != want || code != wantCode {
			t.Errorf("nsenter %v = %d %q (%q), util-linux %d %q", args, code, got, stderr, wantCode, want)
		}
	}
	// An applet as the command: this binary, in the target's UTS namespace.
	if got, stderr, code := runWith(t, childEnviron, "nsenter", "-t", pid, "-u", "hostname"); got != "ddebug-nstest\n" || code != 0 {
		t.Errorf("nsenter -u hostname (the applet) = %d %q %q", code, got, stderr)
	}
	if _, stderr, code := run(t, "nsenter", "-t", pid, "-U", "/bin/true"); code != 1 || !strings.Contains(stderr, "single-threaded") {
		t.Errorf("nsenter -U = %d %q, want 1 and why", code, stderr)
	}
}

// writeUtmp writes records in glibc's 64-bit struct utmp layout.
func writeUtmp(t *testing.T, entries []utmpEntry) string {
	t.Helper()
	var b []byte
	for _, e := range entries {
		r := make([]byte, utmpSize)
		binary.LittleEndian.PutUint16(r[0:], uint16(e.Type))
		binary.LittleEndian.PutUint32(r[4:], uint32(e.PID))
		copy(r[8:40], e.Line)
		copy(r[44:76], e.User)
		copy(r[76:332], e.Host)
		binary.LittleEndian.PutUint32(r[340:], uint32(e.Time.Unix()))
		b = append(b, r...)
	}
	name := filepath.Join(t.TempDir(), "utmp")
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestWhoGolden(t *testing.T) {
	requireTool(t, "who")
	file := writeUtmp(t, []utmpEntry{
		{Type: utmpBootTime, Line: "~", User: "reboot", Host: "6.1.0", Time: time.Unix(1764600000, 0)},
		{Type: utmpUserProcess, PID: 123, Line: "pts/0", User: "alice", Host: "10.0.0.1", Time: time.Unix(1764680000, 0)},
		{Type: utmpUserProcess, PID: 124, Line: "tty1", User: "bob", Time: time.Unix(1764690000, 0)},
		{Type: 8, PID: 125, Line: "pts/1", Time: time.Unix(1764690000, 0)}, // a dead process
	})
	empty := writeUtmp(t, nil)
	// GNU who writes ISO dates in any locale but C and POSIX, where it writes "Dec  2".
	for _, locale := range []string{"C", "POSIX", "C.UTF-8"} {
		environ := append(os.Environ(), "LC_ALL="+locale)
		for _, args := range [][]string{{file}, {"-H", file}, {"-q", file}, {"-b", file}, {empty}, {"-q", empty}} {
			cmd := exec.Command(requireTool(t, "who"), args...)
			cmd.Env = environ
			want, _, wantCode := toolstest.Status(t, cmd)
			got, stderr, code := runWith(t, environ, append([]string{"who"}, args...)...)
			if got != want || code != wantCode {
				t.Errorf("LC_ALL=%s who %v = %d %q (%q), GNU %d %q", locale, args, code, got, stderr, wantCode, want)
			}
		}
	}
}

func TestWGolden(t *testing.T) {
	want := strings.Split(reference(t, "w"), "\n")
	got, stderr, code := run(t, "w")
	lines := strings.Split(got, "\n")
	if code != 0 || len(lines) != len(want) || lines[1] != want[1] {
		t.Fatalf("w = %d %q (%q), procps %q", code, got, stderr, want)
	}
	re := regexp.MustCompile(`^ \d\d:\d\d:\d\d up .*,  \d+ users?,  load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$`)
	if !re.MatchString(lines[0]) || !re.MatchString(want[0]) {
		t.Errorf("w's first line = %q, procps %q", lines[0], want[0])
	}
	if got, _, _ := run(t, "w", "-h"); got != reference(t, "w", "-h") {
		t.Errorf("w -h = %q, procps %q", got, reference(t, "w", "-h"))
	}
}
