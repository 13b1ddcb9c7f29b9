//go:build linux

package proc

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// TestStty reads a pty's size as GNU stty does, on standard input and with -F, and refuses
// to set anything.
func TestStty(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 33, Cols: 101}); err != nil {
		t.Fatal(err)
	}
	gnu := exec.Command("stty", "size")
	gnu.Stdin = tty
	want, err := gnu.Output()
	if err != nil {
		t.Fatalf("GNU stty size: %v", err)
	}
	if string(want) != "33 101\n" {
		t.Fatalf("GNU stty size = %q: the pty is not what the test set", want)
	}
	stty := func(stdin any, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		env := &tools.Env{Stdout: &out, Stderr: &errb, Dir: "/"}
		if stdin != nil {
			env.Stdin = stdin.(interface{ Read([]byte) (int, error) })
		} else {
			env.Stdin = strings.NewReader("")
		}
		a, _ := tools.Lookup("stty")
		code := a.Run(context.Background(), env, append([]string{"stty"}, args...))
		return out.String(), errb.String(), code
	}
	if out, errs, code := stty(tty, "size"); out != string(want) || code != 0 {
		t.Errorf("stty size = %q %q %d, want %q", out, errs, code, want)
	}
	if out, errs, code := stty(fdReader{tty}, "size"); out != string(want) || code != 0 {
		t.Errorf("stty size through the shell's terminal reader = %q %q %d, want %q", out, errs, code, want)
	}
	if out, errs, code := stty(nil, "-F", tty.Name(), "size"); out != string(want) || code != 0 {
		t.Errorf("stty -F %s size = %q %q %d, want %q", tty.Name(), out, errs, code, want)
	}
	if out, _, code := stty(tty, "-a"); code != 0 || !strings.HasPrefix(out, "rows 33; columns 101;\n") || !strings.Contains(out, "icanon") {
		t.Errorf("stty -a = %q %d", out, code)
	}
	if _, errs, code := stty(nil, "size"); code != 1 || errs != "stty: standard input: Inappropriate ioctl for device\n" {
		t.Errorf("stty size without a terminal: %q %d", errs, code)
	}
	if _, errs, code := stty(tty, "raw"); code != 1 || !strings.Contains(errs, "only reads") {
		t.Errorf("stty raw: %q %d, want a refusal", errs, code)
	}
}

// fdReader is a reader that is no *os.File but knows its descriptor, as the interactive
// shell's terminal reader is.
type fdReader struct{ f interface{ Fd() uintptr } }

func (r fdReader) Read(p []byte) (int, error) { return 0, nil }
func (r fdReader) Fd() uintptr                { return r.f.Fd() }
