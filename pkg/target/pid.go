package target

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// PIDResolver resolves pid://N to a host process, with no container runtime involved.
type PIDResolver struct {
	// ProcRoot is the procfs to read; "" means /proc. SysRoot is the sysfs the cgroup
	// freezer is read in; "" means /sys.
	ProcRoot, SysRoot string
}

// Scheme is pid.
func (PIDResolver) Scheme() string { return SchemePID }

// Syntax is pid://PID.
func (PIDResolver) Syntax() string { return "pid://PID" }

// Parse checks name is a positive process ID.
func (PIDResolver) Parse(name string) (Reference, error) {
	if n, err := strconv.Atoi(name); err != nil || n <= 0 {
		return Reference{}, BadName(SchemePID, name, "want pid://N with N a positive process ID")
	}
	return Reference{Scheme: SchemePID, Name: name}, nil
}

// Resolve checks the process exists and is neither a zombie nor frozen, and records its
// start time.
func (p PIDResolver) Resolve(_ context.Context, ref Reference) (Target, error) {
	pid, err := strconv.Atoi(ref.Name)
	if err != nil || pid <= 0 {
		return Target{}, fmt.Errorf("%w %q: want pid://N", ErrBadReference, ref.String())
	}
	st, err := ReadProcStat(p.ProcRoot, pid)
	if err != nil {
		return Target{}, err
	}
	if st.State == "Z" || st.State == "X" {
		return Target{}, fmt.Errorf("%w: process %d is a zombie (it exited; its parent has not reaped it)", ErrNotRunning, pid)
	}
	if err := (Freezer{ProcRoot: p.ProcRoot, SysRoot: p.SysRoot}).check(pid, fmt.Sprintf("process %d", pid), ""); err != nil {
		return Target{}, err
	}
	// The name is the PID alone: the command name is chosen by the process and may hold
	// terminal escape sequences, and the name ends up in prompts and banners.
	return Target{PID: pid, StartTime: st.StartTime, Name: fmt.Sprintf("pid/%d", pid), Runtime: SchemePID}, nil
}

// ProcStat is what the session needs of /proc/<pid>/stat.
type ProcStat struct {
	Comm      string
	State     string
	StartTime uint64
}

// ReadProcStat reads /proc/<pid>/stat under procRoot ("" = /proc). A missing process gives
// an error wrapping ErrNotFound.
func ReadProcStat(procRoot string, pid int) (ProcStat, error) {
	if procRoot == "" {
		procRoot = "/proc"
	}
	b, err := os.ReadFile(fmt.Sprintf("%s/%d/stat", procRoot, pid))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return ProcStat{}, fmt.Errorf("%w: no process with PID %d", ErrNotFound, pid)
		}
		return ProcStat{}, fmt.Errorf("reading process %d: %w", pid, err)
	}
	return parseStat(string(b))
}

// parseStat parses a stat line; comm may hold spaces and parentheses, so the fields are
// found after the last ')'.
func parseStat(s string) (ProcStat, error) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return ProcStat{}, fmt.Errorf("parsing /proc stat %q: no command field", s)
	}
	fields := strings.Fields(s[end+1:])
	// fields[0] is field 3 (state); starttime is field 22.
	if len(fields) < 20 {
		return ProcStat{}, fmt.Errorf("parsing /proc stat: %d fields, want at least 22", len(fields)+2)
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return ProcStat{}, fmt.Errorf("parsing /proc stat start time %q: %w", fields[19], err)
	}
	return ProcStat{Comm: s[open+1 : end], State: fields[0], StartTime: start}, nil
}
