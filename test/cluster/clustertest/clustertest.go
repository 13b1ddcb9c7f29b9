package clustertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

// Environment variables written by up.sh into $DDEBUG_E2E_STATE/env.
const (
	EnvKubeconfig        = "DDEBUG_E2E_KUBECONFIG"
	EnvLimitedKubeconfig = "DDEBUG_E2E_LIMITED_KUBECONFIG"
	EnvLimitedUser       = "DDEBUG_E2E_LIMITED_USER"
	EnvState             = "DDEBUG_E2E_STATE"
	EnvBin               = "DDEBUG_E2E_BIN"
	// The suite's registries (CNCF distribution, TLS with RegistryCA):
	// Registry serves anyone and is ghcr.io's mirror for the node;
	// AuthRegistry wants AuthUser's password.
	EnvRegistry     = "DDEBUG_E2E_REGISTRY"
	EnvAuthRegistry = "DDEBUG_E2E_AUTH_REGISTRY"
	EnvAuthUser     = "DDEBUG_E2E_AUTH_REGISTRY_USER"
	EnvAuthPassword = "DDEBUG_E2E_AUTH_REGISTRY_PASSWORD"
	EnvRegistryCA   = "DDEBUG_E2E_REGISTRY_CA"
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
	// Registry and AuthRegistry are HOST:PORT of the suite's registries,
	// the same from the host (where tests push) and from the node (where
	// containerd pulls; ghcr.io is mirrored to Registry). AuthRegistry
	// wants AuthUser and AuthPassword. RegistryCA is the PEM CA of both.
	Registry, AuthRegistry, AuthUser, AuthPassword, RegistryCA string
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
		Registry:          os.Getenv(EnvRegistry),
		AuthRegistry:      os.Getenv(EnvAuthRegistry),
		AuthUser:          os.Getenv(EnvAuthUser),
		AuthPassword:      os.Getenv(EnvAuthPassword),
		RegistryCA:        os.Getenv(EnvRegistryCA),
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

// PushIndex pushes idx to ref (HOST:PORT/REPO:TAG) on one of the suite's registries,
// trusting RegistryCA, as AuthUser when auth is true, and returns the pushed digest.
func (c *Cluster) PushIndex(t testing.TB, ref string, idx v1.ImageIndex, auth bool) v1.Hash {
	t.Helper()
	if c.Registry == "" || c.RegistryCA == "" {
		t.Fatal("the cluster has no registry: it was started before up.sh ran one; run test/cluster/down.sh and up.sh")
	}
	pem, err := os.ReadFile(c.RegistryCA)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", c.RegistryCA)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	opts := []remote.Option{remote.WithTransport(tr)}
	if auth {
		opts = append(opts, remote.WithAuth(&authn.Basic{Username: c.AuthUser, Password: c.AuthPassword}))
	}
	if err := remote.WriteIndex(tag, idx, opts...); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}
