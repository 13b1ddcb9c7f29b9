package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseReference(t *testing.T) {
	cases := []struct {
		in   string
		want Reference
		err  string
	}{
		{"app", Reference{Name: "app"}, ""},
		{"4f3a", Reference{Name: "4f3a"}, ""},
		{"pid://12345", Reference{Scheme: "pid", Name: "12345"}, ""},
		{"", Reference{}, "bad target reference: empty"},
		{"pid://x", Reference{}, "want pid://N"},
		{"pid://-3", Reference{}, "want pid://N"},
		{"foo://bar", Reference{}, `unknown runtime "foo"`},
		{"pod/web", Reference{}, "no spaces, slashes or colons"},
	}
	r := NewRegistry(SchemePID)
	r.Register(PIDResolver{})
	for _, c := range cases {
		got, err := r.Parse(c.in)
		if c.err != "" {
			if err == nil || !errors.Is(err, ErrBadReference) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseReference(%q) error %v, want ErrBadReference containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseReference(%q): %v", c.in, err)
			continue
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("ParseReference(%q) (-want +got):\n%s", c.in, d)
		}
		if got.String() != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"web", "webapp", "db", "ddebug-e2e-scratch", "api"}
	cases := map[string][]string{
		"wbe":                {"web"},
		"web1":               {"web"},
		"ddebug-e2e-scrach":  {"ddebug-e2e-scratch"},
		"DB":                 {"db"},
		"something-else-far": nil,
	}
	for in, want := range cases {
		got := Suggest(in, names)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Suggest(%q) (-want +got):\n%s", in, d)
		}
	}
}

func TestParseStat(t *testing.T) {
	// comm may contain spaces and parentheses.
	line := "42 (my (odd) prog) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10 18446744073709551615"
	got, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ProcStat{Comm: "my (odd) prog", State: "S", StartTime: 98765}); got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
	if _, err := parseStat("42 (x) S 1"); err == nil {
		t.Error("short stat line parsed")
	}
}

func TestPIDResolver(t *testing.T) {
	self := os.Getpid()
	tg, err := PIDResolver{}.Resolve(context.Background(), Reference{Scheme: SchemePID, Name: strconv.Itoa(self)})
	if err != nil {
		t.Fatal(err)
	}
	if tg.PID != self || tg.StartTime == 0 || tg.Runtime != SchemePID || tg.Ref() != "pid://"+strconv.Itoa(self) {
		t.Errorf("Resolve(self) = %+v", tg)
	}
	_, err = PIDResolver{}.Resolve(context.Background(), Reference{Scheme: SchemePID, Name: "4194303"})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve(no such pid) = %v, want ErrNotFound", err)
	}
}

func TestRegistryDefaultScheme(t *testing.T) {
	r := NewRegistry("fake")
	r.Register(as("fake", resolverFunc(func(_ context.Context, ref Reference) (Target, error) {
		return Target{Name: ref.Name, Runtime: "fake"}, nil
	})))
	got, err := r.Resolve(context.Background(), "app")
	if err != nil || got.Name != "app" || got.Runtime != "fake" {
		t.Errorf("bare name: %+v, %v", got, err)
	}
	if _, err := r.Resolve(context.Background(), "docker://app"); !errors.Is(err, ErrBadReference) {
		t.Errorf("unregistered scheme: %v, want ErrBadReference", err)
	}
}

type resolverFunc func(context.Context, Reference) (Target, error)

func (f resolverFunc) Resolve(ctx context.Context, r Reference) (Target, error) { return f(ctx, r) }

func TestTargetRef(t *testing.T) {
	cases := map[string]Target{
		"docker://web":            {Runtime: "docker", Name: "web", PID: 3},
		"pid://42":                {Runtime: "pid", Name: "pid/42(sleep)", PID: 42},
		"containerd://k8s.io/4f3": {Runtime: "containerd", Name: "4f3", Canonical: "containerd://k8s.io/4f3"},
	}
	for want, tg := range cases {
		if got := tg.Ref(); got != want {
			t.Errorf("%+v.Ref() = %q, want %q", tg, got, want)
		}
	}
}

// fakeRuntime answers a bare name from a fixed set of targets, or with a fixed error.
type fakeRuntime struct {
	targets map[string]Target
	err     error
}

func (f fakeRuntime) Resolve(_ context.Context, ref Reference) (Target, error) {
	if f.err != nil {
		return Target{}, f.err
	}
	if t, ok := f.targets[ref.Name]; ok {
		return t, nil
	}
	return Target{}, fmt.Errorf("%w %q on fake", ErrNotFound, ref.Name)
}

func (f fakeRuntime) List(context.Context) ([]Target, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []Target
	for _, t := range f.targets {
		out = append(out, t)
	}
	return out, nil
}

func TestRegistryBareName(t *testing.T) {
	web := Target{PID: 10, StartTime: 1, Name: "web", Runtime: "docker"}
	webInPodman := Target{PID: 20, StartTime: 2, Name: "web", Runtime: "podman"}
	webSeenByContainerd := Target{PID: 10, StartTime: 1, Name: "0123abc", Runtime: "containerd", Canonical: "containerd://moby/0123abc"}
	webPrefix := Target{PID: 30, StartTime: 3, Name: "web0123abcd", Runtime: "containerd", Canonical: "containerd://k8s.io/web0123abcd", PrefixMatch: true}
	webInPodmanPrefix := Target{PID: 40, StartTime: 4, Name: "web", Runtime: "podman", PrefixMatch: true}
	absent := fmt.Errorf("%w: socket /x does not exist%w", ErrUnavailable, AbsentMark)
	down := fmt.Errorf("%w: docker socket /var/run/docker.sock does not exist: is dockerd running?", ErrUnavailable)
	stopped := fmt.Errorf("%w: container \"web\" is exited (exit code 0)", ErrNotRunning)
	cases := []struct {
		name     string
		runtimes map[string]resolveOnly
		want     Target
		err      error  // sentinel the error wraps
		msg      string // text it contains
		not      string // text it must not contain
	}{
		{"found in one", map[string]resolveOnly{"docker": fakeRuntime{targets: map[string]Target{"web": web}}, "podman": fakeRuntime{}, "containerd": fakeRuntime{err: absent}},
			web, nil, "", ""},
		{"found in another", map[string]resolveOnly{"docker": fakeRuntime{}, "podman": fakeRuntime{targets: map[string]Target{"web": webInPodman}}, "containerd": fakeRuntime{err: absent}},
			webInPodman, nil, "", ""},
		{"found in two", map[string]resolveOnly{"docker": fakeRuntime{targets: map[string]Target{"web": web}}, "podman": fakeRuntime{targets: map[string]Target{"web": webInPodman}}, "containerd": fakeRuntime{}},
			Target{}, ErrAmbiguous, "docker://web and podman://web", ""},
		{"one process seen by two runtimes counts once", map[string]resolveOnly{"docker": fakeRuntime{targets: map[string]Target{"web": web}}, "podman": fakeRuntime{}, "containerd": fakeRuntime{targets: map[string]Target{"web": webSeenByContainerd}}},
			web, nil, "", ""},
		{"not running beats not found", map[string]resolveOnly{"docker": fakeRuntime{err: stopped}, "podman": fakeRuntime{}, "containerd": fakeRuntime{}},
			Target{}, ErrNotRunning, "is exited", "on fake"},
		{"not found anywhere: absent runtimes are not named", map[string]resolveOnly{"docker": fakeRuntime{}, "podman": fakeRuntime{err: absent}, "containerd": fakeRuntime{err: absent}},
			Target{}, ErrNotFound, `no such container "web" on fake`, "/x"},
		{"not found and a runtime down: both said, not found first", map[string]resolveOnly{"docker": fakeRuntime{err: down}, "podman": fakeRuntime{}, "containerd": fakeRuntime{err: absent}},
			Target{}, ErrNotFound, `no such container "web" on fake; container runtime unavailable: docker socket`, "/x"},
		{"an exact name beats another runtime's ID prefix", map[string]resolveOnly{"docker": fakeRuntime{targets: map[string]Target{"web": web}}, "podman": fakeRuntime{}, "containerd": fakeRuntime{targets: map[string]Target{"web": webPrefix}}},
			web, nil, "", ""},
		{"an ID prefix alone is found", map[string]resolveOnly{"docker": fakeRuntime{}, "podman": fakeRuntime{}, "containerd": fakeRuntime{targets: map[string]Target{"web": webPrefix}}},
			webPrefix, nil, "", ""},
		{"two ID prefixes are ambiguous", map[string]resolveOnly{"docker": fakeRuntime{}, "podman": fakeRuntime{targets: map[string]Target{"web": webInPodmanPrefix}}, "containerd": fakeRuntime{targets: map[string]Target{"web": webPrefix}}},
			Target{}, ErrAmbiguous, "podman://web and containerd://k8s.io/web0123abcd", ""},
		{"a stopped exact name beats a running ID prefix", map[string]resolveOnly{"docker": fakeRuntime{err: MarkExact(stopped)}, "podman": fakeRuntime{}, "containerd": fakeRuntime{targets: map[string]Target{"web": webPrefix}}},
			Target{}, ErrNotRunning, `container "web" is exited`, "containerd"},
		{"a stopped ID prefix does not hide a running one", map[string]resolveOnly{"docker": fakeRuntime{err: stopped}, "podman": fakeRuntime{}, "containerd": fakeRuntime{targets: map[string]Target{"web": webPrefix}}},
			webPrefix, nil, "", ""},
		{"nothing present: the default runtime's reason", map[string]resolveOnly{"docker": fakeRuntime{err: down}, "podman": fakeRuntime{err: absent}, "containerd": fakeRuntime{err: absent}},
			Target{}, ErrUnavailable, "is dockerd running?", "/x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewRegistry("docker")
			for _, s := range []string{"docker", "podman", "containerd"} {
				r.Register(as(s, c.runtimes[s]))
			}
			r.BareSchemes = []string{"docker", "podman", "containerd"}
			got, err := r.Resolve(context.Background(), "web")
			if c.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(c.want, got); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
				return
			}
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.msg) || (c.not != "" && strings.Contains(err.Error(), c.not)) {
				t.Errorf("error %v, want %v containing %q and not %q", err, c.err, c.msg, c.not)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestRegistryList(t *testing.T) {
	web := Target{PID: 10, StartTime: 1, Name: "web", Runtime: "docker"}
	r := NewRegistry("docker")
	r.Register(as("docker", fakeRuntime{targets: map[string]Target{"web": web}}))
	r.Register(as("podman", fakeRuntime{err: fmt.Errorf("%w: permission denied on the Podman API socket", ErrUnavailable)}))
	r.Register(as("cri", fakeRuntime{err: fmt.Errorf("%w: no CRI socket%w", ErrUnavailable, AbsentMark)}))
	r.Register(as("containerd", fakeRuntime{targets: map[string]Target{"x": {PID: 10, StartTime: 1, Name: "0123", Runtime: "containerd"}, "y": {PID: 11, StartTime: 5, Name: "y", Runtime: "containerd"}}}))
	r.Register(as("nolist", resolverFunc(func(context.Context, Reference) (Target, error) { return Target{}, nil })))
	r.BareSchemes = []string{"docker", "podman", "cri", "containerd", "nolist"}
	l := r.List(context.Background())
	var got []string
	for _, tg := range l.Targets {
		got = append(got, tg.Ref())
	}
	if d := cmp.Diff([]string{"docker://web", "containerd://y"}, got); d != "" {
		t.Errorf("targets (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"docker", "containerd"}, l.Answered); d != "" {
		t.Errorf("answered (-want +got):\n%s", d)
	}
	if len(l.Errors) != 1 || l.Errors["podman"] == nil {
		t.Errorf("errors = %v, want podman's only", l.Errors)
	}
}

func TestProbeSocket(t *testing.T) {
	dir := t.TempDir()
	err := ProbeSocket(context.Background(), "Thing", dir+"/none.sock", "start it")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrAbsent) || err.Error() != "container runtime unavailable: Thing socket "+dir+"/none.sock does not exist: start it" {
		t.Errorf("missing socket: %v", err)
	}
	// A socket file nobody listens on: refused.
	l, err := net.Listen("unix", dir+"/dead.sock")
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	err = ProbeSocket(context.Background(), "Thing", dir+"/dead.sock", "start it")
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrAbsent) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("dead socket: %v", err)
	}
	live, err := net.Listen("unix", dir+"/live.sock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Close() })
	if err := ProbeSocket(context.Background(), "Thing", dir+"/live.sock", ""); err != nil {
		t.Errorf("live socket: %v", err)
	}
}

// as makes r, which only resolves, the resolver of scheme, taking any name after scheme://
// (and a lister when r lists), as a runtime package's resolver is of its own.
func as(scheme string, r resolveOnly) Resolver {
	n := named{scheme: scheme, r: r}
	if l, ok := r.(Lister); ok {
		return namedLister{n, l}
	}
	return n
}

// resolveOnly is what the test runtimes implement of Resolver.
type resolveOnly interface {
	Resolve(context.Context, Reference) (Target, error)
}

type named struct {
	scheme string
	r      resolveOnly
}

func (n named) Scheme() string { return n.scheme }
func (n named) Syntax() string { return n.scheme + "://NAME" }
func (n named) Parse(name string) (Reference, error) {
	return Reference{Scheme: n.scheme, Name: name}, nil
}
func (n named) Resolve(ctx context.Context, ref Reference) (Target, error) {
	return n.r.Resolve(ctx, ref)
}

type namedLister struct {
	named
	l Lister
}

func (n namedLister) List(ctx context.Context) ([]Target, error) { return n.l.List(ctx) }
