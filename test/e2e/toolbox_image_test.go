//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testToolboxImage builds the toolbox image as a release does (images/build: daemonless,
// both architectures) and loads each artifact into the runtime it is meant for: the
// per-architecture docker tarball with docker load and podman load, the multi-architecture
// OCI archive with ctr images import into the namespace a kubelet uses. Each runtime then
// runs `ls /` in it, and Docker a non-root user who links /target, as kubectl ddebug does.
func testToolboxImage(t *testing.T, ctrd *ownContainerd) {
	version := fmt.Sprintf("e2e-%d", os.Getpid())
	ref := "ghcr.io/kubectl-ddebug/toolbox:" + version
	out := t.TempDir()
	build := exec.Command("go", "run", "./images/build", "-version", version, "-out", out)
	build.Dir, build.Env = repoRoot, append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("images/build: %v\n%s", err, b)
	} else {
		t.Logf("images/build:\n%s", b)
	}
	tarball := filepath.Join(out, "toolbox-linux-"+runtime.GOARCH+".tar")
	wantRoot := func(who, ls string) {
		t.Helper()
		for _, want := range []string{"bin", "etc", "run", "target", "tmp"} {
			if !hasLine(ls, want) {
				t.Errorf("%s: ls / in %s has no %q:\n%s", who, ref, want, ls)
			}
		}
	}

	t.Run("docker", func(t *testing.T) {
		if got := docker(t, "load", "-i", tarball); !strings.Contains(got, ref) {
			t.Errorf("docker load said %q, want it to name %s", got, ref)
		}
		t.Cleanup(func() { exec.Command("docker", "rmi", "-f", ref).Run() })
		wantRoot("docker run", docker(t, "run", "--rm", ref, "ls", "/"))
		got := docker(t, "run", "--rm", "--user", "65532:0", ref, "sh", "-c",
			"id -u; readlink /target; ln -s /proc/1/root /run/ddebug/target && ls /target/ >/dev/null && echo linked")
		if want := "65532\n/run/ddebug/target\nlinked"; strings.TrimSpace(got) != want {
			t.Errorf("as uid 65532: got %q, want %q", got, want)
		}
		label := docker(t, "image", "inspect", "--format", `{{index .Config.Labels "org.opencontainers.image.version"}}`, ref)
		if strings.TrimSpace(label) != version {
			t.Errorf("version label = %q, want %q", label, version)
		}
	})
	t.Run("containerd", func(t *testing.T) {
		ctrd.ctr(t, "k8s.io", "images", "import", "--all-platforms", filepath.Join(out, "toolbox.oci.tar"))
		t.Cleanup(func() { exec.Command("ctr", "-a", ctrd.socket, "-n", "k8s.io", "images", "rm", ref).Run() })
		if ls := ctrd.ctr(t, "k8s.io", "images", "ls", "-q"); !hasLine(ls, ref) {
			t.Fatalf("ctr images import did not name the image %s:\n%s", ref, ls)
		}
		wantRoot("ctr run", ctrd.ctr(t, "k8s.io", "run", "--rm", ref, prefix+"toolbox-img", "ls", "/"))
	})
	t.Run("podman", func(t *testing.T) {
		if got := podman(t, "load", "-i", tarball); !strings.Contains(got, ref) {
			t.Errorf("podman load said %q, want it to name %s", got, ref)
		}
		t.Cleanup(func() { exec.Command("podman", "rmi", "-f", ref).Run() })
		wantRoot("podman run", podman(t, "run", "--rm", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", ref, "ls", "/"))
	})
}
