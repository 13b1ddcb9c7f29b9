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
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// RootfulSocket is the socket of the system-wide Podman service.
const RootfulSocket = "/run/podman/podman.sock"

// apiPrefix is the libpod API path prefix; Podman serves every version under any prefix.
const apiPrefix = "/v4.0.0/libpod"

// minAPI is the oldest libpod API with the endpoints and fields used here.
var minAPI = [2]int{3, 0}

// startHint says how to get the API socket Podman only has when asked.
const startHint = "start it: 'systemctl start podman.socket' (rootless: 'systemctl --user start podman.socket') or 'podman system service --time=0 &'"

// Resolver resolves references through Podman's REST API.
type Resolver struct {
	// Sockets are the API sockets to ask ("unix://" optional); nil means $CONTAINER_HOST,
	// else the rootful socket, then the rootless ones of $XDG_RUNTIME_DIR and $SUDO_UID.
	Sockets []string
	// ProcRoot is the procfs holding the container PIDs ("" = /proc).
	ProcRoot string
}

func (r Resolver) sockets() []string {
	socks := r.Sockets
	if socks == nil {
		if h := os.Getenv("CONTAINER_HOST"); h != "" {
			socks = []string{h}
		} else {
			socks = []string{RootfulSocket}
			if x := os.Getenv("XDG_RUNTIME_DIR"); x != "" {
				socks = append(socks, filepath.Join(x, "podman", "podman.sock"))
			}
			if u := os.Getenv("SUDO_UID"); u != "" && u != "0" {
				socks = append(socks, "/run/user/"+u+"/podman/podman.sock")
			}
		}
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
}

// connect returns a client for every socket that answers. With none, the error says why:
// only "absent" when no socket exists and no podman program is installed either.
func (r Resolver) connect(ctx context.Context) ([]*api, error) {
	var apis []*api
	var firstErr error
	for _, s := range r.sockets() {
		err := target.ProbeSocket(ctx, "Podman API", s, startHint)
		if err == nil {
			a := newAPI(s)
			if err = a.check(ctx); err == nil {
				apis = append(apis, a)
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
	if errors.Is(firstErr, target.ErrAbsent) {
		if _, err := exec.LookPath("podman"); err == nil {
			// Podman is installed, only its socket is missing: say so even for bare names.
			return nil, fmt.Errorf("%w: the Podman API socket %s does not exist: %s", target.ErrUnavailable, strings.Join(r.sockets(), " or "), startHint)
		}
	}
	return nil, firstErr
}

func newAPI(socket string) *api {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		DisableKeepAlives: true,
	}
	return &api{socket: socket, hc: &http.Client{Transport: tr}}
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

// Resolve finds the running container ref names: a name, a full ID or a unique ID prefix,
// in the rootful service first, then in the rootless ones.
func (r Resolver) Resolve(ctx context.Context, ref target.Reference) (target.Target, error) {
	apis, err := r.connect(ctx)
	if err != nil {
		return target.Target{}, err
	}
	var notFound []string
	var names []string
	for _, a := range apis {
		var in inspect
		code, err := a.getJSON(ctx, "/containers/"+url.PathEscape(ref.Name)+"/json", &in)
		switch {
		case code == http.StatusNotFound:
			notFound = append(notFound, a.socket)
			names = append(names, a.names(ctx, true)...)
			continue
		case err != nil && strings.Contains(err.Error(), "more than one result"):
			return target.Target{}, fmt.Errorf("%w: Podman ID prefix %q matches several containers: give more characters or the name", target.ErrAmbiguous, ref.Name)
		case err != nil:
			return target.Target{}, fmt.Errorf("podman: inspecting container %q at %s: %w", ref.Name, a.socket, err)
		}
		// Podman looks a reference up as a full ID, then a name, then an ID prefix.
		exact := ref.Name == strings.TrimPrefix(in.Name, "/") || ref.Name == in.ID
		t, err := r.running(a, in)
		if err != nil && exact {
			return t, target.MarkExact(err)
		}
		t.PrefixMatch = !exact
		return t, err
	}
	hint := "'podman ps' lists the running ones"
	if s := target.Suggest(ref.Name, names); len(s) > 0 {
		hint = "did you mean " + strings.Join(s, ", ") + "?"
	}
	return target.Target{}, fmt.Errorf("%w %q on podman (%s); %s", target.ErrNotFound, ref.Name, strings.Join(notFound, ", "), hint)
}

// running turns an inspected container into a Target, or says why it cannot be entered.
func (r Resolver) running(a *api, in inspect) (target.Target, error) {
	name := strings.TrimPrefix(in.Name, "/")
	st := in.State
	switch {
	case st.Paused || st.Status == "paused":
		return target.Target{}, fmt.Errorf("%w: container %q is paused: its processes are frozen, a session would hang (run 'podman unpause %s' first)", target.ErrNotRunning, name, name)
	case st.Restarting:
		return target.Target{}, fmt.Errorf("%w: container %q is restarting (last exit code %d): wait until it runs, or look at 'podman logs %s'", target.ErrNotRunning, name, st.ExitCode, name)
	case !st.Running || st.Pid <= 0:
		return target.Target{}, fmt.Errorf("%w: container %q is %s (exit code %d): start it first ('podman start %s'); a stopped container has no processes to enter", target.ErrNotRunning, name, st.Status, st.ExitCode, name)
	}
	ps, err := target.ReadProcStat(r.ProcRoot, st.Pid)
	if err != nil {
		return target.Target{}, fmt.Errorf("container %q: podman (%s) reports PID %d but %w (is ddebug running in another PID namespace than podman?)", name, a.socket, st.Pid, err)
	}
	return target.Target{PID: st.Pid, StartTime: ps.StartTime, Name: name, ID: in.ID, Runtime: target.SchemePodman, Image: in.ImageName}, nil
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
	apis, err := r.connect(ctx)
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
			out = append(out, target.Target{PID: c.Pid, StartTime: ps.StartTime, Name: c.Names[0], ID: c.ID, Runtime: target.SchemePodman, Image: c.Image})
		}
	}
	return out, nil
}
