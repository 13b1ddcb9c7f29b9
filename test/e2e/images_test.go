//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Containers of the suite, started by buildImages.
const (
	ctrScratch  = prefix + "scratch"  // root, two processes, listens on :8080
	ctrNonroot  = prefix + "nonroot"  // USER 65532:65532, WORKDIR /home/nonroot (mode 0700)
	ctrReadonly = prefix + "readonly" // --read-only --cap-drop ALL
	ctrGlibc    = prefix + "glibc"    // a dynamic glibc program and its libraries
)

const helloC = `#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
	if (argc > 1) { printf("hello from glibc\n"); return 0; }
	for (;;) pause();
}
`

// buildImages builds the test images locally (no registry here) and starts their containers.
func buildImages(tmp string) error {
	ctx := filepath.Join(tmp, "scratch")
	if err := os.MkdirAll(ctx, 0o755); err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", filepath.Join(ctx, "app"), "./test/e2e/targetapp")
	build.Dir, build.Env = repoRoot, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building targetapp: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(ctx, "secret"), []byte("s3cret\n"), 0o600); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(ctx, "home", "nonroot"), 0o700); err != nil {
		return err
	}
	files := map[string]string{
		"Dockerfile.scratch": "FROM scratch\nCOPY app /app\nCOPY secret /etc/secret\nENV APP_MODE=test\nENTRYPOINT [\"/app\"]\n",
		"Dockerfile.nonroot": "FROM scratch\nCOPY app /app\nCOPY secret /etc/secret\nCOPY --chown=65532:65532 home /home\nENV APP_MODE=nonroot\nUSER 65532:65532\nWORKDIR /home/nonroot\nENTRYPOINT [\"/app\"]\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(ctx, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	for _, img := range []string{"scratch", "nonroot"} {
		if out, err := exec.Command("docker", "build", "-q", "-f", filepath.Join(ctx, "Dockerfile."+img), "-t", "ddebug-e2e/"+img, ctx).CombinedOutput(); err != nil {
			return fmt.Errorf("docker build %s: %v\n%s", img, err, out)
		}
	}
	if err := buildGlibcImage(filepath.Join(tmp, "glibc")); err != nil {
		return err
	}
	runs := [][]string{
		{"--name", ctrScratch, "--hostname", "scratchhost", "ddebug-e2e/scratch", "-listen", ":8080", "-child"},
		{"--name", ctrNonroot, "--hostname", "nonroothost", "ddebug-e2e/nonroot", "-listen", ":8081"},
		{"--name", ctrReadonly, "--read-only", "--cap-drop", "ALL", "ddebug-e2e/scratch"},
		{"--name", ctrGlibc, "ddebug-e2e/glibc"},
	}
	for _, r := range runs {
		if out, err := exec.Command("docker", append([]string{"run", "-d"}, r...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("docker run %v: %v\n%s", r, err, out)
		}
	}
	return nil
}

// buildGlibcImage compiles a dynamic C program and copies it with the libraries ldd names.
func buildGlibcImage(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "hello.c"), []byte(helloC), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command("cc", "-O2", "-o", filepath.Join(dir, "hello"), filepath.Join(dir, "hello.c")).CombinedOutput(); err != nil {
		return fmt.Errorf("cc hello.c: %v\n%s", err, out)
	}
	out, err := exec.Command("ldd", filepath.Join(dir, "hello")).Output()
	if err != nil {
		return fmt.Errorf("ldd hello: %w", err)
	}
	dockerfile := "FROM scratch\nCOPY hello /hello\n"
	for _, line := range strings.Split(string(out), "\n") {
		for _, f := range strings.Fields(line) {
			if !strings.HasPrefix(f, "/") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			dst := filepath.Join(dir, "root", f)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, b, 0o755); err != nil {
				return err
			}
		}
	}
	dockerfile += "COPY root/ /\nENTRYPOINT [\"/hello\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command("docker", "build", "-q", "-t", "ddebug-e2e/glibc", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("docker build glibc: %v\n%s", err, out)
	}
	return nil
}
