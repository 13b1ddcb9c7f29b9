package direct

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	containersapi "github.com/containerd/containerd/api/services/containers/v1"
	namespacesapi "github.com/containerd/containerd/api/services/namespaces/v1"
	tasksapi "github.com/containerd/containerd/api/services/tasks/v1"
	versionapi "github.com/containerd/containerd/api/services/version/v1"
	tasktypes "github.com/containerd/containerd/api/types/task"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// TestCoding: the requests decode with containerd's own generated types, and its answers,
// encoded by them, decode here.
func TestCoding(t *testing.T) {
	var creq containersapi.GetContainerRequest
	if err := proto.Unmarshal(appendString(nil, 1, "abc"), &creq); err != nil || creq.ID != "abc" {
		t.Errorf("GetContainerRequest: %v, %q", err, creq.ID)
	}
	var treq tasksapi.GetRequest
	if err := proto.Unmarshal(appendString(nil, 1, "abc"), &treq); err != nil || treq.ContainerID != "abc" || treq.ExecID != "" {
		t.Errorf("GetRequest: %v, %q %q", err, treq.ContainerID, treq.ExecID)
	}

	b := marshal(t, &versionapi.VersionResponse{Version: "1.7.24", Revision: "x"})
	if v, err := decodeVersion(b); err != nil || v != "1.7.24" {
		t.Errorf("decodeVersion: %v, %q", err, v)
	}
	b = marshal(t, &containersapi.GetContainerResponse{Container: &containersapi.Container{
		ID: "web", Labels: map[string]string{"nerdctl/name": "site", "empty": ""}, Image: "docker.io/library/nginx:latest",
		Runtime:    &containersapi.Container_Runtime{Name: "io.containerd.runc.v2"},
		Spec:       &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/Spec", Value: []byte(`{"ociVersion":"1.1.0"}`)},
		Extensions: map[string]*anypb.Any{"x": {TypeUrl: "t", Value: []byte("v")}}, Sandbox: "sb",
	}})
	c, err := decodeContainer(b)
	want := Container{ID: "web", Labels: map[string]string{"nerdctl/name": "site", "empty": ""}, Image: "docker.io/library/nginx:latest"}
	if d := cmp.Diff(want, c); err != nil || d != "" {
		t.Errorf("decodeContainer: %v (-want +got):\n%s", err, d)
	}
	b = marshal(t, &containersapi.ListContainersResponse{Containers: []*containersapi.Container{
		{ID: "a", Labels: map[string]string{"nerdctl/name": "x"}}, {ID: "b", Image: "i", Spec: &anypb.Any{TypeUrl: "t"}}}})
	cs, err := decodeContainers(b)
	wantList := []Container{{ID: "a", Labels: map[string]string{"nerdctl/name": "x"}}, {ID: "b", Image: "i", Labels: map[string]string{}}}
	if d := cmp.Diff(wantList, cs); err != nil || d != "" {
		t.Errorf("decodeContainers: %v (-want +got):\n%s", err, d)
	}
	var lreq containersapi.ListContainersRequest
	if err := proto.Unmarshal(appendString(nil, 1, `labels."nerdctl/name"=="x"`), &lreq); err != nil || len(lreq.Filters) != 1 || lreq.Filters[0] != `labels."nerdctl/name"=="x"` {
		t.Errorf("ListContainersRequest: %v, %q", err, lreq.Filters)
	}
	b = marshal(t, &tasksapi.GetResponse{Process: &tasktypes.Process{ContainerID: "web", Pid: 4242, Status: tasktypes.Status_STOPPED, ExitStatus: 137, Stdout: "/x"}})
	if tk, err := decodeTask(b); err != nil || tk != (Task{PID: 4242, Status: StatusStopped, ExitStatus: 137}) {
		t.Errorf("decodeTask: %v, %+v", err, tk)
	}
	for _, bad := range [][]byte{{0x0a, 5, 1}, {0x0a}, {0x0b}, {0x08, 0x80}} {
		if _, err := decodeContainer(bad); err == nil {
			t.Errorf("decodeContainer(%x): no error", bad)
		}
		if _, err := decodeTask(bad); err == nil {
			t.Errorf("decodeTask(%x): no error", bad)
		}
	}
	if _, err := decodeContainer(nil); err == nil {
		t.Error("decodeContainer of an empty answer: no error")
	}
}

func marshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// listCalls counts the Containers/List calls fakeContainerd served.
var listCalls atomic.Int32

// fakeContainerd serves containerd's Version, Containers/Get and List, Tasks/Get and
// Namespaces/List over HTTP/2 (golang.org/x/net's server) from version and the containers
// of namespaces[ns][id].
func fakeContainerd(t *testing.T, version string, namespaces map[string]map[string]Container) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "containerd.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	h := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var id string
		var list containersapi.ListContainersRequest
		if len(body) > 5 {
			var req containersapi.GetContainerRequest // id = 1, as Tasks' GetRequest.container_id
			if err := proto.Unmarshal(body[5:], &req); err != nil {
				t.Errorf("request to %s: %v", r.URL.Path, err)
			}
			id = req.ID
			if err := proto.Unmarshal(body[5:], &list); err != nil {
				t.Errorf("request to %s: %v", r.URL.Path, err)
			}
		}
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Trailer", "Grpc-Status, Grpc-Message")
		c, found := namespaces[r.Header.Get("Containerd-Namespace")][id]
		var answer proto.Message
		switch r.URL.Path {
		case methodVersion:
			answer = &versionapi.VersionResponse{Version: version}
		case methodContainerGet:
			if found {
				answer = &containersapi.GetContainerResponse{Container: &containersapi.Container{ID: c.ID, Labels: c.Labels, Image: c.Image}}
			}
		case methodNamespaceList:
			resp := &namespacesapi.ListNamespacesResponse{}
			for ns := range namespaces {
				resp.Namespaces = append(resp.Namespaces, &namespacesapi.Namespace{Name: ns})
			}
			answer = resp
		case methodContainerList:
			listCalls.Add(1)
			if len(list.Filters) != 1 || !strings.HasPrefix(list.Filters[0], `labels."nerdctl/name"=="`) || !strings.HasSuffix(list.Filters[0], `"`) {
				t.Errorf("List with filters %q, want one by nerdctl name", list.Filters)
				break
			}
			name := strings.TrimSuffix(strings.TrimPrefix(list.Filters[0], `labels."nerdctl/name"=="`), `"`)
			resp := &containersapi.ListContainersResponse{}
			for _, c := range namespaces[r.Header.Get("Containerd-Namespace")] {
				if c.Labels[LabelNerdctlName] == name {
					resp.Containers = append(resp.Containers, &containersapi.Container{ID: c.ID, Labels: c.Labels, Image: c.Image})
				}
			}
			answer = resp
		case methodTaskGet:
			if found && c.Task != nil {
				answer = &tasksapi.GetResponse{Process: &tasktypes.Process{ContainerID: c.ID, Pid: c.Task.PID, Status: tasktypes.Status(c.Task.Status), ExitStatus: c.Task.ExitStatus}}
			}
		}
		if answer == nil {
			w.Header().Set("Grpc-Status", "5")
			w.Header().Set("Grpc-Message", id+": not found")
			return
		}
		b := marshal(t, answer)
		w.Write(append(binary.BigEndian.AppendUint32([]byte{0}, uint32(len(b))), b...))
		w.Header().Set("Grpc-Status", "0")
	}
	srv := &http2.Server{}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go srv.ServeConn(c, &http2.ServeConnOpts{Handler: http.HandlerFunc(h)})
		}
	}()
	return sock
}

// TestResolve: a container ID of the namespace is answered here, with the target or the
// error package containerd gives (Running); anything else is left to it (ErrNotDirect).
func TestResolve(t *testing.T) {
	self := uint32(os.Getpid())
	hex := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	nss := map[string]map[string]Container{
		"default": {
			"web":     {ID: "web", Image: "nginx", Labels: map[string]string{LabelNerdctlName: "site"}, Task: &Task{PID: self, Status: StatusRunning}},
			"created": {ID: "created"},
			"paused":  {ID: "paused", Task: &Task{PID: self, Status: StatusPaused}},
			"exited":  {ID: "exited", Task: &Task{PID: 1, Status: StatusStopped, ExitStatus: 3}},
			"f00":     {ID: "f00", Labels: map[string]string{LabelNerdctlName: "db"}},
			"dup1":    {ID: "dup1", Labels: map[string]string{LabelNerdctlName: "twice"}, Task: &Task{PID: self, Status: StatusRunning}},
			"dup2":    {ID: "dup2", Labels: map[string]string{LabelNerdctlName: "twice"}, Task: &Task{PID: self, Status: StatusRunning}},
			// A container whose ID is another's nerdctl name: the ID wins, as in package containerd.
			"site": {ID: "site", Image: "other", Task: &Task{PID: self, Status: StatusRunning}},
		},
		"k8s.io": {
			"api-id":    {ID: "api-id", Image: "api", Labels: map[string]string{LabelNerdctlName: "api"}, Task: &Task{PID: self, Status: StatusRunning}},
			"shared-id": {ID: "shared-id", Labels: map[string]string{LabelNerdctlName: "shared"}},
		},
		"moby": {
			hex:      {ID: hex, Image: "app", Task: &Task{PID: self, Status: StatusRunning}},
			"shared": {ID: "shared", Task: &Task{PID: self, Status: StatusRunning}},
		},
	}
	sock := fakeContainerd(t, "1.7.24", nss)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t.Setenv("CONTAINERD_NAMESPACE", "")
	r := Resolver{Address: sock}
	cases := []struct {
		name string
		want target.Target
		err  string
	}{
		{name: "web", want: target.Target{PID: int(self), Name: "site", ID: "web", Runtime: Scheme, Image: "nginx", Canonical: "containerd://default/site"}},
		{name: "default/web", want: target.Target{PID: int(self), Name: "site", ID: "web", Runtime: Scheme, Image: "nginx", Canonical: "containerd://default/site"}},
		{name: "moby/" + hex, want: target.Target{PID: int(self), Name: hex, ID: hex, Runtime: Scheme, Image: "app", Canonical: "containerd://moby/" + hex[:12]}},
		{name: "created", err: "container is not running: containerd container containerd://default/created has no task (created, never started): start it first ('ctr -n default task start created')"},
		{name: "paused", err: "container is not running: containerd container containerd://default/paused is paused: its processes are frozen, a session would hang (run 'ctr -n default task resume paused' first)"},
		{name: "exited", err: "container is not running: containerd container containerd://default/exited is stopped (exit code 3): start it first; a stopped task has no processes to enter"},
		{name: "site", want: target.Target{PID: int(self), Name: "site", ID: "site", Runtime: Scheme, Image: "other", Canonical: "containerd://default/site"}},
		{name: "k8s.io/api", want: target.Target{PID: int(self), Name: "api", ID: "api-id", Runtime: Scheme, Image: "api", Canonical: "containerd://k8s.io/api"}},
		{name: "db", err: "container is not running: containerd container containerd://default/db has no task (created, never started): start it first ('ctr -n default task start f00')"},
		{name: "twice", err: "not a reference containerd answers directly: no container twice in namespace default, and 2 of that nerdctl name"},
		// Not in the resolver's namespace: in the others, where it must be one container.
		{name: "api", want: target.Target{PID: int(self), Name: "api", ID: "api-id", Runtime: Scheme, Image: "api", Canonical: "containerd://k8s.io/api"}},
		{name: hex, want: target.Target{PID: int(self), Name: hex, ID: hex, Runtime: Scheme, Image: "app", Canonical: "containerd://moby/" + hex[:12]}},
		{name: "shared", err: "not a reference containerd answers directly: 2 containers of ID or nerdctl name shared in namespaces other than default"},
		{name: "nowhere", err: "not a reference containerd answers directly: 0 containers of ID or nerdctl name nowhere in namespaces other than default"},
		{name: "default/api", err: "not a reference containerd answers directly: no container api in namespace default, and 0 of that nerdctl name"},
		{name: "moby/" + hex[:12], err: "not a reference containerd answers directly: no container " + hex[:12] + " in namespace moby, and 0 of that nerdctl name"},
		{name: "a:b", err: "not a reference containerd answers directly: no container a:b in namespace default; by nerdctl name: not a name looked up by label here"},
	}
	for _, c := range cases {
		got, err := r.Resolve(ctx, target.Reference{Scheme: Scheme, Name: c.name})
		got.StartTime = 0
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			if wantDirect := !errors.Is(err, target.ErrNotRunning); errors.Is(err, ErrNotDirect) != wantDirect {
				t.Errorf("%s: errors.Is(%v, ErrNotDirect) = %v", c.name, err, !wantDirect)
			}
			continue
		}
		if d := cmp.Diff(c.want, got); err != nil || d != "" {
			t.Errorf("%s: %v (-want +got):\n%s", c.name, err, d)
		}
	}

	// A full ID in a namespace given is not looked for by nerdctl name, which makes containerd
	// scan the namespace: found by Get, or else handed off.
	other := strings.Repeat("f", 64)
	for _, name := range []string{"moby/" + hex, "moby/" + other} {
		before := listCalls.Load()
		_, err := r.Resolve(ctx, target.Reference{Scheme: Scheme, Name: name})
		if n := listCalls.Load() - before; n != 0 {
			t.Errorf("%s: %d List calls, want none", name, n)
		}
		if name == "moby/"+other && (!errors.Is(err, ErrNotDirect) || !strings.Contains(err.Error(), "a full ID in a namespace given")) {
			t.Errorf("%s: error %v, want it handed off as a full ID", name, err)
		}
	}
	if before := listCalls.Load(); func() bool {
		r.Resolve(ctx, target.Reference{Scheme: Scheme, Name: "twice"})
		return listCalls.Load() == before
	}() {
		t.Error("a name in the default namespace: no List call")
	}

	old := Resolver{Address: fakeContainerd(t, "1.5.9", nss)}
	if _, err := old.Resolve(ctx, target.Reference{Scheme: Scheme, Name: "web"}); !errors.Is(err, ErrNotDirect) {
		t.Errorf("containerd 1.5.9: error %v, want ErrNotDirect", err)
	}
	// A containerd that does not answer in time is not handed off, to be waited for again.
	mute := filepath.Join(t.TempDir(), "mute.sock")
	l, err := net.Listen("unix", mute)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	_, err = Resolver{Address: mute}.Resolve(short, target.Reference{Scheme: Scheme, Name: "web"})
	if !errors.Is(err, target.ErrUnavailable) || errors.Is(err, ErrNotDirect) || !strings.Contains(err.Error(), "does not answer: context deadline exceeded") {
		t.Errorf("a containerd that does not answer: error %v, want ErrUnavailable, not handed off", err)
	}
	none := Resolver{Address: filepath.Join(t.TempDir(), "none.sock")}
	if _, err := none.Resolve(ctx, target.Reference{Scheme: Scheme, Name: "web"}); !errors.Is(err, ErrNotDirect) {
		t.Errorf("no socket: error %v, want ErrNotDirect", err)
	}
}
