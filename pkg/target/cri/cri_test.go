package cri

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
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

// pc is a container of pod ns/web.
func pc(id, name string, state runtimeapi.ContainerState, created int64) *runtimeapi.Container {
	return ctr(id, name, state, created, "web")
}

func TestPodContainer(t *testing.T) {
	running, exited := runtimeapi.ContainerState_CONTAINER_RUNNING, runtimeapi.ContainerState_CONTAINER_EXITED
	initC := pc("i1", "init", exited, 1)
	app := pc("a2", "app", running, 3)
	appOld := pc("a1", "app", exited, 2)
	side := pc("s1", "sidecar", running, 4)
	debug := pc("d1", "ddebug-x7kqz", running, 5)
	debug2 := pc("d2", "ddebug-m2pqr", running, 6)
	notOurs := pc("n1", "ddebug-lookalike", running, 7)
	appExited := pc("a3", "app", exited, 8)
	ours := func(c *runtimeapi.Container) bool { return c.Id == "d1" || c.Id == "d2" }
	cases := []struct {
		name string
		cs   []*runtimeapi.Container
		dflt string
		want string // the container's ID
		err  error
		msg  string
	}{
		{"exited init and earlier attempts do not count", []*runtimeapi.Container{initC, appOld, app}, "", "a2", nil, ""},
		{"two running: ambiguous", []*runtimeapi.Container{initC, app, side}, "", "", target.ErrAmbiguous, "pod ns/web runs 2 containers: add /CONTAINER to name one (k8s://ns/web/app, k8s://ns/web/sidecar)"},
		{"the default-container annotation", []*runtimeapi.Container{initC, app, side}, "sidecar", "s1", nil, ""},
		{"an annotation naming no container is ignored", []*runtimeapi.Container{initC, app}, "gone", "a2", nil, ""},
		{"our debug containers do not count", []*runtimeapi.Container{app, debug, debug2}, "", "a2", nil, ""},
		{"a lookalike that is not ours counts", []*runtimeapi.Container{app, notOurs}, "", "", target.ErrAmbiguous, "k8s://ns/web/app, k8s://ns/web/ddebug-lookalike"},
		{"ours alone: it", []*runtimeapi.Container{appExited, debug}, "", "d1", nil, ""},
		{"two of ours alone: ambiguous", []*runtimeapi.Container{debug, debug2}, "", "", target.ErrAmbiguous, "runs 2 containers"},
		{"still two besides ours", []*runtimeapi.Container{app, side, debug}, "", "", target.ErrAmbiguous, "(k8s://ns/web/app, k8s://ns/web/sidecar)"},
		{"the only container exited: it, for its status", []*runtimeapi.Container{appOld}, "", "a1", nil, ""},
		{"none running", []*runtimeapi.Container{initC, appOld}, "", "", target.ErrNotRunning, "pod ns/web has no running container (app exited, init exited)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := podContainer("ns/web", c.cs, c.dflt, ours)
			if c.err != nil {
				if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("error %v, want %v containing %q", err, c.err, c.msg)
				}
				return
			}
			if err != nil || got.Id != c.want {
				t.Errorf("podContainer = %v, %v; want %s", got, err, c.want)
			}
		})
	}
}

func TestDefaultContainer(t *testing.T) {
	cs := []*runtimeapi.Container{{Id: "c1", PodSandboxId: "sb2"}}
	sb := func(id string, state runtimeapi.PodSandboxState, dflt string) *runtimeapi.PodSandbox {
		s := &runtimeapi.PodSandbox{Id: id, State: state}
		if dflt != "" {
			s.Annotations = map[string]string{annotationDefaultContainer: dflt}
		}
		return s
	}
	ready, notReady := runtimeapi.PodSandboxState_SANDBOX_READY, runtimeapi.PodSandboxState_SANDBOX_NOTREADY
	cases := []struct {
		name string
		sbs  []*runtimeapi.PodSandbox
		want string
	}{
		{"none", nil, ""},
		{"no annotation", []*runtimeapi.PodSandbox{sb("sb2", ready, "")}, ""},
		{"the sandbox of the containers", []*runtimeapi.PodSandbox{sb("sb1", ready, "old"), sb("sb2", notReady, "new")}, "new"},
		{"else the ready one", []*runtimeapi.PodSandbox{sb("sb3", notReady, "old"), sb("sb4", ready, "new")}, "new"},
	}
	for _, c := range cases {
		if got := defaultContainer(c.sbs, cs); got != c.want {
			t.Errorf("%s: defaultContainer = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestDebugContainerMarkers: the marks of ddebug's debug containers are those
// pkg/ephemeral gives them.
func TestDebugContainerMarkers(t *testing.T) {
	if debugContainerPrefix != ephemeral.NamePrefix || debugContainerEnv != agent.EnvIdentity {
		t.Errorf("debug container marks %q, %q; pkg/ephemeral uses %q, %q", debugContainerPrefix, debugContainerEnv, ephemeral.NamePrefix, agent.EnvIdentity)
	}
}

// fakeCRI is a runtime service holding containers and sandboxes; the running containers
// run as this test process. Its methods other than those resolvePod calls panic.
type fakeCRI struct {
	runtimeapi.RuntimeServiceClient
	containers []*runtimeapi.Container
	sandboxes  []*runtimeapi.PodSandbox
	env        map[string][]string // container ID -> environment in its verbose status
}

func labelsMatch(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func (f *fakeCRI) ListContainers(_ context.Context, req *runtimeapi.ListContainersRequest, _ ...grpc.CallOption) (*runtimeapi.ListContainersResponse, error) {
	var out []*runtimeapi.Container
	for _, c := range f.containers {
		if req.Filter == nil || labelsMatch(req.Filter.LabelSelector, c.Labels) {
			out = append(out, c)
		}
	}
	return &runtimeapi.ListContainersResponse{Containers: out}, nil
}

func (f *fakeCRI) ListPodSandbox(_ context.Context, req *runtimeapi.ListPodSandboxRequest, _ ...grpc.CallOption) (*runtimeapi.ListPodSandboxResponse, error) {
	var out []*runtimeapi.PodSandbox
	for _, s := range f.sandboxes {
		if req.Filter == nil || labelsMatch(req.Filter.LabelSelector, s.Labels) {
			out = append(out, s)
		}
	}
	return &runtimeapi.ListPodSandboxResponse{Items: out}, nil
}

func (f *fakeCRI) ContainerStatus(_ context.Context, req *runtimeapi.ContainerStatusRequest, _ ...grpc.CallOption) (*runtimeapi.ContainerStatusResponse, error) {
	for _, c := range f.containers {
		if c.Id != req.ContainerId {
			continue
		}
		info, _ := json.Marshal(map[string]any{"pid": os.Getpid(), "runtimeSpec": map[string]any{"process": map[string]any{"env": f.env[c.Id]}}})
		return &runtimeapi.ContainerStatusResponse{
			Status: &runtimeapi.ContainerStatus{Id: c.Id, Metadata: c.Metadata, State: c.State, Labels: c.Labels},
			Info:   map[string]string{"info": string(info)},
		}, nil
	}
	return nil, status.Error(codes.NotFound, "no such container")
}

// TestResolvePod resolves k8s://ns/web through a fake runtime service: the sandbox's
// default-container annotation, and ddebug's debug container told apart by its
// environment.
func TestResolvePod(t *testing.T) {
	running, exited := runtimeapi.ContainerState_CONTAINER_RUNNING, runtimeapi.ContainerState_CONTAINER_EXITED
	podLabels := map[string]string{labelPodNamespace: "ns", labelPodName: "web"}
	withSandbox := func(c *runtimeapi.Container) *runtimeapi.Container { c.PodSandboxId = "sb1"; return c }
	base := []*runtimeapi.Container{
		withSandbox(pc("i1", "init", exited, 1)),
		withSandbox(pc("a1", "app", running, 2)),
		withSandbox(pc("d1", "ddebug-x7kqz", running, 3)),
	}
	cases := []struct {
		name  string
		extra []*runtimeapi.Container
		dflt  string
		env   map[string][]string
		want  string
		err   error
		msg   string
	}{
		{"our debug container is left out", nil, "", map[string][]string{"d1": {"PATH=/bin", "DDEBUG_IDENTITY=1000:1000"}}, "k8s://ns/web/app", nil, ""},
		{"a ddebug- name without our environment counts", nil, "", nil, "", target.ErrAmbiguous, "pod ns/web runs 2 containers: add /CONTAINER to name one (k8s://ns/web/app, k8s://ns/web/ddebug-x7kqz)"},
		{"the annotation picks among several", []*runtimeapi.Container{withSandbox(pc("s1", "sidecar", running, 4))}, "sidecar", nil, "k8s://ns/web/sidecar", nil, ""},
		{"several without the annotation", []*runtimeapi.Container{withSandbox(pc("s1", "sidecar", running, 4))}, "", map[string][]string{"d1": {"DDEBUG_IDENTITY=root"}}, "", target.ErrAmbiguous, "(k8s://ns/web/app, k8s://ns/web/sidecar)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sb := &runtimeapi.PodSandbox{Id: "sb1", State: runtimeapi.PodSandboxState_SANDBOX_READY, Labels: podLabels}
			if c.dflt != "" {
				sb.Annotations = map[string]string{annotationDefaultContainer: c.dflt}
			}
			other := &runtimeapi.PodSandbox{Id: "sb9", State: runtimeapi.PodSandboxState_SANDBOX_READY, Labels: map[string]string{labelPodNamespace: "ns", labelPodName: "other"},
				Annotations: map[string]string{annotationDefaultContainer: "app"}}
			f := &fakeCRI{containers: append(append([]*runtimeapi.Container(nil), base...), c.extra...), sandboxes: []*runtimeapi.PodSandbox{other, sb}, env: c.env}
			got, err := Resolver{}.resolvePod(context.Background(), &conn{rs: f, endpoint: "/fake.sock", runtime: "fake 1.0"}, target.Reference{Scheme: PodScheme, Name: "ns/web"})
			if c.err != nil {
				if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("error %v, want %v containing %q", err, c.err, c.msg)
				}
				return
			}
			if err != nil || got.Ref() != c.want || got.PID != os.Getpid() {
				t.Errorf("resolvePod = %+v, %v; want %s", got, err, c.want)
			}
		})
	}
}
