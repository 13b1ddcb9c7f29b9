//go:build e2e

package kube_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
	"github.com/kubectl-ddebug/kubectl-ddebug/test/cluster/clustertest"
)

// Images of the tests, loaded into the node (pull policy Never or IfNotPresent).
const (
	rootTarget    = "ddebug.test/e2e/kube-target-root:1"
	nonRootTarget = "ddebug.test/e2e/kube-target-nonroot:1"
	sideTarget    = "ddebug.test/e2e/kube-target-side:1"
)

// env is what every test shares: the cluster, the plugin binary and the loaded images.
type env struct {
	c      *clustertest.Cluster
	plugin string
	image  string
}

var (
	setupOnce sync.Once
	shared    *env
	setupErr  error
)

// setup builds the plugin, the toolbox image (cli.DefaultImage, unless DDEBUG_E2E_IMAGE
// names one already loaded) and the targets, once per test binary.
func setup(t *testing.T) *env {
	t.Helper()
	c := clustertest.Require(t)
	setupOnce.Do(func() {
		shared, setupErr = build(t, c)
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return shared
}

func build(t *testing.T, c *clustertest.Cluster) (*env, error) {
	e := &env{c: c, image: cli.DefaultImage}
	dir, err := os.MkdirTemp("", "ddebug-e2e-kube")
	if err != nil {
		return nil, err
	}
	goBuild := func(out, pkg string) error {
		cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", pkg, err, b)
		}
		return nil
	}
	e.plugin = filepath.Join(dir, "kubectl-ddebug")
	if err := goBuild(e.plugin, "github.com/kubectl-ddebug/kubectl-ddebug/cmd/kubectl-ddebug"); err != nil {
		return nil, err
	}
	app := filepath.Join(dir, "app")
	if err := goBuild(app, "github.com/kubectl-ddebug/kubectl-ddebug/test/e2e/targetapp"); err != nil {
		return nil, err
	}
	if img := os.Getenv("DDEBUG_E2E_IMAGE"); img != "" {
		e.image = img
	} else if err := loadBuiltImage(c, e.image, false); err != nil {
		return nil, err
	}
	appFile, err := ocibuild.FileFromHost("/app", app)
	if err != nil {
		return nil, err
	}
	marker := func(s string) ocibuild.File {
		return ocibuild.File{Path: "/etc/marker", Mode: 0o644, Data: []byte(s + "\n")}
	}
	cfg := ocibuild.Config{Entrypoint: []string{"/app"}}
	c.LoadImage(t, rootTarget, []ocibuild.File{appFile, marker("root-target")}, cfg)
	c.LoadImage(t, sideTarget, []ocibuild.File{appFile, marker("side-target")}, cfg)
	cfg.User = "65532:65532"
	c.LoadImage(t, nonRootTarget, []ocibuild.File{appFile, marker("nonroot-target"),
		{Path: "/data/secret", Mode: 0o600, Data: []byte("only-for-65532\n"), UID: 65532, GID: 0}}, cfg)
	return e, nil
}

// loadBuiltImage builds the toolbox image (node: the node image) as `make image` does,
// for this machine's architecture, and imports its OCI archive into the node: the tests
// run what a release ships. ref is the name the build gives it (version "dev").
func loadBuiltImage(c *clustertest.Cluster, ref string, node bool) error {
	out, err := os.MkdirTemp("", "ddebug-e2e-image")
	if err != nil {
		return err
	}
	defer os.RemoveAll(out)
	args := []string{"run", "./images/build", "-version", "dev", "-arch", runtime.GOARCH, "-out", out}
	if node {
		args = append(args, "-node")
	}
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = repoRoot(), append(os.Environ(), "CGO_ENABLED=0")
	b, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("images/build %v: %v\n%s", args[2:], err, b)
	}
	if !strings.Contains(string(b), "image "+ref+"\n") {
		return fmt.Errorf("images/build made another image than %s:\n%s", ref, b)
	}
	return c.ImportImage(filepath.Join(out, "toolbox.oci.tar"))
}

// repoRoot is the module's directory (two levels above this package's).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// result is what one run of the plugin did.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
	// cpu is the plugin's own CPU time (user and system).
	cpu time.Duration
}

// ddebug runs the plugin with the admin's kubeconfig (or kubeconfig when given through
// --kubeconfig in args) and the test's image as default.
func (e *env) ddebug(t *testing.T, args ...string) result {
	t.Helper()
	return e.ddebugAs(t, e.c.Kubeconfig, "", args...)
}

func (e *env) ddebugAs(t *testing.T, kubeconfig, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--kubeconfig", kubeconfig, "--image", e.image, "--image-pull-policy", "IfNotPresent"}, args...)
	cmd := exec.CommandContext(ctx, e.plugin, full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("running kubectl-ddebug %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustDdebug runs the plugin and fails the test unless it exits 0.
func (e *env) mustDdebug(t *testing.T, args ...string) result {
	t.Helper()
	r := e.ddebug(t, args...)
	if r.code != 0 {
		t.Fatalf("kubectl ddebug %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// pod creates a pod from a YAML body (indented under spec:) and waits until it is Ready.
func (e *env) pod(t *testing.T, ns, name, spec string) {
	t.Helper()
	e.c.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n  terminationGracePeriodSeconds: 0\n%s", name, ns, spec))
	e.c.MustKubectl(t, "-n", ns, "wait", "--for=condition=Ready", "pod/"+name, "--timeout=60s")
}

// ephemeralNames lists the ephemeral containers of a pod.
func (e *env) ephemeralNames(t *testing.T, ns, pod string) []string {
	t.Helper()
	out := e.c.MustKubectl(t, "-n", ns, "get", "pod", pod, "-o", "jsonpath={.spec.ephemeralContainers[*].name}")
	return strings.Fields(out)
}
