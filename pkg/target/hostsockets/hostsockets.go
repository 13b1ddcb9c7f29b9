package hostsockets

import (
	"os"
	"path/filepath"
	"strings"
)

// Docker's socket when $DOCKER_HOST is unset.
const DockerDefault = "/var/run/docker.sock"

// ContainerdDefault is containerd's socket when $CONTAINERD_ADDRESS is unset.
const ContainerdDefault = "/run/containerd/containerd.sock"

// DockerContainerd are where dockerd puts the socket of the containerd it starts itself when
// the host runs none (its containers are tasks in namespace "moby" there).
var DockerContainerd = []string{"/run/docker/containerd/containerd.sock", "/var/run/docker/containerd/containerd.sock"}

// ContainerdHint is what to tell a user whose containerd socket (Containerd()) is missing:
// when $CONTAINERD_ADDRESS is unset and dockerd's own containerd listens, how to reach it.
func ContainerdHint() string {
	const start = "is containerd running? ($CONTAINERD_ADDRESS selects another socket)"
	if os.Getenv("CONTAINERD_ADDRESS") != "" {
		return start
	}
	for _, s := range DockerContainerd {
		if exists(s) {
			return "no containerd of its own runs here, but Docker's does: CONTAINERD_ADDRESS=" + s + " reaches it (Docker's containers are in its namespace moby)"
		}
	}
	return start
}

// CRIDefaults are the CRI sockets tried in order when $CONTAINER_RUNTIME_ENDPOINT is unset:
// containerd, CRI-O, cri-dockerd.
var CRIDefaults = []string{"/run/containerd/containerd.sock", "/run/crio/crio.sock", "/run/cri-dockerd.sock"}

// PodmanRootful is the socket of the rootful Podman service.
const PodmanRootful = "/run/podman/podman.sock"

// Docker is the socket of $DOCKER_HOST when it names a unix socket, else DockerDefault;
// "" when DOCKER_HOST names another kind of address.
func Docker() string {
	h := os.Getenv("DOCKER_HOST")
	if h == "" {
		return DockerDefault
	}
	if p, ok := strings.CutPrefix(h, "unix://"); ok {
		return p
	}
	return ""
}

// Containerd is $CONTAINERD_ADDRESS, else ContainerdDefault.
func Containerd() string {
	if a := os.Getenv("CONTAINERD_ADDRESS"); a != "" {
		return strings.TrimPrefix(a, "unix://")
	}
	return ContainerdDefault
}

// CRI is $CONTAINER_RUNTIME_ENDPOINT, else CRIDefaults, without "unix://".
func CRI() []string {
	eps := CRIDefaults
	if e := os.Getenv("CONTAINER_RUNTIME_ENDPOINT"); e != "" {
		eps = []string{e}
	}
	out := make([]string, len(eps))
	for i, e := range eps {
		out[i] = strings.TrimPrefix(e, "unix://")
	}
	return out
}

// Podman is $CONTAINER_HOST, else the rootful service's socket, the one of
// $XDG_RUNTIME_DIR and the one of the user sudo ran as ($SUDO_UID), without "unix://"
// and without repeats.
func Podman() []string {
	var socks []string
	if h := os.Getenv("CONTAINER_HOST"); h != "" {
		socks = []string{h}
	} else {
		socks = []string{PodmanRootful}
		if x := os.Getenv("XDG_RUNTIME_DIR"); x != "" {
			socks = append(socks, filepath.Join(x, "podman", "podman.sock"))
		}
		if u := os.Getenv("SUDO_UID"); u != "" && u != "0" {
			socks = append(socks, "/run/user/"+u+"/podman/podman.sock")
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range socks {
		s = strings.TrimPrefix(s, "unix://")
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// OnlyDocker reports whether Docker's socket is the only runtime socket present on this
// host: none of containerd's, the CRI's or Podman's exists. A bare container name can then
// only be Docker's.
func OnlyDocker() bool {
	d := Docker()
	if d == "" || !exists(d) {
		return false
	}
	others := append(append([]string{Containerd()}, CRI()...), Podman()...)
	for _, s := range others {
		if exists(s) {
			return false
		}
	}
	return true
}

// exists says whether something is at path (a socket, or anything that might be one:
// what cannot be checked counts as present).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil || !os.IsNotExist(err)
}
