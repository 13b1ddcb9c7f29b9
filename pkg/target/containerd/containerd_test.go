package containerd

import (
	"strings"
	"testing"

	"github.com/containerd/containerd/v2/core/containers"
	"github.com/google/go-cmp/cmp"
)

func TestMatch(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	es := []entry{
		{ns: "default", info: containers.Container{ID: "web"}},
		{ns: "default", info: containers.Container{ID: "web-2"}},
		{ns: "default", info: containers.Container{ID: "f00", Labels: map[string]string{labelNerdctlName: "db"}}},
		{ns: "k8s.io", info: containers.Container{ID: hex}},
	}
	cases := map[string][]string{
		"web":   {"containerd://default/web"}, // exact wins over the prefix of web-2
		"we":    {"containerd://default/web", "containerd://default/web-2"},
		"db":    {"containerd://default/db"},
		"abab":  {"containerd://k8s.io/" + hex[:12]},
		"nope":  nil,
		"web-2": {"containerd://default/web-2"},
	}
	for name, want := range cases {
		var got []string
		for _, e := range match(es, name) {
			got = append(got, reference(e))
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("match(%q) (-want +got):\n%s", name, d)
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
