package nsenter

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSessionConfigRoundTrip(t *testing.T) {
	for _, c := range []SessionConfig{
		{Target: "app", Dir: "/home/nonroot", TTY: true},
		{Target: "pid/12", Dir: "/", Command: []string{"sh", "-c", "echo 'a b'; exit 3", ""}},
		{Target: "x", Command: []string{"ls"}, StartEnv: []string{"GOMAXPROCS"}},
		{Target: "y", StartEnv: []string{"GOMAXPROCS", "GOGC"}},
	} {
		b, err := c.marshal()
		if err != nil {
			t.Fatal(err)
		}
		var got SessionConfig
		if err := got.unmarshal(b); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(c, got); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
	if _, err := (SessionConfig{Command: []string{"a\x00b"}}).marshal(); err == nil {
		t.Error("a NUL in the command was accepted")
	}
	if _, err := (SessionConfig{StartEnv: []string{"A,B"}}).marshal(); err == nil {
		t.Error("a comma in a StartEnv name was accepted")
	}
	var c SessionConfig
	if err := c.unmarshal([]byte(`{"target":"app"}`)); err == nil {
		t.Error("a foreign configuration was accepted")
	}
}

func TestLaunchConfigRoundTrip(t *testing.T) {
	for _, c := range []launchConfig{
		{PID: 42, TTY: true, Bounding: 0xa80425fb, Argv: []string{"ddebug-session", "app"}, Env: []string{"PATH=/bin", "A=b=c"}},
		{PID: 7, KeepAll: true, NoNewPrivs: true, HasCred: true, UID: 65532, GID: 65532, Groups: []uint32{1, 2},
			Ambient: []uintptr{0, 21}, PauseMS: 300, UserNS: true, Argv: []string{"ddebug-session", ""}},
	} {
		b, err := c.marshal()
		if err != nil {
			t.Fatal(err)
		}
		var got launchConfig
		if err := got.unmarshal(b); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(c, got); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
	for _, bad := range []string{"", "ddebug-launch-v2\x001",
		"ddebug-launch-v1\x001\x000\x000\x000\x000\x000\x000\x000\x00\x00\x000\x001\x00a",        // an older launcher's
		"ddebug-launch-v2\x00x\x000\x000\x000\x000\x000\x000\x000\x00\x00\x000\x000\x001\x00a",   // pid
		"ddebug-launch-v2\x001\x000\x000\x000\x000\x000\x000\x000\x00\x00\x000\x002\x001\x00a",   // user namespace flag
		"ddebug-launch-v2\x001\x000\x000\x000\x000\x000\x000\x000\x00\x00\x000\x000\x005\x00a"} { // argc
		if c := strings.Count(bad, "\x00"); strings.HasPrefix(bad, launchVersion) && c > 1 && c != 14 {
			t.Fatalf("test case %q has %d fields, not a whole configuration with one argument", bad, c+1)
		}
		var c launchConfig
		if err := c.unmarshal([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
