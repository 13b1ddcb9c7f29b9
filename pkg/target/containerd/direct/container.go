package direct

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// Scheme is the scheme of containerd's references, containerd://[NAMESPACE/]ID.
const Scheme = "containerd"

// Labels that give a container a name or mark a pod sandbox.
const (
	LabelNerdctlName = "nerdctl/name"
	LabelCRIKind     = "io.cri-containerd.kind"
)

// Container is a containerd container as a resolver sees it, with its task.
type Container struct {
	Namespace, ID, Image string
	Labels               map[string]string
	Task                 *Task // nil: created, never started
}

// Task is what a resolver reads of a container's task (containerd.v1.types.Process).
type Task struct {
	PID        uint32
	Status     Status
	ExitStatus uint32
}

// Status is a task's status, containerd.v1.types.Status.
type Status int32

// The values of containerd.v1.types.Status (api/types/task/task.proto).
const (
	StatusUnknown Status = iota
	StatusCreated
	StatusRunning
	StatusStopped
	StatusPaused
	StatusPausing
)

var statusNames = [...]string{"UNKNOWN", "CREATED", "RUNNING", "STOPPED", "PAUSED", "PAUSING"}

// String is the status's name in the .proto file, as containerd's Go types print it.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return strconv.Itoa(int(s))
}

// Name is what the user knows c by: its nerdctl name, else its ID.
func (c Container) Name() string {
	if n := c.Labels[LabelNerdctlName]; n != "" {
		return n
	}
	return c.ID
}

// Reference is the containerd:// reference of c: its namespace and its name, a 64-hex ID
// shortened to 12 characters as docker ps does.
func (c Container) Reference() string {
	n := c.Name()
	if len(n) == 64 && isHex(n) {
		n = n[:12]
	}
	return Scheme + "://" + c.Namespace + "/" + n
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// Running turns c into a Target, its PIDs read in procRoot ("" = /proc), or says why its
// task cannot be entered.
func Running(procRoot string, c Container) (target.Target, error) {
	ref := c.Reference()
	ctr := fmt.Sprintf("ctr -n %s", c.Namespace)
	if c.Task == nil {
		return target.Target{}, fmt.Errorf("%w: containerd container %s has no task (created, never started): start it first ('%s task start %s')", target.ErrNotRunning, ref, ctr, c.ID)
	}
	switch c.Task.Status {
	case StatusRunning:
	case StatusPaused, StatusPausing:
		return target.Target{}, fmt.Errorf("%w: containerd container %s is paused: its processes are frozen, a session would hang (run '%s task resume %s' first)", target.ErrNotRunning, ref, ctr, c.ID)
	case StatusStopped:
		return target.Target{}, fmt.Errorf("%w: containerd container %s is stopped (exit code %d): start it first; a stopped task has no processes to enter", target.ErrNotRunning, ref, c.Task.ExitStatus)
	default:
		return target.Target{}, fmt.Errorf("%w: containerd container %s is %s", target.ErrNotRunning, ref, strings.ToLower(c.Task.Status.String()))
	}
	pid := int(c.Task.PID)
	ps, err := target.ReadProcStat(procRoot, pid)
	if err != nil {
		return target.Target{}, fmt.Errorf("containerd container %s: containerd reports PID %d but %w (is ddebug running in another PID namespace than containerd?)", ref, pid, err)
	}
	if err := target.CheckFrozen(procRoot, pid, "containerd container "+ref, ctr+" task resume "+c.ID); err != nil {
		return target.Target{}, err
	}
	return target.Target{PID: pid, StartTime: ps.StartTime, Name: c.Name(), ID: c.ID, Runtime: Scheme, Image: c.Image, Canonical: ref}, nil
}
