package target

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/spelling"
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
	// Canonical is the reference to pass back to `ddebug exec` when runtime://Name does
	// not say it (containerd://namespace/id, k8s://namespace/pod/container); "" otherwise.
	Canonical string
	// PrefixMatch says the reference matched only the start of the ID, not a name or the
	// full ID: a bare name prefers another runtime's exact match to it.
	PrefixMatch bool
}

// Ref returns the canonical reference of t, the one to pass back to `ddebug exec`.
func (t Target) Ref() string {
	if t.Canonical != "" {
		return t.Canonical
	}
	if t.Runtime == SchemePID {
		return SchemePID + "://" + strconv.Itoa(t.PID)
	}
	return t.Runtime + "://" + t.Name
}

// SchemePID is the scheme of a reference to a host process, pid://PID, which needs no
// container runtime (see PIDResolver). The runtimes' schemes are their packages' own.
const SchemePID = "pid"

// Sentinel errors callers branch on with errors.Is. Resolvers wrap them with the detail.
var (
	ErrBadReference = errors.New("bad target reference")
	ErrNotFound     = errors.New("no such container")
	ErrNotRunning   = errors.New("container is not running")
	ErrAmbiguous    = errors.New("ambiguous reference")
	// ErrUnavailable means the runtime could not be reached (socket missing, refused, no permission).
	ErrUnavailable = errors.New("container runtime unavailable")
	// ErrAbsent, wrapped beside ErrUnavailable, says nothing suggests the runtime is used on
	// this host at all (its socket does not exist): a bare-name lookup does not report it.
	ErrAbsent = errors.New("runtime not present on this host")
)

// MinBarePrefix is the fewest characters of a bare name that the resolvers matching IDs
// themselves (containerd, CRI) take as an ID prefix, as git's shortest abbreviation: a
// short word such as "db" or "add" is a name, not the start of some hex ID. With a scheme
// (cri://4f3) any prefix goes; Docker and Podman keep their own APIs' rules.
const MinBarePrefix = 4

// Reference is a parsed TARGET argument.
type Reference struct {
	Scheme string // the resolver's scheme ("docker", "pid", ...); "" for a bare name
	// Name is what follows scheme:// as the scheme's resolver parsed it: a name, ID or ID
	// prefix, the PID of pid://, NAMESPACE/ID for containerd, ...
	Name string
}

func (r Reference) String() string {
	if r.Scheme == "" {
		return r.Name
	}
	return r.Scheme + "://" + r.Name
}

// BadName is the error of a resolver's Parse that rejects name, the part after scheme://
// of a reference: it wraps ErrBadReference and quotes the whole reference, then says why.
func BadName(scheme, name, why string) error {
	return fmt.Errorf("%w %q: %s", ErrBadReference, scheme+"://"+name, why)
}

// HasEmpty says whether one of parts is empty: a name split at "/" with an empty element.
func HasEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// Resolver resolves the references of one runtime. It owns their syntax: a Registry
// knows nothing of a runtime but what its Resolver says.
type Resolver interface {
	// Scheme is the scheme of its references: "docker" for docker://NAME.
	Scheme() string
	// Syntax is how its references are written, for messages: "docker://NAME|ID".
	Syntax() string
	// Parse checks name, what follows scheme:// in a reference, and returns the reference
	// it names; its errors wrap ErrBadReference (see BadName).
	Parse(name string) (Reference, error)
	// Resolve returns the running target ref names. ref.Scheme is the resolver's own or "".
	Resolve(ctx context.Context, ref Reference) (Target, error)
}

// Lister is a Resolver that can also list the running containers of its runtime.
type Lister interface {
	List(ctx context.Context) ([]Target, error)
}

// Registry maps schemes to resolvers. A bare name goes to every runtime of BareSchemes
// when it is set, else to DefaultScheme.
type Registry struct {
	resolvers     map[string]Resolver
	order         []string
	DefaultScheme string
	// BareSchemes are the runtimes a bare name is looked up in, in this order (the first
	// one's view of a container wins when two runtimes show the same process).
	BareSchemes []string
}

// NewRegistry returns an empty registry whose bare names go to defaultScheme.
func NewRegistry(defaultScheme string) *Registry {
	return &Registry{resolvers: map[string]Resolver{}, DefaultScheme: defaultScheme}
}

// Register adds res, the resolver of the references of its scheme.
func (r *Registry) Register(res Resolver) {
	scheme := res.Scheme()
	if _, ok := r.resolvers[scheme]; !ok {
		r.order = append(r.order, scheme)
	}
	r.resolvers[scheme] = res
}

// Parse parses TARGET: a bare name or ID prefix, or SCHEME://NAME, whose NAME the resolver
// of SCHEME checks.
func (r *Registry) Parse(s string) (Reference, error) {
	if s == "" {
		return Reference{}, fmt.Errorf("%w: empty (want %s)", ErrBadReference, r.syntax())
	}
	scheme, name, found := strings.Cut(s, "://")
	if !found {
		if strings.ContainsAny(s, " \t\n/:") {
			return Reference{}, fmt.Errorf("%w %q: a container name has no spaces, slashes or colons (want %s)", ErrBadReference, s, r.syntax())
		}
		return Reference{Name: s}, nil
	}
	res, ok := r.resolvers[scheme]
	if !ok {
		return Reference{}, fmt.Errorf("%w %q: unknown runtime %q (known: %s)", ErrBadReference, s, scheme, strings.Join(r.Schemes(), ", "))
	}
	return res.Parse(name)
}

// Schemes lists the schemes of the registered resolvers, as "docker://", sorted.
func (r *Registry) Schemes() []string {
	s := make([]string, len(r.order))
	for i, k := range r.order {
		s[i] = k + "://"
	}
	sort.Strings(s)
	return s
}

// syntax is the TARGET syntax, for error messages: "NAME, docker://NAME|ID, ... or pid://PID".
func (r *Registry) syntax() string {
	forms := []string{"NAME"}
	for _, k := range r.order {
		forms = append(forms, r.resolvers[k].Syntax())
	}
	if len(forms) == 1 {
		return forms[0]
	}
	return strings.Join(forms[:len(forms)-1], ", ") + " or " + forms[len(forms)-1]
}

// Resolve parses s and asks the resolver of its scheme; a bare name is asked of every
// runtime of BareSchemes (see ResolveBare).
func (r *Registry) Resolve(ctx context.Context, s string) (Target, error) {
	ref, err := r.Parse(s)
	if err != nil {
		return Target{}, err
	}
	scheme := ref.Scheme
	if scheme == "" {
		if len(r.BareSchemes) > 0 {
			return r.resolveBare(ctx, ref)
		}
		scheme = r.DefaultScheme
	}
	res, ok := r.resolvers[scheme]
	if !ok {
		return Target{}, fmt.Errorf("%w %q: runtime %q is not supported by this build", ErrBadReference, s, scheme)
	}
	return res.Resolve(ctx, ref)
}

// answer is one runtime's reply to a bare name or a listing.
type answer struct {
	scheme  string
	target  Target
	targets []Target
	err     error
}

// ask runs f for every scheme of BareSchemes at once and returns the answers in that order.
func (r *Registry) ask(ctx context.Context, f func(scheme string, res Resolver) answer) []answer {
	out := make([]answer, len(r.BareSchemes))
	var wg sync.WaitGroup
	for i, scheme := range r.BareSchemes {
		res, ok := r.resolvers[scheme]
		if !ok {
			out[i] = answer{scheme: scheme, err: fmt.Errorf("%w: runtime %q is not supported by this build", ErrUnavailable, scheme)}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := f(scheme, res)
			a.scheme = scheme
			out[i] = a
		}()
	}
	wg.Wait()
	return out
}

// resolveBare looks ref up in every runtime of BareSchemes. Exact matches (a name or a
// full ID) come first: a runtime's ID-prefix hit counts only when no runtime has the name,
// neither running nor stopped. One running container found is the target (a process two
// runtimes both show, as Docker's containers in containerd's moby namespace, counts
// once); two are an error naming both references. When none is found, the most telling
// errors are returned: a container found but not running, else every runtime's "not
// found" or "unreachable" reason, leaving out the runtimes that are absent from this host.
func (r *Registry) resolveBare(ctx context.Context, ref Reference) (Target, error) {
	answers := r.ask(ctx, func(_ string, res Resolver) answer {
		t, err := res.Resolve(ctx, ref)
		return answer{target: t, err: err}
	})
	var exact, prefixed []Target
	var exactErr error
	for _, a := range answers {
		switch {
		case a.err == nil && a.target.PrefixMatch:
			prefixed = append(prefixed, a.target)
		case a.err == nil:
			exact = append(exact, a.target)
		case exactErr == nil && errors.Is(a.err, errExact):
			exactErr = a.err
		}
	}
	candidates := exact
	if len(candidates) == 0 {
		if exactErr != nil {
			// The name is a container that cannot be entered: say so rather than enter
			// another runtime's container whose ID merely starts with it.
			return Target{}, exactErr
		}
		candidates = prefixed
	}
	var found []Target
	seen := map[string]bool{}
	for _, t := range candidates {
		if k := processKey(t); !seen[k] {
			seen[k] = true
			found = append(found, t)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
	default:
		refs := make([]string, len(found))
		for i, t := range found {
			refs[i] = t.Ref()
		}
		return Target{}, fmt.Errorf("%w: %q names a running container in %d runtimes: %s; pass one of these references", ErrAmbiguous, ref.Name, len(found), strings.Join(refs, " and "))
	}
	return Target{}, bareError(r.DefaultScheme, answers)
}

// bareError picks and joins the errors of a bare-name lookup that found nothing running.
func bareError(defaultScheme string, answers []answer) error {
	var telling, rest []error
	for _, a := range answers {
		switch {
		case errors.Is(a.err, ErrAbsent) && a.scheme != defaultScheme:
		case errors.Is(a.err, ErrNotFound) || errors.Is(a.err, ErrUnavailable):
			rest = append(rest, a.err)
		default:
			telling = append(telling, a.err)
		}
	}
	if len(telling) > 0 {
		return telling[0]
	}
	if len(rest) == 0 {
		// No runtime is present: say what the default one said.
		for _, a := range answers {
			if a.scheme == defaultScheme {
				return a.err
			}
		}
		if len(answers) == 0 {
			return fmt.Errorf("%w: no container runtime is configured", ErrUnavailable)
		}
		return answers[0].err
	}
	// A "not found" leads (it carries the "did you mean"), then the others.
	sort.SliceStable(rest, func(i, j int) bool {
		return errors.Is(rest[i], ErrNotFound) && !errors.Is(rest[j], ErrNotFound)
	})
	if len(rest) == 1 {
		return rest[0]
	}
	msgs := make([]string, len(rest)-1)
	for i, e := range rest[1:] {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%w; %s", rest[0], strings.Join(msgs, "; "))
}

// processKey identifies the process of a target, so two runtimes' views of one container
// count once.
func processKey(t Target) string {
	return strconv.Itoa(t.PID) + "@" + strconv.FormatUint(t.StartTime, 10)
}

// Listing is what List found: the running containers of every runtime that answered,
// and why the others did not.
type Listing struct {
	Targets []Target
	// Answered are the runtimes that listed (maybe nothing), in BareSchemes order.
	Answered []string
	// Errors are the runtimes that could not list, by scheme; absent runtimes are left out.
	Errors map[string]error
}

// List lists the running containers of every runtime of BareSchemes that can list. A
// process two runtimes show is listed once, as the first runtime of BareSchemes sees it.
func (r *Registry) List(ctx context.Context) Listing {
	answers := r.ask(ctx, func(scheme string, res Resolver) answer {
		l, ok := res.(Lister)
		if !ok {
			return answer{err: fmt.Errorf("%w: cannot list%w", ErrUnavailable, AbsentMark)}
		}
		ts, err := l.List(ctx)
		return answer{targets: ts, err: err}
	})
	out := Listing{Errors: map[string]error{}}
	seen := map[string]bool{}
	for _, a := range answers {
		if a.err != nil {
			if !errors.Is(a.err, ErrAbsent) {
				out.Errors[a.scheme] = a.err
			}
			continue
		}
		out.Answered = append(out.Answered, a.scheme)
		for _, t := range a.targets {
			if k := processKey(t); !seen[k] {
				seen[k] = true
				out.Targets = append(out.Targets, t)
			}
		}
	}
	return out
}

// Suggest returns up to three of names closest to name, best first: the "did you mean"
// of not-found errors.
func Suggest(name string, names []string) []string {
	return spelling.Suggest(name, names, 3)
}

// ProbeSocket connects once to the unix socket path of the runtime called what, so the
// usual failures are told apart before a client hides them behind retries. It returns
// nil, or an error wrapping ErrUnavailable (and ErrAbsent when the socket does not exist)
// that says what to do; startHint says how to start the runtime.
func ProbeSocket(ctx context.Context, what, path, startHint string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err == nil {
		c.Close()
		return nil
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s socket %s does not exist: %s%w", ErrUnavailable, what, path, startHint, AbsentMark)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w: permission denied on the %s socket %s: run ddebug as root (sudo)", ErrUnavailable, what, path)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: cannot connect to %s at %s (connection refused): %s", ErrUnavailable, what, path, startHint)
	}
	return fmt.Errorf("%w: connecting to %s at %s: %v", ErrUnavailable, what, path, err)
}

// Found ends a resolver's lookup of one container: its target, marked PrefixMatch when
// only an ID prefix named it, or, when it cannot be entered, the error, marked exact
// (MarkExact) when the reference named it exactly.
func Found(t Target, err error, exact bool) (Target, error) {
	if err != nil {
		if exact {
			err = MarkExact(err)
		}
		return Target{}, err
	}
	t.PrefixMatch = !exact
	return t, nil
}

// MarkExact marks err, about a container a reference named exactly (its name or full ID)
// that cannot be entered (not running, or the name is several containers), so a bare-name
// lookup reports it rather than another runtime's ID-prefix hit. It adds no text.
func MarkExact(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w%w", err, exactMark{})
}

// errExact is what MarkExact's errors match.
var errExact = errors.New("reference names the container exactly")

type exactMark struct{}

func (exactMark) Error() string        { return "" }
func (exactMark) Is(target error) bool { return target == errExact }

// AbsentMark, wrapped with %w at the end of a message, makes an error match ErrAbsent
// without adding text to it.
var AbsentMark error = absent{}

type absent struct{}

func (absent) Error() string        { return "" }
func (absent) Is(target error) bool { return target == ErrAbsent }
