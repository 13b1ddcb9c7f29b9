package podman

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

func TestParseReferenceRuntimes(t *testing.T) {
	cases := []struct {
		in   string
		want target.Reference
		err  string
	}{
		{"podman://web", target.Reference{Scheme: "podman", Name: "web"}, ""},
		{"podman://", target.Reference{}, "want podman://NAME"},
		{"podman://uid=1000/web", target.Reference{Scheme: "podman", Name: "uid=1000/web"}, ""},
		{"podman://uid=0/web", target.Reference{Scheme: "podman", Name: "uid=0/web"}, ""},
		{"podman://uid=1000/", target.Reference{}, "want podman://NAME, podman://ID or podman://uid=UID/NAME"},
		{"podman://uid=x/web", target.Reference{}, "podman://uid=UID/NAME"},
		{"podman://uid=01000/web", target.Reference{}, "podman://uid=UID/NAME"},
		{"podman://uid=-1/web", target.Reference{}, "podman://uid=UID/NAME"},
		{"podman://user/web", target.Reference{}, "podman://uid=UID/NAME"},
		{"podman://uid=1000/a/b", target.Reference{}, "podman://uid=UID/NAME"},
	}
	r := target.NewRegistry(Scheme)
	r.Register(Resolver{})
	for _, c := range cases {
		got, err := r.Parse(c.in)
		if c.err != "" {
			if err == nil || !errors.Is(err, target.ErrBadReference) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseReference(%q) error %v, want ErrBadReference containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseReference(%q): %v", c.in, err)
			continue
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("ParseReference(%q) (-want +got):\n%s", c.in, d)
		}
	}
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
