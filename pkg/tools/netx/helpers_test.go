package netx

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestMain lets a test run an applet in a child process (toolstest.Command).
func TestMain(m *testing.M) { toolstest.Main(m, Applets) }

// run runs the applet args[0] in-process and returns its stdout, stderr and status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runIn(t, context.Background(), "", args...)
}

func runIn(t *testing.T, ctx context.Context, stdin string, args ...string) (string, string, int) {
	t.Helper()
	a, ok := tools.Lookup(args[0])
	if !ok {
		t.Fatalf("no applet %q", args[0])
	}
	var out, errb bytes.Buffer
	env := &tools.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Dir: t.TempDir()}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	code := a.Run(ctx, env, args)
	return out.String(), errb.String(), code
}

var timingZero time.Time

// lookup returns a runner for the applet name that uses dir as the working directory.
func lookup(t *testing.T, name string) (func(t *testing.T, dir string, out, errw *strings.Builder, args []string) int, bool) {
	t.Helper()
	a, ok := tools.Lookup(name)
	if !ok {
		t.Fatalf("no applet %q", name)
	}
	return func(t *testing.T, dir string, out, errw *strings.Builder, args []string) int {
		env := &tools.Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errw, Dir: dir}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return a.Run(ctx, env, args)
	}, true
}

func reference(t *testing.T, name string, args ...string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install iproute2 net-tools lsof): %v", name, err)
	}
	out, err := exec.Command(p, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}
