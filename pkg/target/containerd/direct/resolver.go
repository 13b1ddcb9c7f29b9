package direct

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd/internal/grpcunix"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/hostsockets"
)

// DefaultNamespace is the namespace of ctr and of references without one.
const DefaultNamespace = "default"

// MinVersion is the oldest containerd the resolvers were checked against (Debian's 1.6).
var MinVersion = [2]int{1, 6}

// ErrNotDirect is the error of a reference this package does not answer exactly (neither
// a container's ID nor the nerdctl name of one), or of a containerd too old, unreachable
// or that answers otherwise than expected. Package containerd's resolver answers it, and
// words its errors. A containerd that does not answer before the context ends is
// target.ErrUnavailable instead: handed off, it would be waited for again.
var ErrNotDirect = errors.New("not a reference containerd answers directly")

// Resolver resolves containerd://[NAMESPACE/]NAME, NAME a container's ID or nerdctl name.
type Resolver struct {
	// Address is the socket; "" means $CONTAINERD_ADDRESS, else hostsockets.ContainerdDefault.
	Address string
	// Namespace is where references without one are looked up; "" means
	// $CONTAINERD_NAMESPACE, else DefaultNamespace.
	Namespace string
	// ProcRoot is the procfs holding the task PIDs ("" = /proc).
	ProcRoot string
}

// Socket is the socket r asks.
func (r Resolver) Socket() string {
	if r.Address != "" {
		return r.Address
	}
	return hostsockets.Containerd()
}

// HomeNamespace is where r looks up a reference without a namespace (first).
func (r Resolver) HomeNamespace() string {
	if r.Namespace != "" {
		return r.Namespace
	}
	if n := os.Getenv("CONTAINERD_NAMESPACE"); n != "" {
		return n
	}
	return DefaultNamespace
}

// Scheme is containerd.
func (Resolver) Scheme() string { return Scheme }

// Syntax is containerd://[NAMESPACE/]ID.
func (Resolver) Syntax() string { return "containerd://[NAMESPACE/]ID" }

// Parse checks name is ID or NAMESPACE/ID.
func (Resolver) Parse(name string) (target.Reference, error) {
	parts := strings.Split(name, "/")
	if len(parts) > 2 || target.HasEmpty(parts) || strings.ContainsAny(name, " \t\n") {
		return target.Reference{}, target.BadName(Scheme, name, "want containerd://ID or containerd://NAMESPACE/ID")
	}
	return target.Reference{Scheme: Scheme, Name: name}, nil
}

// Resolve finds the task of the container ref names exactly, as package containerd
// matches it: by ID, else by nerdctl name, in ref's namespace or else r's; for a reference
// without a namespace found in neither way there, in every other namespace, where it must
// name one container. Anything else (several of a name, ID prefixes, not found, an old
// containerd) is ErrNotDirect.
func (r Resolver) Resolve(ctx context.Context, ref target.Reference) (target.Target, error) {
	ns, name, explicit := strings.Cut(ref.Name, "/")
	if !explicit {
		ns, name = r.HomeNamespace(), ref.Name
	}
	addr := r.Socket()
	l, err := get(ctx, addr, ns, name, !explicit)
	switch {
	case err != nil && ctx.Err() != nil:
		// Handed off, the whole product would wait as long again.
		return target.Target{}, fmt.Errorf("%w: containerd at %s does not answer: %v", target.ErrUnavailable, addr, ctx.Err())
	case err != nil:
		return target.Target{}, fmt.Errorf("%w: asking containerd at %s: %v", ErrNotDirect, addr, err)
	case l.versionErr != nil:
		return target.Target{}, fmt.Errorf("%w: containerd's version: %v", ErrNotDirect, l.versionErr)
	case !AtLeast(l.version, MinVersion):
		return target.Target{}, fmt.Errorf("%w: containerd %s is too old", ErrNotDirect, l.version)
	case l.containerErr == nil:
		if l.taskErr != nil && !grpcunix.IsCode(l.taskErr, grpcunix.NotFound) {
			return target.Target{}, fmt.Errorf("%w: task of container %s of namespace %s: %v", ErrNotDirect, name, ns, l.taskErr)
		}
		t, err := Running(r.ProcRoot, l.container)
		return target.Found(t, err, true)
	case !grpcunix.IsCode(l.containerErr, grpcunix.NotFound):
		return target.Target{}, fmt.Errorf("%w: container %s of namespace %s: %v", ErrNotDirect, name, ns, l.containerErr)
	case l.namedErr != nil:
		return target.Target{}, fmt.Errorf("%w: no container %s in namespace %s; by nerdctl name: %v", ErrNotDirect, name, ns, l.namedErr)
	case len(l.named) == 1:
		return r.named(ctx, l.named[0], name)
	case len(l.named) > 1 || explicit:
		return target.Target{}, fmt.Errorf("%w: no container %s in namespace %s, and %d of that nerdctl name", ErrNotDirect, name, ns, len(l.named))
	case l.namespacesErr != nil:
		return target.Target{}, fmt.Errorf("%w: listing namespaces: %v", ErrNotDirect, l.namespacesErr)
	}
	var others []string
	for _, o := range l.namespaces {
		if o != ns {
			others = append(others, o)
		}
	}
	if len(others) == 0 {
		return target.Target{}, fmt.Errorf("%w: no container %s in namespace %s, the only one", ErrNotDirect, name, ns)
	}
	found, taskKnown, err := getElsewhere(ctx, addr, others, name)
	switch {
	case err != nil && ctx.Err() != nil:
		return target.Target{}, fmt.Errorf("%w: containerd at %s does not answer: %v", target.ErrUnavailable, addr, ctx.Err())
	case err != nil:
		return target.Target{}, fmt.Errorf("%w: asking containerd at %s: %v", ErrNotDirect, addr, err)
	case len(found) != 1:
		return target.Target{}, fmt.Errorf("%w: %d containers of ID or nerdctl name %s in namespaces other than %s", ErrNotDirect, len(found), name, ns)
	case !taskKnown[0]:
		return r.named(ctx, found[0], name)
	}
	t, err := Running(r.ProcRoot, found[0])
	return target.Found(t, err, true)
}

// named is the target of c, listed by its nerdctl name name, once its task is known.
func (r Resolver) named(ctx context.Context, c Container, name string) (target.Target, error) {
	if c.Labels[LabelNerdctlName] != name {
		return target.Target{}, fmt.Errorf("%w: containerd listed container %s for nerdctl name %s", ErrNotDirect, c.ID, name)
	}
	var err error
	if c.Task, err = getTask(ctx, r.Socket(), c.Namespace, c.ID); err != nil {
		return target.Target{}, fmt.Errorf("%w: task of container %s of namespace %s: %v", ErrNotDirect, c.ID, c.Namespace, err)
	}
	t, err := Running(r.ProcRoot, c)
	return target.Found(t, err, true)
}

// AtLeast reports whether version (1.6.20~ds1, v2.1.0, 2.0.0-rc.1) is min or newer; a
// version it cannot read passes (a development build).
func AtLeast(version string, min [2]int) bool {
	major, rest, ok := leadingNumber(strings.TrimPrefix(version, "v"))
	if !ok || !strings.HasPrefix(rest, ".") {
		return true
	}
	minor, _, ok := leadingNumber(rest[1:])
	if !ok {
		return true
	}
	return major > min[0] || (major == min[0] && minor >= min[1])
}

// leadingNumber reads the decimal digits s starts with.
func leadingNumber(s string) (int, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err == nil
}
