package procfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// FS is a proc file system mounted at Root.
type FS struct {
	Root string
}

// Default is the proc file system at /proc.
var Default = FS{Root: "/proc"}

func (fs FS) path(elem ...string) string {
	return filepath.Join(append([]string{fs.Root}, elem...)...)
}

func (fs FS) pidPath(pid int, name string) string {
	return filepath.Join(fs.Root, strconv.Itoa(pid), name)
}

// readFile reads a proc file; its error, the os package's, names the file and what failed
// (open, read).
func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// PIDs lists the processes of fs in ascending order.
func (fs FS) PIDs() ([]int, error) {
	d, err := os.Open(fs.Root)
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("listing processes in %s: %w", fs.Root, err)
	}
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if n == "" || n[0] < '0' || n[0] > '9' {
			continue
		}
		if pid, err := strconv.Atoi(n); err == nil {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// malformed is the error of a proc file whose text is not the kernel's format.
func malformed(path, what string) error {
	return fmt.Errorf("parsing %s: malformed %s", path, what)
}

// parseError wraps the error of a number in a proc file.
func parseError(path string, err error) error {
	return fmt.Errorf("parsing %s: %w", path, err)
}

// cutLine returns the first line of s and the rest after its newline.
func cutLine(s string) (line, rest string) {
	line, rest, _ = strings.Cut(s, "\n")
	return line, rest
}
