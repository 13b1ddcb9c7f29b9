//go:build linux

package proc

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestStartOnThreadSparesMainThread: the thread a command is started from is changed for
// good, and it is never the main one, whose state is what /proc/self shows. Without the
// guard the very first start changed the main thread here.
func TestStartOnThreadSparesMainThread(t *testing.T) {
	before, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		cmd := exec.Command("/bin/true")
		if err := startOnThread(cmd, func() error {
			name, err := unix.BytePtrFromString("ddebug-spawned")
			if err != nil {
				return err
			}
			return unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(name)), 0, 0, 0)
		}); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		if now, _ := os.ReadFile("/proc/self/comm"); string(now) != string(before) {
			t.Fatalf("after %d starts /proc/self/comm is %q, was %q: the main thread was changed", i+1, strings.TrimSpace(string(now)), strings.TrimSpace(string(before)))
		}
	}
}
