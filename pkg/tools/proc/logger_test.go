//go:build linux

package proc

import (
	"context"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// TestLogger sends messages to a datagram socket standing in for /dev/log, as
// util-linux's logger does: priorities, tags, ids, stdin lines, -s; and compares the
// messages of a missing socket and a bad priority with util-linux's.
func TestLogger(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "log")
	pc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	recv := func() string {
		pc.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 4096)
		n, err := pc.Read(buf)
		if err != nil {
			t.Fatalf("reading the socket: %v", err)
		}
		return string(buf[:n])
	}
	stamp := `[A-Z][a-z]{2} [ 1-3][0-9] \d\d:\d\d:\d\d`
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"logger", "-u", sock, "-t", "tag", "hello", "world"}, []string{`<13>` + stamp + ` tag: hello world`}},
		{[]string{"logger", "-u", sock, "-t", "t", "-p", "local3.err", "x"}, []string{`<155>` + stamp + ` t: x`}},
		{[]string{"logger", "-u", sock, "-t", "t", "-p", "auth.warn", "--id=42", "y"}, []string{`<36>` + stamp + ` t\[42\]: y`}},
		{[]string{"logger", "-u", sock, "-t", "t", "-i", "z"}, []string{`<13>` + stamp + ` t\[\d+\]: z`}},
	} {
		_, errs, st := runWith(t, []string{"USER=someone"}, c.args...)
		if st != 0 || errs != "" {
			t.Errorf("%v = %d %q", c.args, st, errs)
			continue
		}
		for _, w := range c.want {
			if got := recv(); !regexp.MustCompile("^" + w + "$").MatchString(got) {
				t.Errorf("%v sent %q, want %s", c.args, got, w)
			}
		}
	}
	// stdin, one message a line; -s copies them to stderr.
	a, _ := tools.Lookup("logger")
	var eb strings.Builder
	st := a.Run(context.Background(), &tools.Env{Stdin: strings.NewReader("one\n\ntwo\n"), Stdout: io.Discard, Stderr: &eb, Dir: dir},
		[]string{"logger", "-s", "-u", sock, "-t", "t", "-p", "daemon.7"})
	errs := eb.String()
	for _, w := range []string{"one", "two"} {
		if got := recv(); !regexp.MustCompile(`^<31>` + stamp + ` t: ` + w + `$`).MatchString(got) {
			t.Errorf("stdin line sent as %q", got)
		}
	}
	if st != 0 || strings.Count(errs, " t: ") != 2 {
		t.Errorf("logger -s of stdin = %d %q", st, errs)
	}
	for _, args := range [][]string{{"logger", "-u", "/nonexist", "hi"}, {"logger", "-p", "bad.x", "hi"}} {
		_, errs, st := run(t, args...)
		ul := exec.Command("logger", args[1:]...)
		ul.Env = []string{"LC_ALL=C"}
		var e strings.Builder
		ul.Stderr = &e
		want := 0
		if err := ul.Run(); err != nil {
			want = err.(*exec.ExitError).ExitCode()
		}
		if args[2] == "/nonexist" {
			// util-linux says nothing and exits 0 for a socket it cannot reach; ours says why.
			if st != 1 || errs != "logger: socket /nonexist: No such file or directory\n" {
				t.Errorf("%v = %d %q", args, st, errs)
			}
			continue
		}
		if st != want || errs != e.String() {
			t.Errorf("%v = %d %q, util-linux %d %q", args, st, errs, want, e.String())
		}
	}
}
