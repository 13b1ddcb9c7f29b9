package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

func TestPs(t *testing.T) {
	self := os.Getpid()
	listing := target.Listing{
		Targets: []target.Target{
			{PID: self, Name: "web", Runtime: "docker", Image: "nginx"},
			{PID: 4194300, Name: "x", Runtime: "containerd", Canonical: "containerd://default/x"},
			{PID: self, Name: "api", Runtime: "docker"},
		},
		Answered: []string{"docker", "containerd"},
		Errors:   map[string]error{"podman": fmt.Errorf("%w: permission denied on the Podman API socket /run/podman/podman.sock", target.ErrUnavailable)},
	}
	var out, errOut bytes.Buffer
	o := &PsOptions{streams: Streams{Out: &out, ErrOut: &errOut}, List: func(context.Context) target.Listing { return listing }}
	if err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	uid := strconv.Itoa(os.Getuid())
	pid := strconv.Itoa(self)
	want := [][]string{
		{"RUNTIME", "REFERENCE", "IMAGE", "UID", "PID"},
		{"docker", "docker://api", "-", uid, pid},
		{"docker", "docker://web", "nginx", uid, pid},
		{"containerd", "containerd://default/x", "-", "-", "4194300"},
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("ps printed:\n%s", out.String())
	}
	for i, l := range lines {
		if got := strings.Fields(l); strings.Join(got, " ") != strings.Join(want[i], " ") {
			t.Errorf("line %d = %q, want %q", i, got, want[i])
		}
	}
	if e := errOut.String(); e != "ddebug ps: podman: container runtime unavailable: permission denied on the Podman API socket /run/podman/podman.sock\n" {
		t.Errorf("stderr = %q", e)
	}

	o.List = func(context.Context) target.Listing {
		return target.Listing{Errors: map[string]error{"docker": errors.New("down")}}
	}
	if err := o.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "no container runtime answers") {
		t.Errorf("nothing answers: %v", err)
	}
	o.List = func(context.Context) target.Listing { return target.Listing{} }
	if err := o.Run(context.Background()); !errors.Is(err, target.ErrUnavailable) {
		t.Errorf("no runtime at all: %v, want ErrUnavailable", err)
	}
}
