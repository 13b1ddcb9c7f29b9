package podman

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/hostsockets"
)

// RootfulSocket is the socket of the system-wide Podman service.
const RootfulSocket = hostsockets.PodmanRootful

// apiPrefix is the libpod API path prefix; Podman serves every version under any prefix.
const apiPrefix = "/v4.0.0/libpod"

// minAPI is the oldest libpod API with the endpoints and fields used here.
var minAPI = [2]int{3, 0}

// startHint says how to get the API socket Podman only has when asked.
const startHint = "start it: 'systemctl start podman.socket' (rootless: 'systemctl --user start podman.socket') or 'podman system service --time=0 &'"

// Scheme is the scheme of Podman's references, podman://[uid=UID/]NAME|ID.
const Scheme = "podman"

// uidPrefix starts a podman:// reference to a container of a rootless Podman service:
// podman://uid=1000/web is the container web of the Podman of the user of uid 1000, which
// may hold another web than the rootful service (podman://web).
const uidPrefix = "uid="

// SplitName splits the name of a podman:// reference, [uid=UID/]NAME, into the uid of the
// Podman service it names (-1 when it names none: every service is asked) and the
// container's name or ID. uid=0 is the rootful service.
func SplitName(s string) (uid int, name string, err error) {
	const want = "want podman://NAME, podman://ID or podman://uid=UID/NAME"
	rest, name, found := strings.Cut(s, "/")
	if !found {
		if s == "" || strings.ContainsAny(s, " \t\n") {
			return 0, "", errors.New(want)
		}
		return -1, s, nil
	}
	digits, ok := strings.CutPrefix(rest, uidPrefix)
	n, aerr := strconv.Atoi(digits)
	if !ok || aerr != nil || n < 0 || strconv.Itoa(n) != digits || name == "" || strings.ContainsAny(name, " \t\n/") {
		return 0, "", errors.New(want)
	}
	return n, name, nil
}

// Ref is the podman:// reference of the container name of the Podman service of user
// uid: podman://NAME for the rootful service (uid 0), podman://uid=UID/NAME for a
// rootless one.
func Ref(uid int, name string) string {
	if uid == 0 {
		return Scheme + "://" + name
	}
	return Scheme + "://" + uidPrefix + strconv.Itoa(uid) + "/" + name
}

// Resolver resolves references through Podman's REST API.
type Resolver struct {
	// Sockets are the API sockets to ask ("unix://" optional); nil means $CONTAINER_HOST,
	// else the rootful socket, then the rootless ones of $XDG_RUNTIME_DIR and $SUDO_UID.
	Sockets []string
	// ProcRoot is the procfs holding the container PIDs ("" = /proc).
	ProcRoot string

	// uidOf returns the uid of the user whose Podman serves a socket (nil: socketUID, the
	// socket file's owner); tests replace it.
	uidOf func(socket string) int
}

// Scheme is podman.
func (Resolver) Scheme() string { return Scheme }

// Syntax is podman://[uid=UID/]NAME|ID.
func (Resolver) Syntax() string { return "podman://[uid=UID/]NAME|ID" }

// Parse checks name is [uid=UID/]NAME|ID (see SplitName); a leading slash is dropped.
func (Resolver) Parse(name string) (target.Reference, error) {
	n := strings.TrimPrefix(name, "/")
	if _, _, err := SplitName(n); err != nil {
		return target.Reference{}, target.BadName(Scheme, name, err.Error())
	}
	return target.Reference{Scheme: Scheme, Name: n}, nil
}

// sockets returns the sockets to ask for the services of user uid (-1: every service):
// those of sockets() whose owner is uid, and, when the sockets are the default ones, the
// usual socket of that user's service.
func (r Resolver) socketsFor(uid int) []string {
	all := r.sockets()
	if uid < 0 {
		return all
	}
	var out []string
	for _, s := range all {
		if r.uid(s) == uid {
			out = append(out, s)
		}
	}
	if r.Sockets == nil && os.Getenv("CONTAINER_HOST") == "" {
		usual := RootfulSocket
		if uid != 0 {
			usual = "/run/user/" + strconv.Itoa(uid) + "/podman/podman.sock"
		}
		if !slices.Contains(out, usual) {
			out = append(out, usual)
		}
	}
	if len(out) == 0 {
		// None of the sockets is that user's: ask them all, the answers are filtered.
		return all
	}
	return out
}

func (r Resolver) uid(socket string) int {
	if r.uidOf != nil {
		return r.uidOf(socket)
	}
	return socketUID(socket)
}

// socketUID is the owner of socket: the user of a rootless service, 0 for the rootful
// one. When the file cannot be read it is guessed from the path (/run/user/UID/...).
func socketUID(socket string) int {
	if uid, ok := fileOwner(socket); ok {
		return uid
	}
	if rest, ok := strings.CutPrefix(socket, "/run/user/"); ok {
		if n, err := strconv.Atoi(strings.SplitN(rest, "/", 2)[0]); err == nil {
			return n
		}
	}
	return 0
}

func (r Resolver) sockets() []string {
	socks := r.Sockets
	if socks == nil {
		return hostsockets.Podman()
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range socks {
		s = strings.TrimPrefix(s, "unix://")
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// api is a client of one Podman API socket.
type api struct {
	socket string
	hc     *http.Client
	// uid is the user whose Podman serves the socket: 0 for the rootful service.
	uid int
}

// ref is the podman:// reference of the container name of a's service.
func (a *api) ref(name string) string { return Ref(a.uid, name) }

// connect returns a client for every socket that answers, of user uid's services only
// when uid >= 0. With none, the error says why: only "absent" when no socket exists and
// no podman program is installed either.
func (r Resolver) connect(ctx context.Context, uid int) ([]*api, error) {
	socks := r.socketsFor(uid)
	var apis []*api
	var firstErr error
	for _, s := range socks {
		err := target.ProbeSocket(ctx, "Podman API", s, startHint)
		if err == nil {
			a := newAPI(s, r.uid(s))
			if err = a.check(ctx); err == nil {
				if uid < 0 || a.uid == uid {
					apis = append(apis, a)
				}
				continue
			}
		}
		if firstErr == nil || (errors.Is(firstErr, target.ErrAbsent) && !errors.Is(err, target.ErrAbsent)) {
			firstErr = err
		}
	}
	if len(apis) > 0 {
		return apis, nil
	}
	if firstErr == nil {
		return nil, fmt.Errorf("%w: no Podman service of uid %d answers (asked %s): is it started? %s", target.ErrUnavailable, uid, strings.Join(socks, ", "), startHint)
	}
	if errors.Is(firstErr, target.ErrAbsent) {
		if _, err := exec.LookPath("podman"); err == nil {
			// Podman is installed, only its socket is missing: say so even for bare names.
			return nil, fmt.Errorf("%w: the Podman API socket %s does not exist: %s", target.ErrUnavailable, strings.Join(socks, " or "), startHint)
		}
	}
	return nil, firstErr
}

func newAPI(socket string, uid int) *api {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		DisableKeepAlives: true,
	}
	return &api{socket: socket, hc: &http.Client{Transport: tr}, uid: uid}
}

// check pings the API and checks it is Podman's, recent enough.
func (a *api) check(ctx context.Context) error {
	resp, err := a.get(ctx, "/_ping")
	if err != nil {
		return fmt.Errorf("%w: Podman API at %s: %v", target.ErrUnavailable, a.socket, err)
	}
	resp.Body.Close()
	v := resp.Header.Get("Libpod-Api-Version")
	if v == "" {
		return fmt.Errorf("%w: %s is not a Podman API socket (no Libpod-Api-Version in its answer; a Docker socket is reached with docker://)", target.ErrUnavailable, a.socket)
	}
	if !atLeast(v, minAPI) {
		return fmt.Errorf("%w: Podman API at %s is version %s, too old: ddebug needs %d.%d or newer", target.ErrUnavailable, a.socket, v, minAPI[0], minAPI[1])
	}
	return nil
}

func atLeast(version string, min [2]int) bool {
	m := regexp.MustCompile(`^v?(\d+)\.(\d+)`).FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > min[0] || (major == min[0] && minor >= min[1])
}

func (a *api) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://podman"+apiPrefix+path, nil)
	if err != nil {
		return nil, err
	}
	return a.hc.Do(req)
}

// getJSON GETs path into v; it returns the HTTP status and, for an error status, the
// API's message.
func (a *api) getJSON(ctx context.Context, path string, v any) (int, error) {
	resp, err := a.get(ctx, path)
	if err != nil {
		return 0, fmt.Errorf("podman: GET %s at %s: %w", path, a.socket, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("podman: reading %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Message string `json:"message"`
		}
		json.Unmarshal(body, &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(body))
		}
		return resp.StatusCode, errors.New(e.Message)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp.StatusCode, fmt.Errorf("podman: decoding %s: %w", path, err)
	}
	return resp.StatusCode, nil
}

// inspect is the part of GET /libpod/containers/{name}/json used here.
type inspect struct {
	ID        string `json:"Id"`
	Name      string `json:"Name"`
	ImageName string `json:"ImageName"`
	State     struct {
		Status     string `json:"Status"`
		Running    bool   `json:"Running"`
		Paused     bool   `json:"Paused"`
		Restarting bool   `json:"Restarting"`
		Pid        int    `json:"Pid"`
		ExitCode   int    `json:"ExitCode"`
	} `json:"State"`
}

// listed is one entry of GET /libpod/containers/json.
type listed struct {
	ID    string   `json:"Id"`
	Names []string `json:"Names"`
	Image string   `json:"Image"`
	State string   `json:"State"`
	Pid   int      `json:"Pid"`
}

// hit is a container a service found for a reference.
type hit struct {
	a     *api
	in    inspect
	exact bool // a name or the full ID, not an ID prefix
}

func (h hit) name() string { return strings.TrimPrefix(h.in.Name, "/") }

// Resolve finds the running container ref names: a name, a full ID or a unique ID prefix,
// in every Podman service (podman://uid=UID/NAME: in that user's only). A name or ID
// beats an ID prefix; of several containers found in different services, the running one
// is the target, and two running are an error naming their references.
func (r Resolver) Resolve(ctx context.Context, ref target.Reference) (target.Target, error) {
	uid, name, err := SplitName(ref.Name)
	if err != nil {
		return target.Target{}, fmt.Errorf("%w %q: %v", target.ErrBadReference, ref.String(), err)
	}
	apis, err := r.connect(ctx, uid)
	if err != nil {
		return target.Target{}, err
	}
	var hits []hit
	var notFound, names []string
	var ambiguous, failed error
	for _, a := range apis {
		var in inspect
		code, err := a.getJSON(ctx, "/containers/"+url.PathEscape(name)+"/json", &in)
		switch {
		case code == http.StatusNotFound:
			notFound = append(notFound, a.socket)
			names = append(names, a.names(ctx, true)...)
		case err != nil && strings.Contains(err.Error(), "more than one result"):
			ambiguous = fmt.Errorf("%w: Podman ID prefix %q matches several containers (%s): give more characters or the name", target.ErrAmbiguous, name, a.socket)
		case err != nil:
			if failed == nil {
				failed = fmt.Errorf("podman: inspecting container %q at %s: %w", name, a.socket, err)
			}
		default:
			// Podman looks a reference up as a full ID, then a name, then an ID prefix.
			hits = append(hits, hit{a: a, in: in, exact: name == strings.TrimPrefix(in.Name, "/") || name == in.ID})
		}
	}
	if exact := exactHits(hits); len(exact) > 0 {
		hits = exact
	} else if ambiguous != nil {
		return target.Target{}, ambiguous
	}
	switch len(hits) {
	case 0:
		if failed != nil {
			return target.Target{}, failed
		}
		hint := "'podman ps' lists the running ones"
		if s := target.Suggest(name, names); len(s) > 0 {
			hint = "did you mean " + strings.Join(s, ", ") + "?"
		}
		return target.Target{}, fmt.Errorf("%w %q on podman (%s); %s", target.ErrNotFound, name, strings.Join(notFound, ", "), hint)
	case 1:
	default:
		if run := runningHits(hits); len(run) == 1 {
			hits = run
		} else {
			if len(run) > 1 {
				hits = run
			}
			refs := make([]string, len(hits))
			for i, h := range hits {
				refs[i] = h.a.ref(h.name())
			}
			err := fmt.Errorf("%w: %q names a container in %d Podman services: %s; pass one of these references", target.ErrAmbiguous, name, len(hits), strings.Join(refs, " and "))
			if hits[0].exact {
				err = target.MarkExact(err)
			}
			return target.Target{}, err
		}
	}
	h := hits[0]
	t, err := r.running(h.a, h.in)
	return target.Found(t, err, h.exact)
}

func exactHits(hs []hit) []hit {
	var out []hit
	for _, h := range hs {
		if h.exact {
			out = append(out, h)
		}
	}
	return out
}

func runningHits(hs []hit) []hit {
	var out []hit
	for _, h := range hs {
		if st := h.in.State; st.Running && !st.Paused && st.Status != "paused" && !st.Restarting && st.Pid > 0 {
			out = append(out, h)
		}
	}
	return out
}

// running turns an inspected container into a Target, or says why it cannot be entered.
func (r Resolver) running(a *api, in inspect) (target.Target, error) {
	name := strings.TrimPrefix(in.Name, "/")
	what, as := fmt.Sprintf("container %q", name), ""
	if a.uid != 0 {
		// The commands to suggest are the user's, not root's.
		what = fmt.Sprintf("container %s (rootless Podman of uid %d)", a.ref(name), a.uid)
		as = fmt.Sprintf(" as uid %d", a.uid)
	}
	st := in.State
	switch {
	case st.Paused || st.Status == "paused":
		return target.Target{}, fmt.Errorf("%w: %s is paused: its processes are frozen, a session would hang (run 'podman unpause %s'%s first)", target.ErrNotRunning, what, name, as)
	case st.Restarting:
		return target.Target{}, fmt.Errorf("%w: %s is restarting (last exit code %d): wait until it runs, or look at 'podman logs %s'%s", target.ErrNotRunning, what, st.ExitCode, name, as)
	case !st.Running || st.Pid <= 0:
		return target.Target{}, fmt.Errorf("%w: %s is %s (exit code %d): start it first ('podman start %s'%s); a stopped container has no processes to enter", target.ErrNotRunning, what, st.Status, st.ExitCode, name, as)
	}
	ps, err := target.ReadProcStat(r.ProcRoot, st.Pid)
	if err != nil {
		return target.Target{}, fmt.Errorf("%s: podman (%s) reports PID %d but %w (is ddebug running in another PID namespace than podman?)", what, a.socket, st.Pid, err)
	}
	// Podman asks its OCI runtime, which reads the freezer, but the freezer has the last
	// word here as for every runtime: a session must not hang.
	if err := target.CheckFrozen(r.ProcRoot, st.Pid, what, ""); err != nil {
		return target.Target{}, err
	}
	return target.Target{PID: st.Pid, StartTime: ps.StartTime, Name: name, ID: in.ID, Runtime: Scheme, Image: in.ImageName, Canonical: canonical(a, name)}, nil
}

// canonical is Target.Canonical for the container name of a: its podman://uid=UID/NAME
// reference when a is a rootless service, "" (podman://NAME) for the rootful one.
func canonical(a *api, name string) string {
	if a.uid == 0 {
		return ""
	}
	return a.ref(name)
}

// names lists the names of the containers of a (all of them, or the running ones).
func (a *api) names(ctx context.Context, all bool) []string {
	var ls []listed
	if _, err := a.getJSON(ctx, "/containers/json?all="+strconv.FormatBool(all), &ls); err != nil {
		return nil
	}
	var out []string
	for _, c := range ls {
		out = append(out, c.Names...)
	}
	return out
}

// List returns the running containers of every Podman service that answers.
func (r Resolver) List(ctx context.Context) ([]target.Target, error) {
	apis, err := r.connect(ctx, -1)
	if err != nil {
		return nil, err
	}
	var out []target.Target
	for _, a := range apis {
		var ls []listed
		if _, err := a.getJSON(ctx, "/containers/json", &ls); err != nil {
			return nil, fmt.Errorf("podman: listing containers at %s: %w", a.socket, err)
		}
		for _, c := range ls {
			if c.State != "running" || c.Pid <= 0 || len(c.Names) == 0 {
				continue
			}
			ps, err := target.ReadProcStat(r.ProcRoot, c.Pid)
			if err != nil {
				continue // exited since listed
			}
			out = append(out, target.Target{PID: c.Pid, StartTime: ps.StartTime, Name: c.Names[0], ID: c.ID, Runtime: Scheme, Image: c.Image, Canonical: canonical(a, c.Names[0])})
		}
	}
	return out, nil
}
