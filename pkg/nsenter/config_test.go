package nsenter

import (
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
