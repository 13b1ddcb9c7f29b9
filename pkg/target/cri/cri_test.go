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
	}
	cases := []struct {
		name   string
		byName bool
		want   []string
	}{
		{"aaaa3333cccc4444", false, []string{"k8s://ns/web/app"}},
		{"aaaa", false, []string{"k8s://ns/web/app", "k8s://ns/web/app"}},
		{"app", false, nil},
		{"app", true, []string{"k8s://ns/web/app"}},     // the running attempt
		{"side", true, []string{"cri://dddd7777ffff"}},  // all exited: the latest
		{"dddd5", true, []string{"cri://dddd5555eeee"}}, // ID prefix
	}
	for _, c := range cases {
		var got []string
		for _, m := range match(cs, c.name, c.byName) {
			got = append(got, reference(m))
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("match(%q, byName=%v) (-want +got):\n%s", c.name, c.byName, d)
		}
	}
}
