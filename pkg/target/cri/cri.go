package cri

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/hostsockets"
)

// DefaultEndpoints are the sockets tried in order when $CONTAINER_RUNTIME_ENDPOINT is
// unset: containerd, CRI-O, cri-dockerd.
var DefaultEndpoints = hostsockets.CRIDefaults

// Labels the kubelet puts on every container it creates.
const (
	labelPodNamespace  = "io.kubernetes.pod.namespace"
	labelPodName       = "io.kubernetes.pod.name"
	labelContainerName = "io.kubernetes.container.name"
)

// Schemes of the references resolved through the CRI: cri://ID-PREFIX, and
// k8s://NAMESPACE/POD[/CONTAINER] (see PodResolver).
const (
	Scheme    = "cri"
	PodScheme = "k8s"
)

// Resolver resolves references through a CRI runtime service.
type Resolver struct {
	// Endpoints are the sockets to try in order ("unix://" optional); nil means
	// $CONTAINER_RUNTIME_ENDPOINT, else DefaultEndpoints.
	Endpoints []string
	// ProcRoot is the procfs holding the container PIDs ("" = /proc).
	ProcRoot string
}

// Scheme is cri.
func (Resolver) Scheme() string { return Scheme }

// Syntax is cri://ID.
func (Resolver) Syntax() string { return "cri://ID" }

// Parse checks name is a container name or ID (prefix); a leading slash is dropped.
func (Resolver) Parse(name string) (target.Reference, error) {
	n := strings.TrimPrefix(name, "/")
	if n == "" || strings.ContainsAny(n, " \t\n/") {
		return target.Reference{}, target.BadName(Scheme, name, "want cri://NAME or cri://ID")
	}
	return target.Reference{Scheme: Scheme, Name: n}, nil
}

// PodResolver resolves k8s://NAMESPACE/POD[/CONTAINER] through the CRI runtime service,
// as Resolver does: the pod's containers by the labels the kubelet gives them.
type PodResolver struct{ Resolver }

// Scheme is k8s.
func (PodResolver) Scheme() string { return PodScheme }

// Syntax is k8s://NAMESPACE/POD[/CONTAINER].
func (PodResolver) Syntax() string { return "k8s://NAMESPACE/POD[/CONTAINER]" }

// Parse checks name is NAMESPACE/POD or NAMESPACE/POD/CONTAINER.
func (PodResolver) Parse(name string) (target.Reference, error) {
	parts := strings.Split(name, "/")
	if len(parts) < 2 || len(parts) > 3 || target.HasEmpty(parts) || strings.ContainsAny(name, " \t\n") {
		return target.Reference{}, target.BadName(PodScheme, name, "want k8s://NAMESPACE/POD or k8s://NAMESPACE/POD/CONTAINER")
	}
	return target.Reference{Scheme: PodScheme, Name: name}, nil
}

func (r Resolver) endpoints() []string {
	eps := r.Endpoints
	if eps == nil {
		return hostsockets.CRI()
	}
	out := make([]string, len(eps))
	for i, e := range eps {
		out[i] = strings.TrimPrefix(e, "unix://")
	}
	return out
}

// conn is a connection to the runtime service of one socket.
type conn struct {
	rs       runtimeapi.RuntimeServiceClient
	cc       *grpc.ClientConn
	endpoint string
	runtime  string // "containerd 1.6.20", "cri-o 1.28.1"
}

// connect returns a connection to the first endpoint that answers CRI v1. A socket that
// does not exist is skipped; one that exists without CRI v1 is skipped too, and named in
// the error when none serves it.
func (r Resolver) connect(ctx context.Context) (*conn, error) {
	var tried, noCRI []string
	for _, ep := range r.endpoints() {
		tried = append(tried, ep)
		if err := target.ProbeSocket(ctx, "CRI runtime", ep, "is the node's container runtime running? ($CONTAINER_RUNTIME_ENDPOINT selects another socket)"); err != nil {
			if errors.Is(err, target.ErrAbsent) {
				continue
			}
			return nil, err
		}
		cc, err := grpc.NewClient("unix://"+ep, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, fmt.Errorf("%w: CRI at %s: %v", target.ErrUnavailable, ep, err)
		}
		rs := runtimeapi.NewRuntimeServiceClient(cc)
		v, err := rs.Version(ctx, &runtimeapi.VersionRequest{})
		if status.Code(err) == codes.Unimplemented {
			cc.Close()
			noCRI = append(noCRI, ep)
			continue
		}
		if err != nil {
			cc.Close()
			return nil, fmt.Errorf("%w: CRI at %s does not answer its version: %v", target.ErrUnavailable, ep, err)
		}
		if v.RuntimeApiVersion != "v1" {
			cc.Close()
			return nil, fmt.Errorf("%w: CRI at %s (%s %s) speaks CRI %s, too old: ddebug needs CRI v1 (Kubernetes 1.23 and later)", target.ErrUnavailable, ep, v.RuntimeName, v.RuntimeVersion, v.RuntimeApiVersion)
		}
		return &conn{rs: rs, cc: cc, endpoint: ep, runtime: v.RuntimeName + " " + v.RuntimeVersion}, nil
	}
	if len(noCRI) > 0 {
		// A socket without CRI v1: containerd with its CRI plugin disabled (as Docker's own
		// containerd), or a runtime too old for CRI v1. Not a Kubernetes node, most likely.
		return nil, fmt.Errorf("%w: %s answers no CRI v1 (runtime.v1.RuntimeService): its CRI plugin is disabled, or the runtime is too old for CRI v1 (Kubernetes 1.23 and later)%w", target.ErrUnavailable, strings.Join(noCRI, ", "), target.AbsentMark)
	}
	return nil, fmt.Errorf("%w: no CRI socket found (looked at %s): is this a Kubernetes node? ($CONTAINER_RUNTIME_ENDPOINT selects the socket)%w", target.ErrUnavailable, strings.Join(tried, ", "), target.AbsentMark)
}

// Resolve finds the running container ref names: cri://ID-PREFIX (or a bare name: an ID
// prefix or a container name), or k8s://NAMESPACE/POD[/CONTAINER].
func (r Resolver) Resolve(ctx context.Context, ref target.Reference) (target.Target, error) {
	c, err := r.connect(ctx)
	if err != nil {
		return target.Target{}, err
	}
	defer c.cc.Close()
	if ref.Scheme == PodScheme {
		return r.resolvePod(ctx, c, ref)
	}
	all, err := c.rs.ListContainers(ctx, &runtimeapi.ListContainersRequest{})
	if err != nil {
		return target.Target{}, fmt.Errorf("cri: listing containers at %s: %w", c.endpoint, err)
	}
	found, byPrefix := match(all.Containers, ref.Name, ref.Scheme == "")
	switch {
	case len(found) == 0:
		hint := "'crictl ps -a' lists them"
		var names []string
		for _, ct := range all.Containers {
			names = append(names, displayName(ct))
		}
		if s := target.Suggest(ref.Name, names); len(s) > 0 {
			hint = "did you mean " + strings.Join(s, ", ") + "?"
		}
		return target.Target{}, fmt.Errorf("%w %q on CRI (%s at %s); %s", target.ErrNotFound, ref.Name, c.runtime, c.endpoint, hint)
	case len(found) > 1 && byPrefix:
		return target.Target{}, fmt.Errorf("%w: %q matches several CRI containers (%s): give more characters of the ID", target.ErrAmbiguous, ref.Name, refList(found))
	case len(found) > 1:
		return target.Target{}, target.MarkExact(fmt.Errorf("%w: %q names several running CRI containers (%s): pass one of these references", target.ErrAmbiguous, ref.Name, refList(found)))
	}
	t, err := r.status(ctx, c, found[0])
	return target.Found(t, err, !byPrefix)
}

// match returns the containers name designates and whether it matched only ID prefixes:
// the exact ID; else, with bare (a bare name), the containers of that name, the running
// ones when some run; else those whose ID starts with name (for a bare name, only when it
// has target.MinBarePrefix characters or more).
func match(cs []*runtimeapi.Container, name string, bare bool) (found []*runtimeapi.Container, byPrefix bool) {
	var prefixed, named []*runtimeapi.Container
	for _, c := range cs {
		switch {
		case c.Id == name:
			return []*runtimeapi.Container{c}, false
		case bare && c.Metadata != nil && c.Metadata.Name == name:
			named = append(named, c)
		case strings.HasPrefix(c.Id, name):
			prefixed = append(prefixed, c)
		}
	}
	if len(named) > 0 {
		return preferRunning(named), false
	}
	if bare && len(name) < target.MinBarePrefix {
		return nil, false
	}
	return prefixed, len(prefixed) > 0
}

// preferRunning keeps the running containers of cs when there are some: a restarted
// container leaves its exited attempts beside the running one.
func preferRunning(cs []*runtimeapi.Container) []*runtimeapi.Container {
	var run []*runtimeapi.Container
	for _, c := range cs {
		if c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
			run = append(run, c)
		}
	}
	if len(run) > 0 {
		return run
	}
	if len(cs) > 1 {
		// All exited: the latest attempt tells why.
		sort.Slice(cs, func(i, j int) bool { return cs[i].CreatedAt > cs[j].CreatedAt })
		return cs[:1]
	}
	return cs
}

// resolvePod finds the container of k8s://NAMESPACE/POD[/CONTAINER]; without a container,
// the one podContainer picks.
func (r Resolver) resolvePod(ctx context.Context, c *conn, ref target.Reference) (target.Target, error) {
	parts := strings.Split(ref.Name, "/")
	ns, pod := parts[0], parts[1]
	ofPod := map[string]string{labelPodNamespace: ns, labelPodName: pod}
	res, err := c.rs.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{LabelSelector: ofPod}})
	if err != nil {
		return target.Target{}, fmt.Errorf("cri: listing containers of pod %s/%s: %w", ns, pod, err)
	}
	if len(res.Containers) == 0 {
		return target.Target{}, r.noPod(ctx, c, ns, pod)
	}
	if len(parts) == 3 {
		var cs []*runtimeapi.Container
		for _, ct := range res.Containers {
			if ct.Labels[labelContainerName] == parts[2] {
				cs = append(cs, ct)
			}
		}
		if cs == nil {
			return target.Target{}, fmt.Errorf("%w: pod %s/%s has no container %q (its containers: %s)", target.ErrNotFound, ns, pod, parts[2], strings.Join(containerNames(res.Containers), ", "))
		}
		return r.status(ctx, c, preferRunning(cs)[0])
	}
	sbs, err := c.rs.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{LabelSelector: ofPod}})
	if err != nil {
		return target.Target{}, fmt.Errorf("cri: listing the sandbox of pod %s/%s: %w", ns, pod, err)
	}
	ours := func(ct *runtimeapi.Container) bool { return r.isDebugContainer(ctx, c, ct) }
	ct, err := podContainer(ns+"/"+pod, res.Containers, defaultContainer(sbs.Items, res.Containers), ours)
	if err != nil {
		return target.Target{}, err
	}
	return r.status(ctx, c, ct)
}

// annotationDefaultContainer names the container kubectl exec, logs and attach pick
// in a pod when none is named.
const annotationDefaultContainer = "kubectl.kubernetes.io/default-container"

// defaultContainer is the default-container annotation of the pod's sandbox, the one of
// the containers cs when the pod was recreated, the ready one first; "" when it has none.
func defaultContainer(sbs []*runtimeapi.PodSandbox, cs []*runtimeapi.Container) string {
	ofContainers := map[string]bool{}
	for _, c := range cs {
		ofContainers[c.PodSandboxId] = true
	}
	best, bestRank := "", -1
	for _, sb := range sbs {
		name := sb.Annotations[annotationDefaultContainer]
		if name == "" {
			continue
		}
		rank := 0
		if ofContainers[sb.Id] {
			rank += 2
		}
		if sb.State == runtimeapi.PodSandboxState_SANDBOX_READY {
			rank++
		}
		if rank > bestRank {
			best, bestRank = name, rank
		}
	}
	return best
}

// podContainer picks the container k8s://NAMESPACE/POD means among the containers cs of
// the pod: the one the default-container annotation names (dflt) when the pod has it,
// else the only running one, leaving out ddebug's own debug containers (ours) when
// another runs; exited init containers and earlier attempts do not count.
func podContainer(pod string, cs []*runtimeapi.Container, dflt string, ours func(*runtimeapi.Container) bool) (*runtimeapi.Container, error) {
	byName := map[string][]*runtimeapi.Container{}
	for _, c := range cs {
		n := c.Labels[labelContainerName]
		byName[n] = append(byName[n], c)
	}
	if named := byName[dflt]; dflt != "" && named != nil {
		return preferRunning(named)[0], nil
	}
	var running []*runtimeapi.Container
	for _, n := range containerNames(cs) {
		if c := preferRunning(byName[n])[0]; c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
			running = append(running, c)
		}
	}
	if len(running) > 1 {
		var others []*runtimeapi.Container
		for _, c := range running {
			if !strings.HasPrefix(c.Labels[labelContainerName], debugContainerPrefix) || !ours(c) {
				others = append(others, c)
			}
		}
		if len(others) > 0 {
			running = others
		}
	}
	switch {
	case len(running) == 1:
		return running[0], nil
	case len(running) > 1:
		refs := make([]string, len(running))
		for i, c := range running {
			refs[i] = reference(c)
		}
		return nil, fmt.Errorf("%w: pod %s runs %d containers: add /CONTAINER to name one (%s)", target.ErrAmbiguous, pod, len(running), strings.Join(refs, ", "))
	}
	if len(byName) == 1 {
		// Its only container does not run: status says how it ended.
		return preferRunning(cs)[0], nil
	}
	states := make([]string, 0, len(byName))
	for _, n := range containerNames(cs) {
		c := preferRunning(byName[n])[0]
		states = append(states, n+" "+strings.ToLower(strings.TrimPrefix(c.State.String(), "CONTAINER_")))
	}
	return nil, fmt.Errorf("%w: pod %s has no running container (%s): a stopped container has no processes to enter", target.ErrNotRunning, pod, strings.Join(states, ", "))
}

// containerNames are the container names of cs, sorted, each once.
func containerNames(cs []*runtimeapi.Container) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cs {
		if n := c.Labels[labelContainerName]; !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// What marks the ephemeral debug containers ddebug adds to a pod: a name that starts
// with ephemeral.NamePrefix and agent.EnvIdentity in the environment (constants of
// packages pkg/target does not import; a test checks they agree).
const (
	debugContainerPrefix = "ddebug-"
	debugContainerEnv    = "DDEBUG_IDENTITY"
)

// isDebugContainer reports whether ct is one of ddebug's ephemeral debug containers: its
// name says so and its verbose status shows its environment has ddebug's variable. A
// container whose environment the runtime does not show is not one.
func (r Resolver) isDebugContainer(ctx context.Context, c *conn, ct *runtimeapi.Container) bool {
	if !strings.HasPrefix(ct.Labels[labelContainerName], debugContainerPrefix) {
		return false
	}
	st, err := c.rs.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: ct.Id, Verbose: true})
	if err != nil {
		return false
	}
	var info verboseInfo
	if json.Unmarshal([]byte(st.Info["info"]), &info) != nil || info.RuntimeSpec == nil {
		return false
	}
	for _, e := range info.RuntimeSpec.Process.Env {
		if strings.HasPrefix(e, debugContainerEnv+"=") {
			return true
		}
	}
	return false
}

// noPod explains why a pod has no containers: no such pod (with close names), or a
// sandbox that has none yet.
func (r Resolver) noPod(ctx context.Context, c *conn, ns, pod string) error {
	ps, err := c.rs.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
	if err != nil {
		return fmt.Errorf("cri: listing pods: %w", err)
	}
	var names []string
	for _, p := range ps.Items {
		if p.Metadata == nil || p.Metadata.Namespace != ns {
			continue
		}
		if p.Metadata.Name == pod {
			return fmt.Errorf("%w: pod %s/%s has no containers yet on this node (sandbox %s is %s)", target.ErrNotRunning, ns, pod, short(p.Id), strings.ToLower(strings.TrimPrefix(p.State.String(), "SANDBOX_")))
		}
		names = append(names, p.Metadata.Name)
	}
	hint := "'crictl pods' lists the pods of this node (the pod may run on another node)"
	if s := target.Suggest(pod, names); len(s) > 0 {
		hint = "did you mean " + strings.Join(s, ", ") + "?"
	}
	return fmt.Errorf("%w: no pod %s/%s on this node (%s at %s); %s", target.ErrNotFound, ns, pod, c.runtime, c.endpoint, hint)
}

// verboseInfo is the part of the verbose status both containerd and CRI-O return.
type verboseInfo struct {
	Pid         int `json:"pid"`
	RuntimeSpec *struct {
		Process struct {
			Env []string `json:"env"`
		} `json:"process"`
	} `json:"runtimeSpec"`
}

// status turns a listed container into a Target through its verbose status.
func (r Resolver) status(ctx context.Context, c *conn, ct *runtimeapi.Container) (target.Target, error) {
	ref := reference(ct)
	st, err := c.rs.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: ct.Id, Verbose: true})
	if status.Code(err) == codes.NotFound {
		return target.Target{}, fmt.Errorf("%w: CRI container %s is gone", target.ErrNotFound, ref)
	}
	if err != nil {
		return target.Target{}, fmt.Errorf("cri: status of container %s: %w", ref, err)
	}
	s := st.Status
	if s.State != runtimeapi.ContainerState_CONTAINER_RUNNING {
		state := strings.ToLower(strings.TrimPrefix(s.State.String(), "CONTAINER_"))
		why := ""
		if s.Reason != "" {
			why = ", " + s.Reason
		}
		return target.Target{}, fmt.Errorf("%w: CRI container %s is %s (exit code %d%s): a stopped container has no processes to enter", target.ErrNotRunning, ref, state, s.ExitCode, why)
	}
	var info verboseInfo
	if raw, ok := st.Info["info"]; ok {
		if err := json.Unmarshal([]byte(raw), &info); err != nil {
			return target.Target{}, fmt.Errorf("cri: reading the verbose status of %s: %w", ref, err)
		}
	}
	if info.Pid <= 0 {
		return target.Target{}, fmt.Errorf("cri: %s at %s gives no PID in the verbose status of %s: use its own tools to find the PID, then pid://PID", c.runtime, c.endpoint, ref)
	}
	ps, err := target.ReadProcStat(r.ProcRoot, info.Pid)
	if err != nil {
		return target.Target{}, fmt.Errorf("CRI container %s: the runtime reports PID %d but %w (is ddebug running in another PID namespace than the runtime?)", ref, info.Pid, err)
	}
	// The CRI has no paused state: a container frozen behind the kubelet ('ctr -n k8s.io
	// task pause') is reported running.
	resume := "" // CRI-O: the write that thaws its cgroup
	if strings.HasPrefix(c.runtime, "containerd") {
		resume = "ctr -n k8s.io task resume " + ct.Id
	}
	if err := target.CheckFrozen(r.ProcRoot, info.Pid, "CRI container "+ref, resume); err != nil {
		return target.Target{}, err
	}
	image := ""
	if s.Image != nil {
		image = s.Image.Image
	}
	if image == "" || strings.HasPrefix(image, "sha256:") {
		if ct.Image != nil && ct.Image.UserSpecifiedImage != "" {
			image = ct.Image.UserSpecifiedImage
		}
	}
	return target.Target{PID: info.Pid, StartTime: ps.StartTime, Name: displayName(ct), ID: ct.Id, Runtime: Scheme, Image: image, Canonical: ref}, nil
}

// List returns the running containers of the runtime.
func (r Resolver) List(ctx context.Context) ([]target.Target, error) {
	c, err := r.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer c.cc.Close()
	res, err := c.rs.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{
		State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING},
	}})
	if err != nil {
		return nil, fmt.Errorf("cri: listing containers at %s: %w", c.endpoint, err)
	}
	var out []target.Target
	for _, ct := range res.Containers {
		t, err := r.status(ctx, c, ct)
		if errors.Is(err, target.ErrNotFound) || errors.Is(err, target.ErrNotRunning) {
			continue // exited since listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// reference is k8s://NAMESPACE/POD/CONTAINER for a container the kubelet made, else
// cri://ID (12 characters).
func reference(c *runtimeapi.Container) string {
	ns, pod, name := c.Labels[labelPodNamespace], c.Labels[labelPodName], c.Labels[labelContainerName]
	if ns != "" && pod != "" && name != "" {
		return fmt.Sprintf("%s://%s/%s/%s", PodScheme, ns, pod, name)
	}
	return Scheme + "://" + short(c.Id)
}

// displayName is POD/CONTAINER for a kubelet's container, else the container's name.
func displayName(c *runtimeapi.Container) string {
	if pod, name := c.Labels[labelPodName], c.Labels[labelContainerName]; pod != "" && name != "" {
		return pod + "/" + name
	}
	if c.Metadata != nil && c.Metadata.Name != "" {
		return c.Metadata.Name
	}
	return short(c.Id)
}

func refList(cs []*runtimeapi.Container) string {
	refs := make([]string, len(cs))
	for i, c := range cs {
		refs[i] = reference(c)
	}
	sort.Strings(refs)
	if len(refs) > 4 {
		refs = append(refs[:4], "...")
	}
	return strings.Join(refs, ", ")
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
