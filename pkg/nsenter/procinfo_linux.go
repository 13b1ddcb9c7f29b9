package nsenter

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/targetfile"
)

// procStatus is what the session needs of /proc/<pid>/status.
type procStatus struct {
	UID, GID   uint32
	Groups     []uint32
	CapInh     uint64
	CapPrm     uint64
	CapEff     uint64
	CapBnd     uint64
	CapAmb     uint64
	NoNewPrivs bool
}

func readProcStatus(pid int) (procStatus, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procStatus{}, err
	}
	return parseProcStatus(b)
}

func parseProcStatus(b []byte) (procStatus, error) {
	var st procStatus
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "Uid", "Gid":
			f := strings.Fields(val)
			if len(f) < 2 {
				return st, fmt.Errorf("parsing %s line %q", key, val)
			}
			// The effective id is the one that decides access.
			var id uint64
			id, err = strconv.ParseUint(f[1], 10, 32)
			if key == "Uid" {
				st.UID = uint32(id)
			} else {
				st.GID = uint32(id)
			}
		case "Groups":
			for _, g := range strings.Fields(val) {
				var id uint64
				if id, err = strconv.ParseUint(g, 10, 32); err != nil {
					break
				}
				st.Groups = append(st.Groups, uint32(id))
			}
		case "CapInh":
			st.CapInh, err = strconv.ParseUint(val, 16, 64)
		case "CapPrm":
			st.CapPrm, err = strconv.ParseUint(val, 16, 64)
		case "CapEff":
			st.CapEff, err = strconv.ParseUint(val, 16, 64)
		case "CapBnd":
			st.CapBnd, err = strconv.ParseUint(val, 16, 64)
		case "CapAmb":
			st.CapAmb, err = strconv.ParseUint(val, 16, 64)
		case "NoNewPrivs":
			st.NoNewPrivs = val == "1"
		default:
			continue
		}
		if err != nil {
			return st, fmt.Errorf("parsing %s line %q: %w", key, val, err)
		}
		seen[key] = true
	}
	for _, k := range []string{"Uid", "Gid", "CapBnd"} {
		if !seen[k] {
			return st, fmt.Errorf("no %s line", k)
		}
	}
	return st, sc.Err()
}

// readEnviron returns the target's initial environment (NUL-separated /proc/<pid>/environ).
func readEnviron(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range bytes.Split(b, []byte{0}) {
		if len(kv) > 0 && bytes.IndexByte(kv, '=') > 0 {
			env = append(env, string(kv))
		}
	}
	return env, nil
}

// primaryGID looks uid up in the target's /etc/passwd, read as data through the target's
// root by targetfile (bounded: a FIFO, device, link out or huge file there is refused, not
// read). note says what was found or why nothing was, for -v.
func primaryGID(pid int, uid uint32) (gid uint32, ok bool, note string) {
	b, err := targetfile.ReadFile(fmt.Sprintf("/proc/%d/root", pid), "/etc/passwd", targetfile.DefaultLimit)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, false, fmt.Sprintf("target has no /etc/passwd; uid %d has no name", uid)
	case errors.As(err, new(*targetfile.RefusedError)):
		return 0, false, fmt.Sprintf("target %v; uid %d has no name", err, uid)
	case err != nil:
		return 0, false, fmt.Sprintf("target's /etc/passwd not read (%v); uid %d has no name", err, uid)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		if u, err := strconv.ParseUint(f[2], 10, 32); err == nil && uint32(u) == uid {
			if g, err := strconv.ParseUint(f[3], 10, 32); err == nil {
				return uint32(g), true, fmt.Sprintf("uid %d is %q in the target's /etc/passwd, primary gid %d", uid, f[0], g)
			}
		}
	}
	return 0, false, fmt.Sprintf("uid %d is not in the target's /etc/passwd", uid)
}

// nsInode returns the inode of /proc/<pid>/ns/<kind>, the identity of a namespace.
func nsInode(pid int, kind string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, kind), &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// procStartTime reads field 22 of /proc/<pid>/stat.
func procStartTime(pid int) (uint64, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// procParent reads field 4 of /proc/<pid>/stat, the parent's PID.
func procParent(pid int) (int, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(f[1])
}

// statFields returns the fields of /proc/<pid>/stat after the command (field 3 first).
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return nil, fmt.Errorf("parsing /proc/%d/stat: no command field", pid)
	}
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 20 {
		return nil, fmt.Errorf("parsing /proc/%d/stat: too few fields", pid)
	}
	return f, nil
}

// idMap is a user namespace's uid_map or gid_map as the host reads it: ranges of ids
// inside the namespace and the host ids they stand for.
type idMap []idRange

type idRange struct{ inside, outside, count uint32 }

// readIDMap reads /proc/<pid>/<file> (uid_map or gid_map).
func readIDMap(pid int, file string) (idMap, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, file))
	if err != nil {
		return nil, err
	}
	return parseIDMap(b)
}

func parseIDMap(b []byte) (idMap, error) {
	var m idMap
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("parsing id map line %q", line)
		}
		var r [3]uint32
		for i, s := range f {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("parsing id map line %q: %w", line, err)
			}
			r[i] = uint32(v)
		}
		m = append(m, idRange{inside: r[0], outside: r[1], count: r[2]})
	}
	return m, nil
}

// inside returns what host id is inside the namespace, and whether it is mapped there.
func (m idMap) inside(host uint32) (uint32, bool) {
	for _, r := range m {
		if host >= r.outside && uint64(host) < uint64(r.outside)+uint64(r.count) {
			return r.inside + (host - r.outside), true
		}
	}
	return 0, false
}

// mapped reports whether id, as the namespace sees it, stands for a host id.
func (m idMap) mapped(id uint32) bool {
	for _, r := range m {
		if id >= r.inside && uint64(id) < uint64(r.inside)+uint64(r.count) {
			return true
		}
	}
	return false
}

// String is the map as "inside:outside:count" ranges, for messages.
func (m idMap) String() string {
	var parts []string
	for _, r := range m {
		parts = append(parts, fmt.Sprintf("%d:%d:%d", r.inside, r.outside, r.count))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ",")
}
