package containerd

import (
	"strings"
	"testing"

	tasktypes "github.com/containerd/containerd/api/types/task"
	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd/direct"
)

func TestMatch(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	cafeID := "cafe" + strings.Repeat("0", 60)
	es := []entry{
		{Namespace: "default", ID: "web"},
		{Namespace: "default", ID: "web-2"},
		{Namespace: "default", ID: "f00", Labels: map[string]string{labelNerdctlName: "db"}},
		{Namespace: "default", ID: "dbeef"},
		{Namespace: "default", ID: "cafe-in-default"},
		{Namespace: "k8s.io", ID: hex},
		{Namespace: "k8s.io", ID: cafeID},
		{Namespace: "moby", ID: "cafe"},
		{Namespace: "moby", ID: "api"},
		{Namespace: "other", ID: "api"},
	}
	cases := []struct {
		name     string
		bare     bool
		want     []string
		byPrefix bool
	}{
		{"web", true, []string{"containerd://default/web"}, false}, // exact wins over the prefix of web-2
		{"we", false, []string{"containerd://default/web", "containerd://default/web-2"}, true},
		{"we", true, nil, false}, // too short for a bare ID prefix
		{"db", true, []string{"containerd://default/db"}, false},
		{"db", false, []string{"containerd://default/db"}, false}, // the name, not dbeef's prefix
		{"abab", true, []string{"containerd://k8s.io/" + hex[:12]}, true},
		{"nope", true, nil, false},
		{"web-2", true, []string{"containerd://default/web-2"}, false},
		// An exact ID in another namespace beats an ID prefix in the resolver's own.
		{"cafe", true, []string{"containerd://moby/cafe"}, false},
		// Exact in two other namespaces: both, for the ambiguity error.
		{"api", true, []string{"containerd://moby/api", "containerd://other/api"}, false},
		// Prefixes: the resolver's namespace first.
		{"cafe-", true, []string{"containerd://default/cafe-in-default"}, true},
		{"cafe0", true, []string{"containerd://k8s.io/" + cafeID[:12]}, true},
	}
	for _, c := range cases {
		var got []string
		found, byPrefix := match(es, "default", c.name, c.bare)
		for _, e := range found {
			got = append(got, e.Reference())
		}
		if d := cmp.Diff(c.want, got); d != "" || byPrefix != c.byPrefix {
			t.Errorf("match(%q, bare=%v): byPrefix %v, want %v (-want +got):\n%s", c.name, c.bare, byPrefix, c.byPrefix, d)
		}
	}
}

// TestStatusValues: package direct's task statuses are containerd's.
func TestStatusValues(t *testing.T) {
	for got, want := range map[direct.Status]tasktypes.Status{
		direct.StatusUnknown: tasktypes.Status_UNKNOWN, direct.StatusCreated: tasktypes.Status_CREATED,
		direct.StatusRunning: tasktypes.Status_RUNNING, direct.StatusStopped: tasktypes.Status_STOPPED,
		direct.StatusPaused: tasktypes.Status_PAUSED, direct.StatusPausing: tasktypes.Status_PAUSING,
	} {
		if int32(got) != int32(want) || got.String() != want.String() {
			t.Errorf("direct.Status %d (%s), containerd's %d (%s)", got, got, want, want)
		}
	}
}
