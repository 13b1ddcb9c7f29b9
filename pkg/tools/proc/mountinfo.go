package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// mountEntry is one line of /proc/<pid>/mountinfo. It is parsed here rather than with
// procfs.GetMounts because procfs keeps the options in maps, and mount/findmnt must print
// them in the kernel's order.
type mountEntry struct {
	id, parent         int
	root, target       string
	vfsOpts, superOpts string
	fstype, source     string
}

// options merges the per-mount and superblock options as util-linux prints them.
func (m mountEntry) options() string {
	opts := strings.Split(m.vfsOpts, ",")
	for _, o := range strings.Split(m.superOpts, ",") {
		if o != "" && o != "rw" && o != "ro" {
			opts = append(opts, o)
		}
	}
	return strings.Join(opts, ",")
}

// unescapeMount undoes the kernel's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func parseMountinfo(data string) ([]mountEntry, error) {
	var out []mountEntry
	for _, line := range strings.Split(data, "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if len(f) < 10 || sep < 0 || sep+3 >= len(f)+1 || sep+2 >= len(f) {
			return nil, fmt.Errorf("malformed mountinfo line %q", line)
		}
		id, err1 := strconv.Atoi(f[0])
		parent, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("malformed mountinfo ids in %q", line)
		}
		m := mountEntry{id: id, parent: parent, root: unescapeMount(f[3]), target: unescapeMount(f[4]),
			vfsOpts: f[5], fstype: f[sep+1], source: unescapeMount(f[sep+2])}
		if sep+3 < len(f) {
			m.superOpts = f[sep+3]
		}
		out = append(out, m)
	}
	return out, nil
}

// MountPoint is what other tools need of a mount: where it is, what it mounts, its type,
// and Root, the directory of the file system mounted there ("/" unless a bind mount).
type MountPoint struct{ Source, Target, FSType, Root string }

// MountPoints reads /proc/<pid>/mountinfo ("self" for this process), unescaped.
func MountPoints(pid string) ([]MountPoint, error) {
	es, err := readMountinfo(pid)
	if err != nil {
		return nil, err
	}
	out := make([]MountPoint, len(es))
	for i, e := range es {
		out[i] = MountPoint{Source: e.source, Target: e.target, FSType: e.fstype, Root: e.root}
	}
	return out, nil
}

func readMountinfo(pid string) ([]mountEntry, error) {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "mountinfo"))
	if err != nil {
		return nil, fmt.Errorf("reading mounts: %w", err)
	}
	return parseMountinfo(string(b))
}
