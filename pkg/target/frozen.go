package target

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Freezer reads the cgroup freezer state of host processes, which the runtimes do not
// always report: the CRI has no paused state, and 'ctr task pause' in k8s.io freezes a
// container behind the kubelet. A session entered into a frozen process would hang.
type Freezer struct {
	// ProcRoot is the procfs to read ("" = /proc), SysRoot the sysfs ("" = /sys).
	ProcRoot, SysRoot string
}

// FreezeState is what Freezer.State found.
type FreezeState struct {
	// Frozen says the process is frozen or being frozen.
	Frozen bool
	// Thaw is the command that thaws it: the write to the file of the cgroup that was
	// frozen ("echo 0 > /sys/fs/cgroup/.../cgroup.freeze"); "" when not frozen.
	Thaw string
}

// State reads the freezer state of process pid: cgroup v1's freezer.state (FROZEN or
// FREEZING), cgroup v2's cgroup.events ("frozen 1") or a cgroup.freeze of 1 in its cgroup
// or an ancestor, both on a hybrid host. The paths of /proc/PID/cgroup are relative to
// the cgroup namespace of the reader, and /sys/fs/cgroup shows the host's hierarchy only
// when the reader is in the host's: when it is in a namespace of its own, State says it
// cannot tell. A process without a freezer is not frozen.
func (f Freezer) State(pid int) (FreezeState, error) {
	proc, sys := f.ProcRoot, f.SysRoot
	if proc == "" {
		proc = "/proc"
	}
	if sys == "" {
		sys = "/sys"
	}
	self, serr := os.Readlink(filepath.Join(proc, "self", "ns", "cgroup"))
	host, herr := os.Readlink(filepath.Join(proc, "1", "ns", "cgroup"))
	if serr == nil && herr == nil && self != host {
		return FreezeState{}, errors.New("reading the freezer state: ddebug runs in a cgroup namespace of its own, so its cgroup paths are not the host's")
	}
	b, err := os.ReadFile(filepath.Join(proc, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return FreezeState{}, fmt.Errorf("reading the cgroups of process %d: %w", pid, err)
	}
	v1, v2, err := parseCgroups(string(b))
	if err != nil {
		return FreezeState{}, fmt.Errorf("reading the cgroups of process %d: %w", pid, err)
	}
	cgroupfs := filepath.Join(sys, "fs", "cgroup")
	if v1 != "" {
		st, err := v1Frozen(filepath.Join(cgroupfs, "freezer"), v1)
		if err != nil || st.Frozen {
			return st, err
		}
	}
	if v2 != "" {
		unified := cgroupfs
		if _, err := os.Stat(filepath.Join(cgroupfs, "cgroup.controllers")); err != nil {
			unified = filepath.Join(cgroupfs, "unified") // a hybrid host's v2 hierarchy
		}
		return v2Frozen(unified, v2)
	}
	return FreezeState{}, nil
}

// parseCgroups returns the cgroup of the v1 freezer and the v2 cgroup of a
// /proc/PID/cgroup file ("" when it has none), each an absolute, clean path.
func parseCgroups(s string) (v1, v2 string, err error) {
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		var p *string
		switch {
		case f[0] == "0" && f[1] == "":
			p = &v2
		case f[1] == "freezer":
			p = &v1
		default:
			continue
		}
		cg := f[2]
		if !strings.HasPrefix(cg, "/") || path.Clean(cg) != cg {
			// "/../x": a cgroup outside the reader's cgroup namespace.
			return "", "", fmt.Errorf("cgroup path %q is not under the root of ddebug's cgroup namespace", cg)
		}
		*p = cg
	}
	return v1, v2, nil
}

// v1Frozen reads freezer.state of cgroup cg under the freezer hierarchy root. Thawing
// writes to the cgroup that froze itself (freezer.self_freezing), the process's or an
// ancestor's.
func v1Frozen(root, cg string) (FreezeState, error) {
	b, err := os.ReadFile(filepath.Join(root, cg, "freezer.state"))
	if errors.Is(err, fs.ErrNotExist) {
		return FreezeState{}, nil
	}
	if err != nil {
		return FreezeState{}, fmt.Errorf("reading the freezer state: %w", err)
	}
	if st := strings.TrimSpace(string(b)); st != "FROZEN" && st != "FREEZING" {
		return FreezeState{}, nil
	}
	thaw := filepath.Join(root, cg, "freezer.state")
	for c := cg; ; c = path.Dir(c) {
		if self, err := os.ReadFile(filepath.Join(root, c, "freezer.self_freezing")); err == nil && strings.TrimSpace(string(self)) == "1" {
			thaw = filepath.Join(root, c, "freezer.state")
			break
		}
		if c == "/" {
			break
		}
	}
	return FreezeState{Frozen: true, Thaw: "echo THAWED > " + thaw}, nil
}

// v2Frozen reads cgroup.events and the cgroup.freeze files of cgroup cg and its
// ancestors under the unified hierarchy root: a cgroup is frozen when one of them is
// asked to be, and reports "frozen 1" once it is.
func v2Frozen(root, cg string) (FreezeState, error) {
	frozen := false
	if b, err := os.ReadFile(filepath.Join(root, cg, "cgroup.events")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(line) == "frozen 1" {
				frozen = true
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return FreezeState{}, fmt.Errorf("reading the freezer state: %w", err)
	}
	for c := cg; c != "/"; c = path.Dir(c) {
		file := filepath.Join(root, c, "cgroup.freeze")
		if b, err := os.ReadFile(file); err == nil && strings.TrimSpace(string(b)) == "1" {
			return FreezeState{Frozen: true, Thaw: "echo 0 > " + file}, nil
		}
	}
	if frozen {
		return FreezeState{Frozen: true, Thaw: "echo 0 > " + filepath.Join(root, cg, "cgroup.freeze")}, nil
	}
	return FreezeState{}, nil
}

// CheckFrozen returns an error wrapping ErrNotRunning when the cgroup freezer holds
// process pid of what ("CRI container k8s://ns/web/app"), which its runtime reported
// running: resume is the command that resumes it ("" = the write that thaws its cgroup).
// It returns nil when the state cannot be read: the check only spares a hung session.
func CheckFrozen(procRoot string, pid int, what, resume string) error {
	return Freezer{ProcRoot: procRoot}.check(pid, what, resume)
}

func (f Freezer) check(pid int, what, resume string) error {
	st, err := f.State(pid)
	if err != nil || !st.Frozen {
		return nil
	}
	if resume == "" {
		resume = st.Thaw
	}
	return fmt.Errorf("%w: %s is paused: its cgroup is frozen, a session would hang (run '%s' first)", ErrNotRunning, what, resume)
}
