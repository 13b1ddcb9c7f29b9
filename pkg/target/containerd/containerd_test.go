package containerd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatch(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	cafeID := "cafe" + strings.Repeat("0", 60)
	es := []entry{
		{ns: "default", info: container{ID: "web"}},
		{ns: "default", info: container{ID: "web-2"}},
		{ns: "default", info: container{ID: "f00", Labels: map[string]string{labelNerdctlName: "db"}}},
		{ns: "default", info: container{ID: "dbeef"}},
		{ns: "default", info: container{ID: "cafe-in-default"}},
		{ns: "k8s.io", info: container{ID: hex}},
		{ns: "k8s.io", info: container{ID: cafeID}},
		{ns: "moby", info: container{ID: "cafe"}},
		{ns: "moby", info: container{ID: "api"}},
		{ns: "other", info: container{ID: "api"}},
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
			got = append(got, reference(e))
		}
		if d := cmp.Diff(c.want, got); d != "" || byPrefix != c.byPrefix {
			t.Errorf("match(%q, bare=%v): byPrefix %v, want %v (-want +got):\n%s", c.name, c.bare, byPrefix, c.byPrefix, d)
		}
	}
}

func TestAtLeast(t *testing.T) {
	for v, want := range map[string]bool{"1.6.20~ds1": true, "v2.1.0": true, "2.0.0-rc.1": true, "1.5.9": false, "0.9": false, "devel": true} {
		if got := atLeast(v, minVersion); got != want {
			t.Errorf("atLeast(%q) = %v, want %v", v, got, want)
		}
	}
}
