package containerd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	containersapi "github.com/containerd/containerd/api/services/containers/v1"
	namespacesapi "github.com/containerd/containerd/api/services/namespaces/v1"
	tasksapi "github.com/containerd/containerd/api/services/tasks/v1"
	versionapi "github.com/containerd/containerd/api/services/version/v1"
	"github.com/containerd/containerd/v2/pkg/dialer"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd/direct"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/hostsockets"
)

// DefaultAddress is containerd's socket when $CONTAINERD_ADDRESS is unset.
const DefaultAddress = hostsockets.ContainerdDefault

// DefaultNamespace is the namespace of ctr and of references without one.
const DefaultNamespace = direct.DefaultNamespace

// Scheme is the scheme of containerd's references, containerd://[NAMESPACE/]ID.
const Scheme = direct.Scheme

// Labels that give a container a name or mark a pod sandbox.
const (
	labelNerdctlName = direct.LabelNerdctlName
	labelCRIKind     = direct.LabelCRIKind
)

// Resolver resolves references through a containerd daemon.
type Resolver struct {
	// Address is the socket; "" means $CONTAINERD_ADDRESS, else DefaultAddress.
	Address string
	// Namespace is where references without one are looked up first; "" means
	// $CONTAINERD_NAMESPACE, else DefaultNamespace.
	Namespace string
	// ProcRoot is the procfs holding the task PIDs ("" = /proc).
	ProcRoot string
}

// direct is the lean build's resolver of containerd references (package direct), which
// shares this one's syntax, settings and checks.
func (r Resolver) direct() direct.Resolver {
	return direct.Resolver{Address: r.Address, Namespace: r.Namespace, ProcRoot: r.ProcRoot}
}

// Scheme is containerd.
func (r Resolver) Scheme() string { return r.direct().Scheme() }

// Syntax is containerd://[NAMESPACE/]ID.
func (r Resolver) Syntax() string { return r.direct().Syntax() }

// Parse checks name is ID or NAMESPACE/ID.
func (r Resolver) Parse(name string) (target.Reference, error) { return r.direct().Parse(name) }

func (r Resolver) address() string { return r.direct().Socket() }

func (r Resolver) namespace() string { return r.direct().HomeNamespace() }

// conn is a connection to containerd with the services the resolver asks. They are
// containerd's API services over gRPC, as the containerd v2 client package calls them:
// that package links every service of containerd (images, content, snapshots, transfer,
// sandboxes, ...) and distribution/reference, whose initialisation (protobuf descriptors,
// regular expressions) took 3.4 ms of the start of every kubectl-ddebug command.
type conn struct {
	cc         *grpc.ClientConn
	containers containersapi.ContainersClient
	tasks      tasksapi.TasksClient
	namespaces namespacesapi.NamespacesClient
}

// maxMsgSize is the largest message taken from containerd, as its own client takes: a
// list of tasks on a busy host is larger than gRPC's default 4 MiB.
const maxMsgSize = 16 << 20

// connect checks the socket and the daemon's version and returns a connection.
func (r Resolver) connect(ctx context.Context) (*conn, error) {
	addr := r.address()
	if err := target.ProbeSocket(ctx, "containerd", addr, hostsockets.ContainerdHint()); err != nil {
		return nil, err
	}
	cc, err := grpc.NewClient(dialer.DialAddress(addr),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(dialer.ContextDialer),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMsgSize)))
	if err != nil {
		return nil, fmt.Errorf("%w: containerd at %s: %v", target.ErrUnavailable, addr, err)
	}
	v, err := versionapi.NewVersionClient(cc).Version(ctx, &emptypb.Empty{})
	if err != nil {
		cc.Close()
		return nil, fmt.Errorf("%w: containerd at %s does not answer its version: %v", target.ErrUnavailable, addr, errgrpc.ToNative(err))
	}
	if min := direct.MinVersion; !direct.AtLeast(v.Version, min) {
		cc.Close()
		return nil, fmt.Errorf("%w: containerd at %s is version %s, too old: ddebug needs %d.%d or newer", target.ErrUnavailable, addr, v.Version, min[0], min[1])
	}
	return &conn{
		cc:         cc,
		containers: containersapi.NewContainersClient(cc),
		tasks:      tasksapi.NewTasksClient(cc),
		namespaces: namespacesapi.NewNamespacesClient(cc),
	}, nil
}

func (c *conn) Close() error { return c.cc.Close() }

// listContainers returns the containers of the namespace of ctx, streamed where containerd
// streams them (1.5 and newer), since one message of a busy host's containers, each with
// its OCI spec, may be too large.
func (c *conn) listContainers(ctx context.Context) ([]container, error) {
	stream, err := c.containers.ListStream(ctx, &containersapi.ListContainersRequest{})
	if err != nil {
		return nil, errgrpc.ToNative(err)
	}
	var out []container
	for {
		m, err := stream.Recv()
		switch {
		case err == io.EOF:
			return out, nil
		case status.Code(err) == codes.Unimplemented:
			resp, err := c.containers.List(ctx, &containersapi.ListContainersRequest{})
			if err != nil {
				return nil, errgrpc.ToNative(err)
			}
			out = out[:0]
			for _, ci := range resp.Containers {
				out = append(out, containerOf(ci))
			}
			return out, nil
		case err != nil:
			return nil, errgrpc.ToNative(err)
		}
		out = append(out, containerOf(m.Container))
	}
}

// listNamespaces returns the names of containerd's namespaces.
func (c *conn) listNamespaces(ctx context.Context) ([]string, error) {
	resp, err := c.namespaces.List(ctx, &namespacesapi.ListNamespacesRequest{})
	if err != nil {
		return nil, errgrpc.ToNative(err)
	}
	names := make([]string, 0, len(resp.Namespaces))
	for _, n := range resp.Namespaces {
		names = append(names, n.Name)
	}
	return names, nil
}

// container is what the resolver reads of a containerd container.
type container struct {
	ID, Image string
	Labels    map[string]string
}

func containerOf(c *containersapi.Container) container {
	return container{ID: c.ID, Image: c.Image, Labels: c.Labels}
}

// entry is one container of a namespace with its task, if any, as package direct reads it.
type entry = direct.Container

// list returns the containers of namespace ns with their tasks.
func list(ctx context.Context, c *conn, ns string) ([]entry, error) {
	ctx = namespaces.WithNamespace(ctx, ns)
	cs, err := c.listContainers(ctx)
	if err != nil {
		return nil, fmt.Errorf("containerd: listing containers of namespace %s: %w", ns, err)
	}
	ts, err := c.tasks.List(ctx, &tasksapi.ListTasksRequest{})
	if err != nil {
		return nil, fmt.Errorf("containerd: listing tasks of namespace %s: %w", ns, errgrpc.ToNative(err))
	}
	tasks := map[string]*direct.Task{}
	for _, t := range ts.Tasks {
		tasks[t.ID] = &direct.Task{PID: t.Pid, Status: direct.Status(t.Status), ExitStatus: t.ExitStatus}
	}
	out := make([]entry, 0, len(cs))
	for _, ci := range cs {
		out = append(out, entry{Namespace: ns, ID: ci.ID, Image: ci.Image, Labels: ci.Labels, Task: tasks[ci.ID]})
	}
	return out, nil
}

// match returns the entries name designates: the containers of that ID or nerdctl name,
// in the resolver's namespace ns first, then in the others; only when no namespace has
// one, the containers whose ID starts with name, again those of ns first. byPrefix says
// the second kind was found. A bare name (bare) is an ID prefix only when it has
// target.MinBarePrefix characters or more.
func match(entries []entry, ns, name string, bare bool) (found []entry, byPrefix bool) {
	var exact, exactNS, prefixed, prefixedNS []entry
	for _, e := range entries {
		switch {
		case e.ID == name || e.Labels[labelNerdctlName] == name:
			if e.Namespace == ns {
				exactNS = append(exactNS, e)
			} else {
				exact = append(exact, e)
			}
		case strings.HasPrefix(e.ID, name) && (!bare || len(name) >= target.MinBarePrefix):
			if e.Namespace == ns {
				prefixedNS = append(prefixedNS, e)
			} else {
				prefixed = append(prefixed, e)
			}
		}
	}
	switch {
	case len(exactNS) > 0:
		return preferID(exactNS, name), false
	case len(exact) > 0:
		return exact, false
	case len(prefixedNS) > 0:
		return prefixedNS, true
	}
	return prefixed, len(prefixed) > 0
}

// preferID keeps the container whose ID is name when one of es, all of one namespace, has
// that ID and another that nerdctl name.
func preferID(es []entry, name string) []entry {
	for _, e := range es {
		if e.ID == name {
			return []entry{e}
		}
	}
	return es
}

// Resolve finds the running task ref names. containerd://NS/ID looks in NS only; a
// reference without a namespace looks in every namespace, the resolver's first (see
// match), so a container of k8s.io or moby is found too (its reference says where).
func (r Resolver) Resolve(ctx context.Context, ref target.Reference) (target.Target, error) {
	ns, name, explicit := strings.Cut(ref.Name, "/")
	if !explicit {
		ns, name = r.namespace(), ref.Name
	}
	c, err := r.connect(ctx)
	if err != nil {
		return target.Target{}, err
	}
	defer c.Close()

	entries, err := list(ctx, c, ns)
	if err != nil && !cerrdefs.IsNotFound(err) {
		return target.Target{}, err
	}
	bare := ref.Scheme == ""
	found, byPrefix := match(entries, ns, name, bare)
	searched := []string{ns}
	if (len(found) == 0 || byPrefix) && !explicit {
		// Another namespace may hold the name exactly, which beats an ID prefix here.
		others, err := c.listNamespaces(ctx)
		if err != nil {
			return target.Target{}, fmt.Errorf("containerd: listing namespaces: %w", err)
		}
		sort.Strings(others)
		for _, o := range others {
			if o == ns {
				continue
			}
			searched = append(searched, o)
			es, err := list(ctx, c, o)
			if err != nil {
				return target.Target{}, err
			}
			entries = append(entries, es...)
		}
		found, byPrefix = match(entries, ns, name, bare)
	}
	switch {
	case len(found) == 0:
		hint := "'ctr -n NAMESPACE containers ls' lists them"
		if s := target.Suggest(name, names(entries)); len(s) > 0 {
			hint = "did you mean " + strings.Join(s, ", ") + "?"
		}
		return target.Target{}, fmt.Errorf("%w %q on containerd (%s, namespaces %s); %s", target.ErrNotFound, name, r.address(), strings.Join(searched, ", "), hint)
	case len(found) > 1:
		refs := make([]string, len(found))
		for i, e := range found {
			refs[i] = e.Reference()
		}
		sort.Strings(refs)
		if len(refs) > 4 {
			refs = append(refs[:4], "...")
		}
		if !byPrefix {
			return target.Target{}, target.MarkExact(fmt.Errorf("%w: %q names containers in several containerd namespaces (%s): pass one of these references", target.ErrAmbiguous, name, strings.Join(refs, ", ")))
		}
		return target.Target{}, fmt.Errorf("%w: containerd ID prefix %q matches several containers (%s): give more characters or the namespace", target.ErrAmbiguous, name, strings.Join(refs, ", "))
	}
	t, err := direct.Running(r.ProcRoot, found[0])
	return target.Found(t, err, !byPrefix)
}

// List returns the running tasks of every namespace, pod sandboxes (pause) left out.
func (r Resolver) List(ctx context.Context) ([]target.Target, error) {
	c, err := r.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	nss, err := c.listNamespaces(ctx)
	if err != nil {
		return nil, fmt.Errorf("containerd: listing namespaces: %w", err)
	}
	sort.Strings(nss)
	var out []target.Target
	for _, ns := range nss {
		es, err := list(ctx, c, ns)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.Labels[labelCRIKind] == "sandbox" || e.Task == nil || e.Task.Status != direct.StatusRunning {
				continue
			}
			t, err := direct.Running(r.ProcRoot, e)
			if errors.Is(err, target.ErrNotFound) || errors.Is(err, target.ErrNotRunning) {
				continue // exited or frozen since listed
			}
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func names(es []entry) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
