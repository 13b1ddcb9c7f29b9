package nsenter

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// parsed is what the launcher makes of configuration b (see parseLaunch): it is read
// into launchBuf, as the launcher reads it.
func parsed(t *testing.T, b []byte) (launchConfig, bool) {
	t.Helper()
	buf := (*[launchMaxConfig]byte)(unsafe.Pointer(&launchBuf))
	n := copy(buf[:], b)
	var p forkPlan
	h, ok := parseLaunch(buf[:n], &p)
	if !ok {
		return launchConfig{}, false
	}
	c := launchConfig{PID: int(h.pid), PauseMS: int(p.pause.Sec*1000 + p.pause.Nsec/1e6), TTY: p.tty, KeepAll: p.keepAll,
		Bounding: p.bounding, NoNewPrivs: h.flags&launchNoNewPrivs != 0, HasCred: p.setCred, UserNS: p.userNS,
		UID: uint32(p.uid), GID: uint32(p.gid)}
	if p.ngroups > 0 {
		c.Groups = append(c.Groups, unsafe.Slice((*uint32)(ptr(p.groups)), p.ngroups)...)
	}
	for a := uintptr(0); a < 64; a++ {
		if p.ambient&(1<<a) != 0 {
			c.Ambient = append(c.Ambient, a)
		}
	}
	cstrings := func(v uintptr) []string {
		var out []string
		for p := (*uintptr)(ptr(v)); *p != 0; p = (*uintptr)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(v))) {
			out = append(out, unsafe.String((*byte)(ptr(*p)), strings.IndexByte(unsafe.String((*byte)(ptr(*p)), len(buf)), 0)))
		}
		return out
	}
	c.Argv, c.Env = cstrings(p.argv), cstrings(p.envv)
	return c, true
}

// ptr is the address v holds (the launcher keeps addresses as uintptrs in static memory).
func ptr(v uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&v)) }

func TestLaunchConfigRoundTrip(t *testing.T) {
	for _, c := range []launchConfig{
		{PID: 42, TTY: true, Bounding: 0xa80425fb, Argv: []string{"ddebug-session", "app"}, Env: []string{"PATH=/bin", "A=b=c"}},
		{PID: 7, KeepAll: true, NoNewPrivs: true, HasCred: true, UID: 65532, GID: 65532, Groups: []uint32{1, 2, 3},
			Ambient: []uintptr{0, 21, 40}, PauseMS: 1300, UserNS: true, Argv: []string{"ddebug-session", ""}},
		{PID: 1<<31 - 1, HasCred: true, UID: 1, GID: 2, Groups: []uint32{9}, Argv: []string{"a"}},
	} {
		b, err := c.marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parsed(t, b)
		if !ok {
			t.Fatalf("%+v: not parsed", c)
		}
		if d := cmp.Diff(c, got); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
}

func TestLaunchConfigRejected(t *testing.T) {
	good := launchConfig{PID: 7, HasCred: true, UserNS: true, Groups: []uint32{1}, Argv: []string{"s", "t"}, Env: []string{"A=b"}}
	b, err := good.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := parsed(t, b); !ok {
		t.Fatal("the configuration the others are made from is refused")
	}
	ne := binary.NativeEndian
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), b...)) }
	for name, bad := range map[string][]byte{
		"empty":           {},
		"header cut":      b[:launchHeaderSize-1],
		"strings cut":     b[:len(b)-1],
		"trailing bytes":  append(append([]byte(nil), b...), 'x', 0),
		"older layout":    edit(func(b []byte) []byte { ne.PutUint64(b, launchMagic-1); return b }),
		"unknown flag":    edit(func(b []byte) []byte { ne.PutUint32(b[8:], 1<<7); return b }),
		"pid 0":           edit(func(b []byte) []byte { ne.PutUint32(b[12:], 0); return b }),
		"pid negative":    edit(func(b []byte) []byte { ne.PutUint32(b[12:], 1<<31); return b }),
		"userns, no ids":  edit(func(b []byte) []byte { ne.PutUint32(b[8:], launchUserNS); return b }),
		"groups past":     edit(func(b []byte) []byte { ne.PutUint32(b[40:], 1<<10); return b }),
		"groups too many": edit(func(b []byte) []byte { ne.PutUint32(b[40:], launchMaxGroups+1); return b }),
		"no argv":         edit(func(b []byte) []byte { ne.PutUint32(b[48:], 0); return b }),
		"argc past":       edit(func(b []byte) []byte { ne.PutUint32(b[48:], 4); return b }),
		"envc past":       edit(func(b []byte) []byte { ne.PutUint32(b[52:], 2); return b }),
		"envc wraps":      edit(func(b []byte) []byte { ne.PutUint32(b[52:], ^uint32(0)); return b }),
		"strings short":   edit(func(b []byte) []byte { ne.PutUint32(b[52:], 0); return b }),
	} {
		if _, ok := parsed(t, bad); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, c := range []launchConfig{
		{PID: 1, Argv: nil},
		{PID: 0, Argv: []string{"a"}},
		{PID: 1, Argv: []string{"a\x00b"}},
		{PID: 1, Argv: []string{"a"}, Ambient: []uintptr{64}},
		{PID: 1, Argv: []string{"a"}, Env: make([]string, launchMaxStrings)},
		{PID: 1, Argv: []string{strings.Repeat("x", launchMaxConfig)}},
	} {
		if _, err := c.marshal(); err == nil {
			t.Errorf("marshal %.80v: no error", c)
		}
	}
}

// TestLauncherByHand: the launcher as the Makefile builds it refuses to run under another
// name, and as ddebug-launch without a launch configuration reports that on its status
// descriptor (7) and ends with 125.
func TestLauncherByHand(t *testing.T) {
	withoutRuntime := runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"
	launcherBin := filepath.Join(t.TempDir(), "ddebug-launch")
	build := exec.Command("go", "build", "-o", launcherBin, "./cmd/ddebug-launch")
	if withoutRuntime {
		build.Args = append(build.Args[:2], "-ldflags=-E github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry", "-o", launcherBin, "./cmd/ddebug-launch")
	}
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the launcher: %v\n%s", err, out)
	}
	// On amd64 and arm64 the Go runtime never starts: it would trace its packages'
	// initialisation.
	var errb bytes.Buffer
	cmd := exec.Command(launcherBin)
	cmd.Env = []string{"GODEBUG=inittrace=1"}
	cmd.Stderr = &errb
	const why = "ddebug-launch: started by ddebug exec, not by hand\n"
	err := cmd.Run()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 || !strings.HasSuffix(errb.String(), why) {
		t.Errorf("started by hand: %v, stderr %q, want exit 2 and why", err, errb.String())
	}
	if withoutRuntime && errb.String() != why {
		t.Errorf("started by hand, the launcher ran more than its entry:\n%s", errb.String())
	}
	status, err := os.CreateTemp(t.TempDir(), "status")
	if err != nil {
		t.Fatal(err)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd = exec.Command(launcherBin)
	cmd.Args[0] = LauncherArg0
	cmd.ExtraFiles = []*os.File{devnull, devnull, devnull, devnull, status} // 3..7
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != launcherFailed {
		t.Fatalf("without configuration: %v, want exit %d", err, launcherFailed)
	}
	b, _ := os.ReadFile(status.Name())
	if want := fmt.Sprintf("err %d 0\n", stepBadConfig); string(b) != want {
		t.Errorf("status %q, want %q", b, want)
	}
	if err := launchFailure(strings.TrimSuffix(strings.TrimPrefix(string(b), "err "), "\n"), 1); err == nil || err.Error() != "launch configuration is not of this version of ddebug" {
		t.Errorf("ddebug says %v", err)
	}
}

func TestLaunchFailureWording(t *testing.T) {
	for report, want := range map[string]string{
		fmt.Sprintf("%d 2", stepExec):       "starting the session: executing the session program: no such file or directory (the target's root may hide it)",
		fmt.Sprintf("%d 1", stepSetns):      "joining the namespaces of pid 42: operation not permitted",
		fmt.Sprintf("%d 13", stepOpenNS+5):  "opening the mnt namespace of pid 42: permission denied",
		fmt.Sprintf("%d 3", stepTargetGone): "target process is gone: pid 42 exited",
		fmt.Sprintf("%d 0", stepGarbled):    "the session failed to start (garbled report from its child)",
		fmt.Sprintf("%d 1", stepSetresuid):  "starting the session: setresuid: operation not permitted",
		"999 1":                             "the session launcher failed at step 999: operation not permitted",
		"something else":                    `the session launcher failed: "something else"`,
	} {
		if err := launchFailure(report, 42); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", report, err, want)
		}
	}
	if err := launchFailure(fmt.Sprintf("%d 3", stepTargetGone), 42); !errors.Is(err, ErrTargetGone) {
		t.Errorf("target gone: %v is not ErrTargetGone", err)
	}
}
