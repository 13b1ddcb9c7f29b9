package docker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// Resolver resolves references through a Docker Engine.
type Resolver struct {
	// Host is the daemon's address as DOCKER_HOST says it (unix:///var/run/docker.sock);
	// "" means $DOCKER_HOST, else DefaultHost.
	Host string
	// ProcRoot is the procfs holding the container PIDs ("" = /proc).
	ProcRoot string
}

// Scheme is the scheme of Docker's references, docker://NAME|ID.
const Scheme = "docker"

// Scheme is docker.
func (Resolver) Scheme() string { return Scheme }

// Syntax is docker://NAME|ID.
func (Resolver) Syntax() string { return "docker://NAME|ID" }

// Parse checks name is a container name or ID; a leading slash, as Docker shows names, is
// dropped.
func (Resolver) Parse(name string) (target.Reference, error) {
	n := strings.TrimPrefix(name, "/")
	if n == "" || strings.ContainsAny(n, " \t\n/") {
		return target.Reference{}, target.BadName(Scheme, name, "want docker://NAME or docker://ID")
	}
	return target.Reference{Scheme: Scheme, Name: n}, nil
}

// Resolve finds the running container ref names: an exact name, a full ID or a unique ID prefix.
func (r Resolver) Resolve(ctx context.Context, ref target.Reference) (target.Target, error) {
	e, err := newEngine(r.Host)
	if err != nil {
		return target.Target{}, fmt.Errorf("%w: docker: %v", target.ErrUnavailable, err)
	}
	c, err := e.inspect(ctx, ref.Name)
	if err != nil {
		return target.Target{}, r.explain(ctx, e, ref, err)
	}
	name := strings.TrimPrefix(c.Name, "/")
	// Docker looks a reference up as a full ID, then a name, then an ID prefix.
	exact := ref.Name == name || ref.Name == c.ID
	t, err := r.target(c, name)
	return target.Found(t, err, exact)
}

// target turns an inspected container into a Target, or says why it cannot be entered.
func (r Resolver) target(c inspectResponse, name string) (target.Target, error) {
	if c.State == nil {
		return target.Target{}, fmt.Errorf("docker: container %s has no state in its inspect answer", name)
	}
	st := c.State
	switch {
	case st.Paused:
		return target.Target{}, fmt.Errorf("%w: container %q is paused: its processes are frozen, a session would hang (run 'docker unpause %s' first)", target.ErrNotRunning, name, name)
	case st.Restarting:
		return target.Target{}, fmt.Errorf("%w: container %q is restarting (last exit code %d): wait until it runs, or look at 'docker logs %s'", target.ErrNotRunning, name, st.ExitCode, name)
	case !st.Running || st.Pid <= 0:
		return target.Target{}, fmt.Errorf("%w: container %q is %s (exit code %d): start it first ('docker start %s'); a stopped container has no processes to enter", target.ErrNotRunning, name, st.Status, st.ExitCode, name)
	}
	ps, err := target.ReadProcStat(r.ProcRoot, st.Pid)
	if err != nil {
		return target.Target{}, fmt.Errorf("container %q: docker reports PID %d but %w (is ddebug running in another PID namespace than dockerd?)", name, st.Pid, err)
	}
	// Frozen behind Docker's back (runc or ctr in containerd's moby namespace), Docker
	// still says running.
	if err := target.CheckFrozen(r.ProcRoot, st.Pid, fmt.Sprintf("container %q", name), "ctr -n moby task resume "+c.ID); err != nil {
		return target.Target{}, err
	}
	image := ""
	if c.Config != nil {
		image = c.Config.Image
	}
	return target.Target{PID: st.Pid, StartTime: ps.StartTime, Name: name, ID: c.ID, Runtime: Scheme, Image: image}, nil
}

// explain turns an inspect error into one the user can act on.
func (r Resolver) explain(ctx context.Context, e *engine, ref target.Reference, err error) error {
	host := e.host
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.EACCES) || strings.Contains(err.Error(), "permission denied"):
		return fmt.Errorf("%w: permission denied on the Docker socket %s: run ddebug as root (sudo)", target.ErrUnavailable, socketPath(host))
	case errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "no such file or directory"):
		return markAbsent(fmt.Errorf("%w: Docker socket %s does not exist: is dockerd running? (DOCKER_HOST selects another daemon; pid://PID needs no runtime)", target.ErrUnavailable, socketPath(host)))
	case errors.As(err, &op) && op.Op == "dial" || errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: cannot connect to the Docker daemon at %s: is dockerd running?", target.ErrUnavailable, host)
	case isNotFound(err):
		hint := "'docker ps' lists the running ones"
		if s := r.suggest(ctx, e, ref.Name); len(s) > 0 {
			hint = "did you mean " + strings.Join(s, ", ") + "?"
		}
		return fmt.Errorf("%w %q on docker (%s); %s", target.ErrNotFound, ref.Name, host, hint)
	case strings.Contains(strings.ToLower(err.Error()), "multiple ids found"):
		return fmt.Errorf("%w: ID prefix %q matches several containers: give more characters or the name", target.ErrAmbiguous, ref.Name)
	}
	return fmt.Errorf("docker: inspecting container %q: %w", ref.Name, err)
}

// suggest lists running containers' names close to name.
func (r Resolver) suggest(ctx context.Context, e *engine, name string) []string {
	items, err := e.list(ctx, true)
	if err != nil {
		return nil
	}
	var names []string
	for _, c := range items {
		for _, n := range c.Names {
			names = append(names, strings.TrimPrefix(n, "/"))
		}
	}
	return target.Suggest(name, names)
}

// markAbsent marks err, a missing socket, with target.AbsentMark when that means Docker is
// not used on this host: DOCKER_HOST is unset and no dockerd is installed. A daemon that
// is installed but stopped, or a socket the user chose, stays reported, even by a
// bare-name lookup or 'ddebug ps' (as Podman's resolver does).
func markAbsent(err error) error {
	if os.Getenv("DOCKER_HOST") != "" {
		return err
	}
	if _, lerr := exec.LookPath("dockerd"); lerr == nil {
		return err
	}
	return fmt.Errorf("%w%w", err, target.AbsentMark)
}

// socketPath turns unix:///var/run/docker.sock into /var/run/docker.sock.
func socketPath(host string) string { return strings.TrimPrefix(host, "unix://") }
