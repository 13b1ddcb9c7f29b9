package toolbox_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// The tests of this package run the real toolbox binary, built once from cmd/ddebug-toolbox
// (static, CGO_ENABLED=0, without net/http's HTTP/2, as it goes into the image).
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// toolboxBinary returns the path of the built toolbox.
func toolboxBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "ddebug-toolbox-test-")
		if buildErr != nil {
			return
		}
		_, here, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(here), "..", "..", "..")
		binPath = filepath.Join(buildDir, "ddebug-toolbox")
		cmd := exec.Command("go", "build", "-tags", "nethttpomithttp2", "-o", binPath, "./cmd/ddebug-toolbox")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the toolbox: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// requireRoot skips a test that needs root (chroot, mount); CI runs as root.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (chroot, mount)")
	}
}

func fmtSscan(s string, args ...any) (int, error) { return fmt.Sscan(s, args...) }
