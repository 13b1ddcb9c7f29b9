//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// The runtimes beside Docker (issue 8) are set up by the test that uses them, with the
// suite's Docker images (docker save, then imported) and torn down by its t.Cleanup: a
// containerd of our own with the CRI plugin (own root, state and socket under
// /var/lib/ddebug-rt-e2e-*, never the machine's /run/containerd nor the Kubernetes
// harness's /var/lib/ddebug-e2e), and a rootful Podman API service on
// /run/podman/podman.sock when none answers there.

// savedImages writes the suite's images (and a pause image for pod sandboxes) as one
// docker save tarball.
func savedImages(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pause := filepath.Join(dir, "pause")
	build := exec.Command("go", "build", "-o", filepath.Join(pause, "pause"), "./test/cluster/cmd/pause")
	build.Dir, build.Env = repoRoot, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building pause: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(pause, "Dockerfile"), []byte("FROM scratch\nCOPY pause /pause\nENTRYPOINT [\"/pause\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docker(t, "build", "-q", "-t", "ddebug-e2e/pause", pause)
	tar := filepath.Join(dir, "images.tar")
	docker(t, "save", "-o", tar, "ddebug-e2e/scratch", "ddebug-e2e/nonroot", "ddebug-e2e/pause")
	return tar
}

// ownContainerd is a containerd started for the test, with its CRI plugin.
type ownContainerd struct {
	socket string
	dir    string
}

// startContainerd starts Debian's containerd with the CRI plugin on its own socket and
// imports the suite's images into its default and k8s.io namespaces.
func startContainerd(t *testing.T, images string) *ownContainerd {
	t.Helper()
	if _, err := exec.LookPath("containerd"); err != nil {
		t.Fatalf("containerd is not installed (apt-get install containerd): %v", err)
	}
	dir, err := os.MkdirTemp("/var/lib", "ddebug-rt-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	c := &ownContainerd{socket: filepath.Join(dir, "containerd.sock"), dir: dir}
	cniDir := filepath.Join(dir, "cni")
	if err := os.MkdirAll(cniDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Pod sandboxes of the tests use the host network: no CNI configuration is needed.
	config := fmt.Sprintf(`version = 2
root = %q
state = %q
[grpc]
  address = %q
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  sandbox_image = "docker.io/ddebug-e2e/pause:latest"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), c.socket, cniDir)
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "containerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("containerd", "--config", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting containerd: %v", err)
	}
	t.Cleanup(func() {
		// Kill what runs in it first, so no shim outlives its daemon.
		for _, ns := range []string{"default", "k8s.io"} {
			out, _ := exec.Command("ctr", "-a", c.socket, "-n", ns, "tasks", "ls", "-q").Output()
			for _, id := range strings.Fields(string(out)) {
				exec.Command("ctr", "-a", c.socket, "-n", ns, "tasks", "kill", "-s", "KILL", id).Run()
			}
		}
		time.Sleep(500 * time.Millisecond)
		for _, ns := range []string{"default", "k8s.io"} {
			out, _ := exec.Command("ctr", "-a", c.socket, "-n", ns, "tasks", "ls", "-q").Output()
			for _, id := range strings.Fields(string(out)) {
				exec.Command("ctr", "-a", c.socket, "-n", ns, "tasks", "delete", "-f", id).Run()
			}
			out, _ = exec.Command("ctr", "-a", c.socket, "-n", ns, "containers", "ls", "-q").Output()
			for _, id := range strings.Fields(string(out)) {
				exec.Command("ctr", "-a", c.socket, "-n", ns, "containers", "delete", id).Run()
			}
		}
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logf.Close()
		// Snapshots may still be mounted if a task survived: unmount before removing.
		exec.Command("sh", "-c", "grep -o ' "+dir+"[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l").Run()
		os.RemoveAll(dir)
	})
	for i := 0; ; i++ {
		if exec.Command("ctr", "-a", c.socket, "version").Run() == nil {
			break
		}
		if i == 100 {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("containerd did not answer within 20s; its log:\n%s", tail(string(b), 20))
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, ns := range []string{"default", "k8s.io"} {
		c.ctr(t, ns, "images", "import", images)
	}
	return c
}

// ctr runs ctr against the test's containerd.
func (c *ownContainerd) ctr(t *testing.T, ns string, args ...string) string {
	t.Helper()
	out, err := exec.Command("ctr", append([]string{"-a", c.socket, "-n", ns}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ctr -n %s %s: %v\n%s", ns, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// taskPID is the PID ctr shows for the task id of namespace ns.
func (c *ownContainerd) taskPID(t *testing.T, ns, id string) int {
	t.Helper()
	for _, l := range strings.Split(c.ctr(t, ns, "tasks", "ls"), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == id {
			pid, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("ctr tasks ls: PID %q", f[1])
			}
			return pid
		}
	}
	t.Fatalf("ctr -n %s tasks ls has no task %s", ns, id)
	return 0
}

// env points ddebug at this containerd, for containerd:// and for CRI.
func (c *ownContainerd) env() []string {
	return []string{"CONTAINERD_ADDRESS=" + c.socket, "CONTAINER_RUNTIME_ENDPOINT=unix://" + c.socket}
}

// criPod is a pod sandbox and its container, created through the CRI API as a kubelet would.
type criPod struct {
	namespace, name, container string
	sandboxID, containerID     string
}

// runCRIPod creates a host-network pod sandbox and one container in it, labelled like
// the kubelet's (so k8s:// finds it), and starts it.
func runCRIPod(t *testing.T, c *ownContainerd, p *criPod, image string, args []string, env map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cc, err := grpc.NewClient("unix://"+c.socket, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", c.socket)
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	rs := runtimeapi.NewRuntimeServiceClient(cc)
	logDir := filepath.Join(c.dir, "pods", p.name)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{
		"io.kubernetes.pod.namespace": p.namespace,
		"io.kubernetes.pod.name":      p.name,
		"io.kubernetes.pod.uid":       p.name + "-uid",
	}
	sandboxCfg := &runtimeapi.PodSandboxConfig{
		Metadata:     &runtimeapi.PodSandboxMetadata{Name: p.name, Namespace: p.namespace, Uid: p.name + "-uid"},
		LogDirectory: logDir,
		Labels:       labels,
		Linux: &runtimeapi.LinuxPodSandboxConfig{SecurityContext: &runtimeapi.LinuxSandboxSecurityContext{
			NamespaceOptions: &runtimeapi.NamespaceOption{Network: runtimeapi.NamespaceMode_NODE},
		}},
	}
	sb, err := rs.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sandboxCfg})
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(c.dir, "containerd.log"))
		t.Fatalf("RunPodSandbox: %v\ncontainerd log:\n%s", err, tail(string(b), 15))
	}
	p.sandboxID = sb.PodSandboxId
	ctrLabels := map[string]string{"io.kubernetes.container.name": p.container}
	for k, v := range labels {
		ctrLabels[k] = v
	}
	var envs []*runtimeapi.KeyValue
	for k, v := range env {
		envs = append(envs, &runtimeapi.KeyValue{Key: k, Value: []byte(v)})
	}
	cr, err := rs.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{
		PodSandboxId:  sb.PodSandboxId,
		SandboxConfig: sandboxCfg,
		Config: &runtimeapi.ContainerConfig{
			Metadata: &runtimeapi.ContainerMetadata{Name: p.container},
			Image:    &runtimeapi.ImageSpec{Image: image},
			Args:     args,
			Envs:     envs,
			Labels:   ctrLabels,
			LogPath:  p.container + ".log",
		},
	})
	if err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	p.containerID = cr.ContainerId
	if _, err := rs.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: cr.ContainerId}); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}
}

// podmanSocket is the rootful Podman API socket the tests use.
const podmanSocket = "/run/podman/podman.sock"

// startPodman installs Podman with apt when missing, starts its API service when none
// answers (stopped by t's cleanup), and loads the suite's images.
func startPodman(t *testing.T, images string) {
	t.Helper()
	if _, err := exec.LookPath("podman"); err != nil {
		t.Log("installing podman with apt-get")
		out, err := exec.Command("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman)").CombinedOutput()
		if err != nil {
			t.Fatalf("apt-get install podman: %v\n%s", err, out)
		}
	}
	if !podmanAnswers() {
		if err := os.MkdirAll(filepath.Dir(podmanSocket), 0o700); err != nil {
			t.Fatal(err)
		}
		logf, err := os.CreateTemp("", "ddebug-e2e-podman-*.log")
		if err != nil {
			t.Fatal(err)
		}
		svc := exec.Command("podman", "system", "service", "--time=0", "unix://"+podmanSocket)
		svc.Stdout, svc.Stderr = logf, logf
		if err := svc.Start(); err != nil {
			t.Fatalf("starting podman system service: %v", err)
		}
		t.Cleanup(func() {
			svc.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { svc.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				svc.Process.Kill()
				<-done
			}
			logf.Close()
			os.Remove(logf.Name())
			os.Remove(podmanSocket)
		})
		for i := 0; !podmanAnswers(); i++ {
			if i == 100 {
				b, _ := os.ReadFile(logf.Name())
				t.Fatalf("podman system service did not answer within 20s; its log:\n%s", tail(string(b), 20))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	podman(t, "load", "-q", "-i", images)
}

func podmanAnswers() bool {
	c, err := net.Dial("unix", podmanSocket)
	if err == nil {
		c.Close()
	}
	return err == nil
}

func podman(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("podman", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// podmanRun starts a detached container with the limits this machine allows.
func podmanRun(t *testing.T, name string, args ...string) {
	t.Helper()
	exec.Command("podman", "rm", "-f", name).Run()
	podman(t, append([]string{"run", "-d", "--name", name, "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"}, args...)...)
	t.Cleanup(func() { exec.Command("podman", "rm", "-f", "-t", "0", name).Run() })
}
