package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrintProcessesFixture(t *testing.T) {
	proc := t.TempDir()
	for pid, cmdline := range map[string]string{"1": "/app\x00-v\x00", "12": "/ps\x00", "7": ""} {
		if err := os.MkdirAll(filepath.Join(proc, pid), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proc, pid, "cmdline"), []byte(cmdline), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Not processes: ignored.
	if err := os.MkdirAll(filepath.Join(proc, "self"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(proc, "99"), 0o755); err != nil { // no cmdline: gone
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := printProcesses(&out, proc); err != nil {
		t.Fatal(err)
	}
	uid := strconv.Itoa(os.Getuid())
	want := []string{
		"  PID    UID CMD",
		"    1 " + strings.Repeat(" ", 6-len(uid)) + uid + " /app -v",
		"    7 " + strings.Repeat(" ", 6-len(uid)) + uid + " ",
		"   12 " + strings.Repeat(" ", 6-len(uid)) + uid + " /ps",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPrintProcessesSeesItself(t *testing.T) {
	var out bytes.Buffer
	if err := printProcesses(&out, "/proc"); err != nil {
		t.Fatal(err)
	}
	self := strconv.Itoa(os.Getpid())
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == self {
			return
		}
	}
	t.Errorf("own pid %s missing from:\n%s", self, out.String())
}

func TestPrintProcessesMissingProc(t *testing.T) {
	if err := printProcesses(&bytes.Buffer{}, filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("printProcesses of a missing directory succeeded")
	}
}
