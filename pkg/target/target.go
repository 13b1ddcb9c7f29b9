package target

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Target is a running process to debug, as resolved through its runtime.
type Target struct {
	// PID is the host PID of the container's main process.
	PID int
	// StartTime is the process start time in clock ticks since boot (field 22 of
	// /proc/<pid>/stat), read right after resolving; the session checks it again after
	// pinning the process, so a PID reused in between is never entered. 0 means unknown.
	StartTime uint64
	// Name is what the user knows the target by (container name without the leading
	// slash, or pid/N); ID is the runtime's full ID where there is one.
	Name string
	ID   string
	// Runtime is the scheme that resolved it: "docker", "pid", ...
	Runtime string
	Image   string
}

// Ref returns the canonical reference of t, the one to pass back to `ddebug exec`.
func (t Target) Ref() string {
	if t.Runtime == SchemePID {
		return SchemePID + "://" + strconv.Itoa(t.PID)
	}
	return t.Runtime + "://" + t.Name
}

// Schemes of a reference.
const (
	SchemeDocker = "docker"
	SchemePID    = "pid"
)

// Sentinel errors callers branch on with errors.Is. Resolvers wrap them with the detail.
var (
	ErrBadReference = errors.New("bad target reference")
	ErrNotFound     = errors.New("no such container")
	ErrNotRunning   = errors.New("container is not running")
	ErrAmbiguous    = errors.New("ambiguous reference")
	// ErrUnavailable means the runtime could not be reached (socket missing, refused, no permission).
	ErrUnavailable = errors.New("container runtime unavailable")
)

// Reference is a parsed TARGET argument.
type Reference struct {
	Scheme string // "docker", "pid"; "" for a bare name
	Name   string // name, ID or ID prefix, or the PID for pid://
}

func (r Reference) String() string {
	if r.Scheme == "" {
		return r.Name
	}
	return r.Scheme + "://" + r.Name
}

// ParseReference parses TARGET: `name`, `id-prefix`, `docker://name|id`, `pid://N`.
func ParseReference(s string) (Reference, error) {
	if s == "" {
		return Reference{}, fmt.Errorf("%w: empty (want NAME, docker://NAME|ID or pid://PID)", ErrBadReference)
	}
	scheme, name, found := strings.Cut(s, "://")
	if !found {
		if strings.ContainsAny(s, " \t\n/:") {
			return Reference{}, fmt.Errorf("%w %q: a container name has no spaces, slashes or colons (want NAME, docker://NAME|ID or pid://PID)", ErrBadReference, s)
		}
		return Reference{Name: s}, nil
	}
	switch scheme {
	case SchemeDocker:
		name = strings.TrimPrefix(name, "/")
		if name == "" || strings.ContainsAny(name, " \t\n/") {
			return Reference{}, fmt.Errorf("%w %q: want docker://NAME or docker://ID", ErrBadReference, s)
		}
	case SchemePID:
		if n, err := strconv.Atoi(name); err != nil || n <= 0 {
			return Reference{}, fmt.Errorf("%w %q: want pid://N with N a positive process ID", ErrBadReference, s)
		}
	default:
		return Reference{}, fmt.Errorf("%w %q: unknown runtime %q (known: %s)", ErrBadReference, s, scheme, strings.Join(KnownSchemes(), ", "))
	}
	return Reference{Scheme: scheme, Name: name}, nil
}

// Resolver resolves references of one runtime.
type Resolver interface {
	// Resolve returns the running target ref names. ref.Scheme is the resolver's own or "".
	Resolve(ctx context.Context, ref Reference) (Target, error)
}

// Registry maps schemes to resolvers; the bare-name default is DefaultScheme.
type Registry struct {
	resolvers     map[string]Resolver
	DefaultScheme string
}

// NewRegistry returns an empty registry whose bare names go to defaultScheme.
func NewRegistry(defaultScheme string) *Registry {
	return &Registry{resolvers: map[string]Resolver{}, DefaultScheme: defaultScheme}
}

// Register adds the resolver of scheme.
func (r *Registry) Register(scheme string, res Resolver) { r.resolvers[scheme] = res }

// Resolve parses s and asks the resolver of its scheme.
func (r *Registry) Resolve(ctx context.Context, s string) (Target, error) {
	ref, err := ParseReference(s)
	if err != nil {
		return Target{}, err
	}
	scheme := ref.Scheme
	if scheme == "" {
		scheme = r.DefaultScheme
	}
	res, ok := r.resolvers[scheme]
	if !ok {
		return Target{}, fmt.Errorf("%w %q: runtime %q is not supported by this build", ErrBadReference, s, scheme)
	}
	return res.Resolve(ctx, ref)
}

// KnownSchemes lists the schemes ParseReference accepts.
func KnownSchemes() []string {
	s := []string{SchemeDocker + "://", SchemePID + "://"}
	sort.Strings(s)
	return s
}

// Suggest returns up to three of names closest to name (edit distance at most a third of
// its length, or sharing it as a prefix/substring), best first: the "did you mean" of errors.
func Suggest(name string, names []string) []string {
	type cand struct {
		n string
		d int
	}
	var cs []cand
	limit := len(name)/3 + 1
	for _, n := range names {
		d := editDistance(strings.ToLower(name), strings.ToLower(n))
		// Close in spelling (but not a rewrite of a short name), or containing what was typed.
		if (d <= limit && d < len(n)) || strings.Contains(strings.ToLower(n), strings.ToLower(name)) {
			cs = append(cs, cand{n, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].n)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
