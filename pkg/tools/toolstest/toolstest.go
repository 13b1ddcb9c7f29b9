// Package toolstest holds what the applet families' tests share: running an applet with
// buffers for its streams, running the real tool it is compared with, and making files.
package toolstest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Run runs the applet args[0] in dir with stdin and returns its output and status.
func Run(t *testing.T, dir, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	a, ok := tools.Lookup(args[0])
	if !ok {
		t.Fatalf("no applet %q", args[0])
	}
	var o, e bytes.Buffer
	env := &tools.Env{Stdin: strings.NewReader(stdin), Stdout: &o, Stderr: &e, Dir: dir, Environ: []string{"PATH=/usr/bin:/bin"}}
	status = a.Run(context.Background(), env, args)
	return o.String(), e.String(), status
}

// GNU returns the path of a real tool for golden comparisons, skipping (with the Debian
// package to install) when it is absent.
func GNU(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("golden comparison needs %s (Debian package %s), not installed", name, pkg)
	}
	return p
}

// RunGNU runs a real tool in dir with stdin and returns its stdout and exit status.
func RunGNU(t *testing.T, dir, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return string(out), code
}

// WriteFiles makes the files (path relative to dir: content), with their directories.
func WriteFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
