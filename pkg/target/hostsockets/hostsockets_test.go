package hostsockets

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOnlyDocker: a bare name is Docker's alone when its socket is there and no other
// runtime's is, each found where its resolver looks (the environment first).
func TestOnlyDocker(t *testing.T) {
	dir := t.TempDir()
	docker, other := filepath.Join(dir, "docker.sock"), filepath.Join(dir, "other.sock")
	t.Setenv("DOCKER_HOST", "unix://"+docker)
	t.Setenv("CONTAINERD_ADDRESS", filepath.Join(dir, "containerd.sock"))
	t.Setenv("CONTAINER_RUNTIME_ENDPOINT", "unix://"+filepath.Join(dir, "cri.sock"))
	t.Setenv("CONTAINER_HOST", "unix://"+filepath.Join(dir, "podman.sock"))
	if OnlyDocker() {
		t.Error("OnlyDocker with no Docker socket")
	}
	if err := os.WriteFile(docker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if !OnlyDocker() {
		t.Error("not OnlyDocker with Docker's socket alone")
	}
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"CONTAINERD_ADDRESS", "CONTAINER_RUNTIME_ENDPOINT", "CONTAINER_HOST"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv(v, other)
			if OnlyDocker() {
				t.Errorf("OnlyDocker with %s=%s present", v, other)
			}
		})
	}
	t.Setenv("DOCKER_HOST", "tcp://127.0.0.1:2375")
	if OnlyDocker() {
		t.Error("OnlyDocker with a tcp:// DOCKER_HOST: no socket to check")
	}
}

func TestPodmanSockets(t *testing.T) {
	t.Setenv("CONTAINER_HOST", "")
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	t.Setenv("SUDO_UID", "1000")
	got := Podman()
	if len(got) != 2 || got[0] != PodmanRootful || got[1] != "/run/user/1000/podman/podman.sock" {
		t.Errorf("Podman() = %q, want the rootful socket and user 1000's once", got)
	}
}

// TestContainerdHint: a missing containerd socket is explained by dockerd's own containerd
// when one listens and $CONTAINERD_ADDRESS is unset; otherwise the plain hint stays.
func TestContainerdHint(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "containerd.sock")
	saved := DockerContainerd
	t.Cleanup(func() { DockerContainerd = saved })
	DockerContainerd = []string{filepath.Join(dir, "nothing.sock"), sock}
	t.Setenv("CONTAINERD_ADDRESS", "")
	plain := "is containerd running? ($CONTAINERD_ADDRESS selects another socket)"
	if got := ContainerdHint(); got != plain {
		t.Errorf("no socket anywhere: %q, want %q", got, plain)
	}
	if err := os.WriteFile(sock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	want := "no containerd of its own runs here, but Docker's does: CONTAINERD_ADDRESS=" + sock + " reaches it (Docker's containers are in its namespace moby)"
	if got := ContainerdHint(); got != want {
		t.Errorf("dockerd's containerd there: %q, want %q", got, want)
	}
	t.Setenv("CONTAINERD_ADDRESS", filepath.Join(dir, "chosen.sock"))
	if got := ContainerdHint(); got != plain {
		t.Errorf("CONTAINERD_ADDRESS set: %q, want %q", got, plain)
	}
}
