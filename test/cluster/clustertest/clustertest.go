package clustertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

// Environment variables written by up.sh into $DDEBUG_E2E_STATE/env.
const (
	EnvKubeconfig        = "DDEBUG_E2E_KUBECONFIG"
	EnvLimitedKubeconfig = "DDEBUG_E2E_LIMITED_KUBECONFIG"
	EnvLimitedUser       = "DDEBUG_E2E_LIMITED_USER"
	EnvState             = "DDEBUG_E2E_STATE"
	EnvBin               = "DDEBUG_E2E_BIN"
	// EnvRequired, when "1", turns a missing cluster into a failure
	// instead of a skip (test/cluster/e2e.sh sets it).
	EnvRequired = "DDEBUG_E2E_CLUSTER_REQUIRED"
)

// Cluster is a running e2e cluster.
type Cluster struct {
	// Kubeconfig is the admin's (group system:masters).
	Kubeconfig string
	// LimitedKubeconfig authenticates LimitedUser, who has no rights
	// until a test binds some.
	LimitedKubeconfig string
	LimitedUser       string
	// State is the cluster's state directory, Bin the directory of its
	// binaries (kubectl, ctr, ...).
	State, Bin string
}

// Require returns the cluster described by the environment, skipping the
// test when there is none (or failing it when EnvRequired is "1").
func Require(t testing.TB) *Cluster {
	t.Helper()
	c := &Cluster{
		Kubeconfig:        os.Getenv(EnvKubeconfig),
		LimitedKubeconfig: os.Getenv(EnvLimitedKubeconfig),
		LimitedUser:       os.Getenv(EnvLimitedUser),
		State:             os.Getenv(EnvState),
		Bin:               os.Getenv(EnvBin),
	}
	if c.Kubeconfig == "" || c.State == "" || c.Bin == "" {
		msg := "no e2e cluster: run test/cluster/e2e.sh, or test/cluster/up.sh and source $DDEBUG_E2E_STATE/env"
		if os.Getenv(EnvRequired) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return c
}

// Result is what a kubectl run printed.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// Kubectl runs kubectl as the admin.
func (c *Cluster) Kubectl(t testing.TB, args ...string) Result {
	t.Helper()
	return c.KubectlAs(t, c.Kubeconfig, "", args...)
}

// MustKubectl runs kubectl as the admin and fails the test on error.
func (c *Cluster) MustKubectl(t testing.TB, args ...string) string {
	t.Helper()
	r := c.Kubectl(t, args...)
	if r.Err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), r.Err, r.Stderr)
	}
	return r.Stdout
}

// KubectlAs runs kubectl with kubeconfig, feeding it stdin, within a
// minute.
func (c *Cluster) KubectlAs(t testing.TB, kubeconfig, stdin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.Bin, "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
}

// Apply creates or updates the objects of a YAML manifest as the admin.
func (c *Cluster) Apply(t testing.TB, manifest string) {
	t.Helper()
	if r := c.KubectlAs(t, c.Kubeconfig, manifest, "apply", "-f", "-"); r.Err != nil {
		t.Fatalf("kubectl apply: %v\n%s\n%s", r.Err, r.Stderr, manifest)
	}
}

// Namespace creates a namespace with a unique name starting with prefix
// and the given labels, and deletes it when the test ends.
func (c *Cluster) Namespace(t testing.TB, prefix string, labels map[string]string) string {
	t.Helper()
	suffix := make([]byte, 3)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	name := prefix + "-" + hex.EncodeToString(suffix)
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n", name)
	fmt.Fprintf(&b, "    ddebug.test/e2e: \"true\"\n")
	for k, v := range labels {
		fmt.Fprintf(&b, "    %s: %q\n", k, v)
	}
	c.Apply(t, b.String())
	t.Cleanup(func() {
		if os.Getenv("DDEBUG_E2E_KEEP") != "" {
			return
		}
		c.Kubectl(t, "delete", "namespace", name, "--wait=false")
	})
	return name
}

// BuildStatic builds a Go main package (an import path of this module)
// as a static binary and returns its path.
func BuildStatic(t testing.TB, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", pkg, err, b)
	}
	return out
}

// LoadImage builds an image of files with cfg, tags it ref and imports it
// into the node's containerd.
func (c *Cluster) LoadImage(t testing.TB, ref string, files []ocibuild.File, cfg ocibuild.Config) {
	t.Helper()
	img, err := ocibuild.Build(files, cfg)
	if err != nil {
		t.Fatalf("building image %s: %v", ref, err)
	}
	tar := filepath.Join(t.TempDir(), "image.tar")
	if err := ocibuild.WriteTarball(tar, ref, img); err != nil {
		t.Fatal(err)
	}
	if err := c.ImportImage(tar); err != nil {
		t.Fatalf("importing image %s: %v", ref, err)
	}
}

// ImportImage imports a docker-save or OCI archive into the node's containerd (namespace
// k8s.io, where the kubelet looks), keeping the names it carries, as load-image.sh does.
func (c *Cluster) ImportImage(tar string) error {
	cmd := exec.Command(filepath.Join(c.Bin, "ctr"), "--address", filepath.Join(c.State, "containerd", "containerd.sock"),
		"-n", "k8s.io", "images", "import", tar)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ctr images import %s: %v\n%s", tar, err, b)
	}
	return nil
}

// Eventually polls cond every 100ms until it returns true or an error, or
// timeout passes, and returns how long it took.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, error)) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
