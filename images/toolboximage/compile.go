package toolboximage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ToolboxPackage is the small main that goes into the image.
const ToolboxPackage = "./cmd/ddebug-toolbox"

// BuildFlags make a static, reproducible binary: no cgo, no local paths, no build ID,
// no VCS stamp (which would change with unrelated edits in the work tree).
//
// nethttpomithttp2 leaves net/http's bundled HTTP/2 out: curl and wget speak HTTP/1.1,
// and it is 380 KB of a toolbox image with a 5 MiB budget.
var BuildFlags = []string{"-trimpath", "-buildvcs=false", "-tags=nethttpomithttp2", "-ldflags=-s -w -buildid="}

// NodePackage and NodeTags make the binary of the node image (kubectl ddebug node/NAME):
// the toolbox and ddebug's host command line in one multi-call binary.
const (
	NodePackage = "./cmd/kubectl-ddebug"
	NodeTags    = "ddebug_host"
)

// LauncherPackage is the launcher of `ddebug exec` sessions, which the plugin embeds.
const LauncherPackage = "./cmd/ddebug-launch"

// LauncherEntry is the linker's -E for LauncherPackage on the architectures where it
// has an entry that never starts the Go runtime (see cmd/ddebug-launch).
var LauncherEntry = map[string]string{"amd64": "github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry", "arm64": "github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry"}

// CompileLauncher builds LauncherPackage for linux/goarch into out, entered without the
// Go runtime where LauncherEntry says how.
func CompileLauncher(ctx context.Context, moduleDir, goarch, out string) error {
	ldflags := "-ldflags=-s -w -buildid="
	if e, ok := LauncherEntry[goarch]; ok {
		ldflags += " -E " + e
	}
	return compile(ctx, moduleDir, LauncherPackage, goarch, out, []string{"-trimpath", "-buildvcs=false", ldflags})
}

// Compile builds pkg (a main package, e.g. ToolboxPackage) of the module in moduleDir
// for linux/goarch into out.
func Compile(ctx context.Context, moduleDir, pkg, goarch, out string) error {
	return compile(ctx, moduleDir, pkg, goarch, out, BuildFlags)
}

func compile(ctx context.Context, moduleDir, pkg, goarch, out string, flags []string) error {
	args := append([]string{"build"}, flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s for linux/%s: %w: %s", pkg, goarch, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// CompileToolboxes builds the toolbox for each architecture into dir and returns the
// binaries by architecture.
func CompileToolboxes(ctx context.Context, moduleDir, dir string, archs []string) (map[string][]byte, error) {
	bins := map[string][]byte{}
	for _, arch := range archs {
		out := filepath.Join(dir, "linux_"+arch, "ddebug-toolbox")
		if err := Compile(ctx, moduleDir, ToolboxPackage, arch, out); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return nil, fmt.Errorf("reading toolbox: %w", err)
		}
		bins[arch] = data
	}
	return bins, nil
}

// CompileNodeBinaries builds the node image's binary (NodePackage with NodeTags; the
// toolbox is the binary itself) for each architecture into dir and returns them.
func CompileNodeBinaries(ctx context.Context, moduleDir, dir string, archs []string) (map[string][]byte, error) {
	flags := []string{"-trimpath", "-buildvcs=false", "-tags=" + NodeTags, "-ldflags=-s -w -buildid="}
	bins := map[string][]byte{}
	for _, arch := range archs {
		out := filepath.Join(dir, "linux_"+arch, "ddebug")
		if err := compile(ctx, moduleDir, NodePackage, arch, out, flags); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return nil, fmt.Errorf("reading the node binary: %w", err)
		}
		bins[arch] = data
	}
	return bins, nil
}

// ModuleRoot returns the directory of the main module containing dir.
func ModuleRoot(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOMOD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("%s is not inside a Go module", dir)
	}
	return filepath.Dir(mod), nil
}
