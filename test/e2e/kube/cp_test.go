//go:build e2e

package kube_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/testfs"
)

// localTree writes a tree with nested directories, modes, a 4 MiB random file, an empty
// file, relative and absolute symlinks and a hard link, and returns its directory.
func localTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	big := make([]byte, 4<<20)
	rand.Read(big)
	steps := []error{
		os.MkdirAll(filepath.Join(dir, "conf/deep/er"), 0o755),
		os.Mkdir(filepath.Join(dir, "private"), 0o700),
		os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644),
		os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600),
		os.WriteFile(filepath.Join(dir, "conf/app.yaml"), []byte("port: 8080\n"), 0o640),
		os.WriteFile(filepath.Join(dir, "conf/deep/er/run.sh"), []byte("#!/bin/sh\necho hi\n"), 0o755),
		os.WriteFile(filepath.Join(dir, "private/key"), []byte("secret\n"), 0o600),
		os.Symlink("conf/app.yaml", filepath.Join(dir, "current")),
		os.Symlink("/etc/marker", filepath.Join(dir, "abs-link")),
		os.Link(filepath.Join(dir, "conf/app.yaml"), filepath.Join(dir, "hard")),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// digest lists every entry below dir: type, permission bits, and the sha256 of a file or
// digest digests the tree below dir (testfs.Digest).
func digest(t *testing.T, dir string) map[string]string {
	t.Helper()
	d, err := testfs.Digest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A tree copied into a root FROM-scratch container (which has no tar) and out again is
// the same byte for byte, with modes and symlinks (kept as links); writing needs
// --allow-write; every copy reuses one debug container.
func TestCopyRoundTrip(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-cp", nil)
	e.pod(t, ns, "web", rootSpec)
	src := localTree(t)
	want := digest(t, src)

	r := e.ddebug(t, "cp", "-n", ns, src, "pod/web:/data")
	if r.code != 125 {
		t.Fatalf("copy in without --allow-write: exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "refusal", r.stderr, "refused", "--allow-write")
	if names := e.ephemeralNames(t, ns, "web"); len(names) != 0 {
		t.Errorf("a refused copy added debug containers: %v", names)
	}

	r = e.mustDdebug(t, "cp", "-n", ns, src, "pod/web:/data", "--allow-write")
	t.Logf("copy in (4 MiB and a few files) took %v", r.took)
	r = e.mustDdebug(t, "-n", ns, "web", "-q", "--", "sh", "-c", "cat /data/conf/app.yaml; readlink /data/current; stat -c %a /data/private/key")
	contains(t, "the copy seen inside", r.stdout, "port: 8080\nconf/app.yaml\n600")

	out := filepath.Join(t.TempDir(), "out")
	r = e.mustDdebug(t, "cp", "-n", ns, "pod/web:/data", out)
	t.Logf("copy out took %v", r.took)
	if diff := cmp.Diff(want, digest(t, out)); diff != "" {
		t.Errorf("tree copied in and out (-want +got):\n%s", diff)
	}
	a, errA := os.Stat(filepath.Join(out, "hard"))
	h, errH := os.Stat(filepath.Join(out, "conf/app.yaml"))
	if errA != nil || errH != nil || !os.SameFile(a, h) {
		t.Errorf("the hard link did not survive the round trip (%v, %v)", errA, errH)
	}
	// Into an existing local directory, a file and a link of the target's own.
	into := t.TempDir()
	e.mustDdebug(t, "cp", "-n", ns, "web:app:/etc/marker", into)
	if b, err := os.ReadFile(filepath.Join(into, "marker")); err != nil || string(b) != "root-target\n" {
		t.Errorf("marker copied out: %q, %v", b, err)
	}
	e.mustDdebug(t, "cp", "-n", ns, "web:/data/abs-link", into)
	if l, err := os.Readlink(filepath.Join(into, "abs-link")); err != nil || l != "/etc/marker" {
		t.Errorf("abs-link copied out: %q, %v (want a link, not followed)", l, err)
	}
	r = e.ddebug(t, "cp", "-n", ns, "web:/nope", into)
	if r.code != 125 {
		t.Errorf("copy of a missing path: exit %d, want 125", r.code)
	}
	contains(t, "missing path", r.stderr, "nope", "No such file")
	if names := e.ephemeralNames(t, ns, "web"); len(names) != 1 {
		t.Errorf("debug containers after the copies and a session: %v, want one (reused)", names)
	}
}

// A uid 65532 target in a restricted namespace: the session has no chroot (the target's
// root is at /target), and cp still finds /data/secret (0600, owned by 65532).
func TestCopyNonRoot(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-cp-nonroot", map[string]string{enforce: "restricted"})
	e.pod(t, ns, "app", `  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
  - {name: app, image: `+nonRootTarget+`, imagePullPolicy: Never, `+restrictC+`}
`)
	out := filepath.Join(t.TempDir(), "secret")
	e.mustDdebug(t, "cp", "-n", ns, "app:/data/secret", out)
	if b, err := os.ReadFile(out); err != nil || string(b) != "only-for-65532\n" {
		t.Errorf("secret copied out: %q, %v", b, err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode of the copy: %v, %v; want 0600", fi, err)
	}
	// Its root is not writable for 65532: refused before anything is written.
	r := e.ddebug(t, "cp", "-n", ns, localTree(t), "app:/", "--allow-write")
	if r.code != 125 {
		t.Fatalf("copy into / as 65532: exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "refusal", r.stderr, "cannot copy into /", "nothing was written")
}

// A read-only root filesystem: a copy into it is refused with a clear error and nothing is
// written; a writable volume of the same pod takes the copy.
func TestCopyReadOnlyRoot(t *testing.T) {
	e := setup(t)
	ns := e.c.Namespace(t, "kube-cp-ro", nil)
	e.pod(t, ns, "ro", `  volumes: [{name: scratch, emptyDir: {}}]
  containers:
  - {name: app, image: `+rootTarget+`, imagePullPolicy: Never, securityContext: {readOnlyRootFilesystem: true},
     volumeMounts: [{name: scratch, mountPath: /scratch}]}
`)
	src := localTree(t)
	r := e.ddebug(t, "cp", "-n", ns, src, "ro:/etc", "--allow-write")
	if r.code != 125 {
		t.Fatalf("copy into a read-only root: exit %d, want 125\n%s", r.code, r.stderr)
	}
	contains(t, "read-only refusal", r.stderr, "read-only file system", "nothing was written", "hint:")
	t.Logf("refusal: %s", strings.TrimSpace(r.stderr))
	ls := e.mustDdebug(t, "-n", ns, "ro", "-q", "--", "ls", "/etc")
	if strings.Contains(ls.stdout, "tree") {
		t.Errorf("something was written into /etc:\n%s", ls.stdout)
	}
	e.mustDdebug(t, "cp", "-n", ns, src, "ro:/scratch", "--allow-write")
	out := filepath.Join(t.TempDir(), "back")
	e.mustDdebug(t, "cp", "-n", ns, "ro:/scratch/tree", out)
	if diff := cmp.Diff(digest(t, src), digest(t, out)); diff != "" {
		t.Errorf("tree through the emptyDir (-want +got):\n%s", diff)
	}
}
