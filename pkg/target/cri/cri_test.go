package cri

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func ctr(id, name string, state runtimeapi.ContainerState, created int64, pod string) *runtimeapi.Container {
	c := &runtimeapi.Container{Id: id, Metadata: &runtimeapi.ContainerMetadata{Name: name}, State: state, CreatedAt: created}
	if pod != "" {
		c.Labels = map[string]string{labelPodNamespace: "ns", labelPodName: pod, labelContainerName: name}
	}
	return c
}

func TestMatch(t *testing.T) {
	running, exited := runtimeapi.ContainerState_CONTAINER_RUNNING, runtimeapi.ContainerState_CONTAINER_EXITED
	cs := []*runtimeapi.Container{
		ctr("aaaa1111bbbb2222", "app", exited, 1, "web"),
		ctr("aaaa3333cccc4444", "app", running, 2, "web"),
		ctr("dddd5555eeee6666", "side", exited, 3, ""),
		ctr("dddd7777ffff8888", "side", exited, 4, ""),
		ctr("db0011112222aaaa", "cache", running, 5, ""),
		ctr("cafe000011112222", "worker", running, 6, ""),
		ctr("0123456789abcdef", "cafe", running, 7, ""),
		ctr("beef000011112222", "x1", running, 8, ""),
		ctr("beef333344445555", "beef", exited, 9, ""),
		ctr("feed000011112222", "y1", running, 10, ""),
		ctr("feed333344445555", "y2", running, 11, ""),
	}
	cases := []struct {
		name     string
		bare     bool
		want     []string
		byPrefix bool
	}{
		{"aaaa3333cccc4444", false, []string{"k8s://ns/web/app"}, false},
		{"aaaa", false, []string{"k8s://ns/web/app", "k8s://ns/web/app"}, true},
		{"app", false, nil, false},
		{"app", true, []string{"k8s://ns/web/app"}, false},    // the running attempt
		{"side", true, []string{"cri://dddd7777ffff"}, false}, // all exited: the latest
		{"dddd5", true, []string{"cri://dddd5555eeee"}, true}, // ID prefix
		{"cafe", true, []string{"cri://0123456789ab"}, false}, // the name, not the ID starting with it
		{"cafe", false, []string{"cri://cafe00001111"}, true}, // cri://cafe: an ID prefix
		{"beef", true, []string{"cri://beef33334444"}, false}, // an exited name beats a running prefix
		{"feed", true, []string{"cri://feed00001111", "cri://feed33334444"}, true},
		{"db", true, nil, false},                            // too short to be a bare ID prefix
		{"db", false, []string{"cri://db0011112222"}, true}, // cri://db: any prefix
		{"0123456789abcdef", true, []string{"cri://0123456789ab"}, false},
	}
	for _, c := range cases {
		var got []string
		found, byPrefix := match(cs, c.name, c.bare)
		for _, m := range found {
			got = append(got, reference(m))
		}
		if d := cmp.Diff(c.want, got); d != "" || byPrefix != c.byPrefix {
			t.Errorf("match(%q, bare=%v): byPrefix %v, want %v (-want +got):\n%s", c.name, c.bare, byPrefix, c.byPrefix, d)
		}
	}
}
