package text

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

// run runs the applet args[0] in dir with stdin and returns its output and status.
func run(t *testing.T, dir, stdin string, args ...string) (stdout, stderr string, status int) {
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

// gnu returns the path of a real tool for golden comparisons, skipping when absent.
func gnu(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("golden comparison needs %s (Debian package %s), not installed", name, pkg)
	}
	return p
}

func runGNU(t *testing.T, dir, stdin string, args ...string) (string, int) {
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

func writeFiles(t *testing.T, dir string, files map[string]string) {
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

func filepathLook(name string) (string, error) { return exec.LookPath(name) }
