package podman

import (
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/targettest"
)

func TestParseReferenceRuntimes(t *testing.T) {
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	targettest.CheckParse(t, r, []targettest.ReferenceCase{
		{In: "podman://web", Want: target.Reference{Scheme: "podman", Name: "web"}},
		{In: "podman://", Err: "want podman://NAME"},
		{In: "podman://uid=1000/web", Want: target.Reference{Scheme: "podman", Name: "uid=1000/web"}},
		{In: "podman://uid=0/web", Want: target.Reference{Scheme: "podman", Name: "uid=0/web"}},
		{In: "podman://uid=1000/", Err: "want podman://NAME, podman://ID or podman://uid=UID/NAME"},
		{In: "podman://uid=x/web", Err: "podman://uid=UID/NAME"},
		{In: "podman://uid=01000/web", Err: "podman://uid=UID/NAME"},
		{In: "podman://uid=-1/web", Err: "podman://uid=UID/NAME"},
		{In: "podman://user/web", Err: "podman://uid=UID/NAME"},
		{In: "podman://uid=1000/a/b", Err: "podman://uid=UID/NAME"},
	})
}

func TestPodmanRef(t *testing.T) {
	cases := []struct {
		ref  string
		uid  int
		name string
	}{
		{"podman://web", 0, "web"},
		{"podman://uid=1000/web", 1000, "web"},
		{"podman://uid=1000/4f3a", 1000, "4f3a"},
	}
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	for _, c := range cases {
		if got := Ref(c.uid, c.name); got != c.ref {
			t.Errorf("PodmanRef(%d, %q) = %q, want %q", c.uid, c.name, got, c.ref)
		}
		ref, err := r.Parse(c.ref)
		if err != nil {
			t.Fatalf("ParseReference(%q): %v", c.ref, err)
		}
		uid, name, err := SplitName(ref.Name)
		wantUID := c.uid
		if !strings.Contains(c.ref, "uid=") {
			wantUID = -1 // podman://NAME asks every service
		}
		if err != nil || uid != wantUID || name != c.name {
			t.Errorf("SplitPodmanName(%q) = %d, %q, %v; want %d, %q", ref.Name, uid, name, err, wantUID, c.name)
		}
	}
	if uid, name, err := SplitName("uid=0/web"); err != nil || uid != 0 || name != "web" {
		t.Errorf("SplitPodmanName(uid=0/web) = %d, %q, %v; want the rootful service", uid, name, err)
	}
}
