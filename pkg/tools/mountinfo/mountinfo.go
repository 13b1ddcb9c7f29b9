package mountinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Entry is one line of /proc/<pid>/mountinfo.
type Entry struct {
	ID, Parent int
	// Root is the directory of the file system mounted at Target ("/" unless a bind mount).
	Root, Target string
	// VFSOptions are the per-mount options, SuperOptions those of the superblock.
	VFSOptions, SuperOptions string
	FSType, Source           string
}

// Options merges the per-mount and superblock options as util-linux prints them.
func (m Entry) Options() string {
	opts := strings.Split(m.VFSOptions, ",")
	for _, o := range strings.Split(m.SuperOptions, ",") {
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

// Parse parses the text of a mountinfo file.
func Parse(data string) ([]Entry, error) {
	var out []Entry
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
		m := Entry{ID: id, Parent: parent, Root: unescapeMount(f[3]), Target: unescapeMount(f[4]),
			VFSOptions: f[5], FSType: f[sep+1], Source: unescapeMount(f[sep+2])}
		if sep+3 < len(f) {
			m.SuperOptions = f[sep+3]
		}
		out = append(out, m)
	}
	return out, nil
}

// Read reads /proc/<pid>/mountinfo ("self" for this process).
func Read(pid string) ([]Entry, error) {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "mountinfo"))
	if err != nil {
		return nil, fmt.Errorf("reading mounts: %w", err)
	}
	return Parse(string(b))
}
