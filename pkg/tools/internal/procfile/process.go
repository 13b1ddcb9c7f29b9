package procfile

import (
	"strconv"
	"strings"
)

// Stat is what the toolbox reads of /proc/<pid>/stat. Times are in clock ticks (USER_HZ),
// Starttime in ticks after boot, VSize in bytes, RSS in pages.
type Stat struct {
	PID                             int
	Comm                            string // the name between the parentheses, as it is
	State                           string // one letter: R, S, D, Z, T, t, X, I, ...
	PPID, PGRP, Session, TTY, TPGID int
	UTime, STime                    uint
	Priority, Nice, NumThreads      int
	Starttime                       uint64
	VSize                           uint
	RSS                             int
}

// ReadStat reads /proc/<pid>/stat.
func (fs FS) ReadStat(pid int) (Stat, error) {
	path := fs.pidPath(pid, "stat")
	data, err := readFile(path)
	if err != nil {
		return Stat{}, err
	}
	return parseStat(path, data)
}

// parseStat parses "pid (comm) state ppid ...". comm may hold spaces and parentheses, so
// it runs from the first '(' to the last ')'.
func parseStat(path, data string) (Stat, error) {
	open, close := strings.IndexByte(data, '('), strings.LastIndexByte(data, ')')
	if open < 0 || close < open {
		return Stat{}, malformed(path, "command name")
	}
	var st Stat
	var err error
	if st.PID, err = strconv.Atoi(strings.TrimSpace(data[:open])); err != nil {
		return Stat{}, parseError(path, err)
	}
	st.Comm = data[open+1 : close]
	// After the name, numbered from field 3 (state) of proc(5).
	f := strings.Fields(data[close+1:])
	if len(f) < 22 {
		return Stat{}, malformed(path, "field count")
	}
	st.State = f[0]
	ints := []struct {
		dst *int
		i   int
	}{{&st.PPID, 1}, {&st.PGRP, 2}, {&st.Session, 3}, {&st.TTY, 4}, {&st.TPGID, 5},
		{&st.Priority, 15}, {&st.Nice, 16}, {&st.NumThreads, 17}, {&st.RSS, 21}}
	for _, x := range ints {
		if *x.dst, err = strconv.Atoi(f[x.i]); err != nil {
			return Stat{}, parseError(path, err)
		}
	}
	var n uint64
	for _, x := range []struct {
		dst *uint
		i   int
	}{{&st.UTime, 11}, {&st.STime, 12}, {&st.VSize, 20}} {
		if n, err = strconv.ParseUint(f[x.i], 10, 64); err != nil {
			return Stat{}, parseError(path, err)
		}
		*x.dst = uint(n)
	}
	if st.Starttime, err = strconv.ParseUint(f[19], 10, 64); err != nil {
		return Stat{}, parseError(path, err)
	}
	return st, nil
}

// Status is what the toolbox reads of /proc/<pid>/status.
type Status struct {
	Name string
	// UIDs and GIDs are real, effective, saved set and file system ids.
	UIDs, GIDs                             [4]uint64
	CapInh, CapPrm, CapEff, CapBnd, CapAmb uint64
	// NoNewPrivs and Seccomp are the values as the kernel prints them, "" when the kernel
	// has no such line.
	NoNewPrivs, Seccomp string
}

// ReadStatus reads /proc/<pid>/status.
func (fs FS) ReadStatus(pid int) (Status, error) {
	path := fs.pidPath(pid, "status")
	data, err := readFile(path)
	if err != nil {
		return Status{}, err
	}
	return parseStatus(path, data)
}

// parseStatus parses the "Key:\tvalue" lines of a status file; it ignores keys it does not
// know, since kernels keep adding them.
func parseStatus(path, data string) (Status, error) {
	var st Status
	for data != "" {
		var line string
		line, data = cutLine(data)
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		var err error
		switch key {
		case "Name":
			st.Name = value
		case "Uid":
			err = parseIDs(&st.UIDs, value)
		case "Gid":
			err = parseIDs(&st.GIDs, value)
		case "CapInh":
			st.CapInh, err = strconv.ParseUint(value, 16, 64)
		case "CapPrm":
			st.CapPrm, err = strconv.ParseUint(value, 16, 64)
		case "CapEff":
			st.CapEff, err = strconv.ParseUint(value, 16, 64)
		case "CapBnd":
			st.CapBnd, err = strconv.ParseUint(value, 16, 64)
		case "CapAmb":
			st.CapAmb, err = strconv.ParseUint(value, 16, 64)
		case "NoNewPrivs":
			st.NoNewPrivs = value
		case "Seccomp":
			st.Seccomp = value
		}
		if err != nil {
			return Status{}, parseError(path, err)
		}
	}
	return st, nil
}

func parseIDs(dst *[4]uint64, value string) error {
	f := strings.Fields(value)
	for i := 0; i < len(dst) && i < len(f); i++ {
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			return err
		}
		dst[i] = n
	}
	return nil
}

// ReadStatmShared reads the shared pages (file-backed resident pages) of
// /proc/<pid>/statm, its third field.
func (fs FS) ReadStatmShared(pid int) (uint64, error) {
	path := fs.pidPath(pid, "statm")
	data, err := readFile(path)
	if err != nil {
		return 0, err
	}
	f := strings.Fields(data)
	if len(f) < 3 {
		return 0, malformed(path, "field count")
	}
	n, err := strconv.ParseUint(f[2], 10, 64)
	if err != nil {
		return 0, parseError(path, err)
	}
	return n, nil
}

// ReadComm reads /proc/<pid>/comm without its newline.
func (fs FS) ReadComm(pid int) (string, error) {
	data, err := readFile(fs.pidPath(pid, "comm"))
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(data, "\n"), nil
}

// ReadCmdline reads the arguments of /proc/<pid>/cmdline: none for a kernel thread or a
// zombie. A process that rewrote its arguments into one string gets that one string.
func (fs FS) ReadCmdline(pid int) ([]string, error) {
	data, err := readFile(fs.pidPath(pid, "cmdline"))
	if err != nil {
		return nil, err
	}
	data = strings.TrimRight(data, "\x00")
	if data == "" {
		return nil, nil
	}
	return strings.Split(data, "\x00"), nil
}

// Cgroup is one line of /proc/<pid>/cgroup: "hierarchy-ID:controllers:path".
type Cgroup struct {
	HierarchyID int // 0 for the v2 unified hierarchy
	Controllers []string
	Path        string
}

// ReadCgroups reads /proc/<pid>/cgroup.
func (fs FS) ReadCgroups(pid int) ([]Cgroup, error) {
	path := fs.pidPath(pid, "cgroup")
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parseCgroups(path, data)
}

func parseCgroups(path, data string) ([]Cgroup, error) {
	var out []Cgroup
	for data != "" {
		var line string
		line, data = cutLine(data)
		if line == "" {
			continue
		}
		// The path is last and may itself hold ':'.
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			return nil, malformed(path, "line "+strconv.Quote(line))
		}
		id, err := strconv.Atoi(f[0])
		if err != nil {
			return nil, parseError(path, err)
		}
		cg := Cgroup{HierarchyID: id, Path: f[2]}
		if f[1] != "" {
			cg.Controllers = strings.Split(f[1], ",")
		}
		out = append(out, cg)
	}
	return out, nil
}
