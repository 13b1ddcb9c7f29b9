//go:build e2e

package kube_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
)

// The path every user takes: the node pulls the plugin's default image from a registry.
// Here the registry is the suite's CNCF distribution registry, which the node's containerd
// knows as ghcr.io (a hosts.toml mirror, test/cluster/up.sh): the plugin is built with
// the default image of a version that no test imported, and is run without --image.
func TestDefaultImageFromRegistry(t *testing.T) {
	e := setup(t)
	tag := "e2e-" + randomHex(t)
	ref := toolboximage.Repository + ":" + tag
	idx := buildToolboxIndex(t, tag)
	e.c.PushIndex(t, e.c.Registry+"/kubectl-ddebug/toolbox:"+tag, idx, false)
	plugin := buildPlugin(t, "-X github.com/kubectl-ddebug/kubectl-ddebug/internal/cli.DefaultImage="+ref)

	ns := e.c.Namespace(t, "ddebug-registry", nil)
	e.pod(t, ns, "web", rootSpec)

	r := runPlugin(t, plugin, e.c.Kubeconfig, "-n", ns, "pod/web", "--", "cat", "/etc/marker")
	if r.code != 0 || !strings.Contains(r.stdout, "root-target") {
		t.Fatalf("first pull of the default image: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	first := e.ephemeralNames(t, ns, "web")
	if got := e.c.MustKubectl(t, "-n", ns, "get", "pod", "web", "-o", "jsonpath={.spec.ephemeralContainers[0].image}"); got != ref {
		t.Errorf("debug container image %q, want the default %q", got, ref)
	}
	wantEvent(t, e, ns, "web", first[0], "Pulling", ref)
	wantEvent(t, e, ns, "web", first[0], "Pulled", "Successfully pulled image")

	// IfNotPresent (the default): the second debug container starts from the node's copy.
	r = runPlugin(t, plugin, e.c.Kubeconfig, "-n", ns, "pod/web", "--new", "--", "true")
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	second := newName(t, first, e.ephemeralNames(t, ns, "web"))
	wantEvent(t, e, ns, "web", second, "Pulled", "already present on machine")
	noEvent(t, e, ns, "web", second, "Pulling")

	// Always: the node asks the registry again.
	names := e.ephemeralNames(t, ns, "web")
	r = runPlugin(t, plugin, e.c.Kubeconfig, "-n", ns, "pod/web", "--new", "--image-pull-policy", "Always", "--", "true")
	if r.code != 0 {
		t.Fatalf("run with --image-pull-policy Always: exit %d\n%s", r.code, r.stderr)
	}
	third := newName(t, names, e.ephemeralNames(t, ns, "web"))
	wantEvent(t, e, ns, "web", third, "Pulling", ref)

	// A tag the registry does not have: a clear error in seconds, well within --timeout.
	missing := toolboximage.Repository + ":" + tag + "-missing"
	r = runPlugin(t, plugin, e.c.Kubeconfig, "-n", ns, "pod/web", "--new", "--timeout", "90s", "--image", missing, "--", "true")
	if r.code == 0 {
		t.Fatalf("a tag that does not exist: exit 0\n%s", r.stderr)
	}
	for _, want := range []string{"cannot pull image " + missing, "ghcr.io has no such image", "not found", "hint:", "--image"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("missing tag: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.took > 30*time.Second {
		t.Errorf("missing tag reported after %v, want seconds", r.took)
	}
}

// TestPrivateRegistry: an image on a registry that wants a password. Without a pull
// secret the plugin says so and what to do; a pod that names one gets its debug container.
func TestPrivateRegistry(t *testing.T) {
	e := setup(t)
	tag := "e2e-" + randomHex(t)
	private := e.c.AuthRegistry + "/private/toolbox:" + tag
	e.c.PushIndex(t, private, buildToolboxIndex(t, tag), true)

	ns := e.c.Namespace(t, "ddebug-private", nil)
	e.pod(t, ns, "nosecret", rootSpec)
	r := runPlugin(t, e.plugin, e.c.Kubeconfig, "-n", ns, "pod/nosecret", "--timeout", "90s", "--image", private, "--", "true")
	if r.code == 0 {
		t.Fatalf("pull without credentials: exit 0\n%s", r.stderr)
	}
	for _, want := range []string{"cannot pull image " + private, e.c.AuthRegistry + " wants credentials", "no basic auth credentials",
		"hint:", "imagePullSecrets", "this pod has none", "kubectl create secret docker-registry NAME --docker-server=" + e.c.AuthRegistry, "--image"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.took > 30*time.Second {
		t.Errorf("refused pull reported after %v, want seconds", r.took)
	}

	e.c.MustKubectl(t, "-n", ns, "create", "secret", "docker-registry", "regcred", "--docker-server="+e.c.AuthRegistry,
		"--docker-username="+e.c.AuthUser, "--docker-password="+e.c.AuthPassword)
	e.pod(t, ns, "withsecret", "  imagePullSecrets: [{name: regcred}]\n"+rootSpec)
	r = runPlugin(t, e.plugin, e.c.Kubeconfig, "-n", ns, "pod/withsecret", "--image", private, "--", "cat", "/etc/marker")
	if r.code != 0 || !strings.Contains(r.stdout, "root-target") {
		t.Fatalf("pull with the pod's secret: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// buildToolboxIndex builds the toolbox image as `make image` does, for this machine's
// architecture, with tag as its version, and returns its multi-arch index.
func buildToolboxIndex(t *testing.T, tag string) v1.ImageIndex {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./images/build", "-version", tag, "-arch", runtime.GOARCH, "-out", out)
	cmd.Dir, cmd.Env = repoRoot(), append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("images/build: %v\n%s", err, b)
	}
	root, err := layout.ImageIndexFromPath(filepath.Join(out, "oci"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := root.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 {
		t.Fatalf("the layout holds %d indexes, want 1", len(m.Manifests))
	}
	idx, err := root.ImageIndex(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// buildPlugin builds the plugin with extra -ldflags (-X ...) and returns its path.
func buildPlugin(t *testing.T, ldflags string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "kubectl-ddebug")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", out, "./cmd/kubectl-ddebug")
	cmd.Dir, cmd.Env = repoRoot(), append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, b)
	}
	return out
}

// runPlugin runs plugin with kubeconfig and args as given: unlike env.ddebug, no --image
// and no --image-pull-policy of the test's choosing.
func runPlugin(t *testing.T, plugin, kubeconfig string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, plugin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("running %s %s: %v", plugin, strings.Join(args, " "), err)
	}
	return r
}

// newName is the one name in after that is not in before.
func newName(t *testing.T, before, after []string) string {
	t.Helper()
	seen := map[string]bool{}
	for _, n := range before {
		seen[n] = true
	}
	var fresh []string
	for _, n := range after {
		if !seen[n] {
			fresh = append(fresh, n)
		}
	}
	if len(fresh) != 1 {
		t.Fatalf("debug containers before %v, after %v: want exactly one new", before, after)
	}
	return fresh[0]
}

// containerEvents lists "reason: message" of the events about ephemeral container c.
func containerEvents(t *testing.T, e *env, ns, pod, c string) []string {
	t.Helper()
	out := e.c.MustKubectl(t, "-n", ns, "get", "events",
		"--field-selector", fmt.Sprintf("involvedObject.name=%s,involvedObject.fieldPath=spec.ephemeralContainers{%s}", pod, c),
		"-o", `go-template={{range .items}}{{.reason}}: {{.message}}{{"\n"}}{{end}}`)
	return strings.Split(strings.TrimSpace(out), "\n")
}

// wantEvent waits (events are written asynchronously) for an event about c with reason
// whose message contains text.
func wantEvent(t *testing.T, e *env, ns, pod, c, reason, text string) {
	t.Helper()
	var events []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		events = containerEvents(t, e, ns, pod, c)
		for _, ev := range events {
			if strings.HasPrefix(ev, reason+": ") && strings.Contains(ev, text) {
				return
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Errorf("no event %s %q about %s; events:\n%s", reason, text, c, strings.Join(events, "\n"))
}

// noEvent checks that no event about c has reason (once the container runs, its pull
// events are all written).
func noEvent(t *testing.T, e *env, ns, pod, c, reason string) {
	t.Helper()
	for _, ev := range containerEvents(t, e, ns, pod, c) {
		if strings.HasPrefix(ev, reason+": ") {
			t.Errorf("unexpected event about %s: %s", c, ev)
		}
	}
}

// TestReleaseToRegistry runs the release's publishing step against the suite's registry
// (make release VERSION=... REGISTRY=..., for this machine's platform only): the plugin it
// builds pins its default image by digest, and the node pulls exactly that.
func TestReleaseToRegistry(t *testing.T) {
	e := setup(t)
	version := "v0.0.0-e2e." + randomHex(t)
	out := t.TempDir()
	// The release pushes with the system's roots: add the suite's CA to them.
	system, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(e.c.RegistryCA)
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(out, "roots.pem")
	if err := os.WriteFile(bundle, append(append(system, '\n'), ca...), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./hack/release", "-version", version, "-out", filepath.Join(out, "dist"), "-manifest", "",
		"-platforms", "linux/"+runtime.GOARCH, "-registry", e.c.Registry+"/kubectl-ddebug")
	cmd.Dir, cmd.Env = repoRoot(), append(os.Environ(), "CGO_ENABLED=0", "SSL_CERT_FILE="+bundle)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hack/release -registry: %v\n%s", err, b)
	}
	wantRef := e.c.Registry + "/kubectl-ddebug/toolbox:" + version + "@sha256:"
	var pinned string
	for _, line := range strings.Split(string(b), "\n") {
		if ref, ok := strings.CutPrefix(line, "pushed "); ok && strings.HasPrefix(ref, wantRef) {
			pinned = ref
		}
	}
	if pinned == "" {
		t.Fatalf("the release printed no pushed %s...:\n%s", wantRef, b)
	}
	archive := filepath.Join(out, "dist", "kubectl-ddebug_"+version+"_linux_"+runtime.GOARCH+".tar.gz")
	unpack := exec.Command("tar", "-xzf", archive, "-C", out, "kubectl-ddebug")
	if b, err := unpack.CombinedOutput(); err != nil {
		t.Fatalf("unpacking %s: %v\n%s", archive, err, b)
	}
	plugin := filepath.Join(out, "kubectl-ddebug")

	ns := e.c.Namespace(t, "ddebug-release", nil)
	e.pod(t, ns, "web", rootSpec)
	r := runPlugin(t, plugin, e.c.Kubeconfig, "-n", ns, "pod/web", "--", "cat", "/etc/marker")
	if r.code != 0 || !strings.Contains(r.stdout, "root-target") {
		t.Fatalf("the released plugin's default image: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := e.c.MustKubectl(t, "-n", ns, "get", "pod", "web", "-o", "jsonpath={.spec.ephemeralContainers[0].image}"); got != pinned {
		t.Errorf("debug container image %q, want the pushed %q", got, pinned)
	}
	// The node ran the pushed index's image: its imageID names the pinned digest.
	_, digest, _ := strings.Cut(pinned, "@")
	if id := e.c.MustKubectl(t, "-n", ns, "get", "pod", "web", "-o", "jsonpath={.status.ephemeralContainerStatuses[0].imageID}"); !strings.HasSuffix(id, digest) {
		t.Errorf("debug container imageID %q, want %s", id, digest)
	}
}
