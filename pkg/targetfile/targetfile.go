package targetfile

import (
	"errors"
	"fmt"
)

// DefaultLimit is the size limit of ReadFile when none is given, generous for the files
// ddebug reads (/etc/passwd, /etc/group).
const DefaultLimit = 1 << 20

// Why a file was refused, for errors.Is on a *RefusedError.
var (
	// ErrNotRegular: the file is a FIFO, socket, device, directory or symbolic link.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file is larger than the limit.
	ErrTooLarge = errors.New("larger than the limit")
	// ErrEscapesRoot: the path leads out of the root: onto another mount, through a magic
	// link (/proc/<pid>/root, /proc/self/fd/N) or, without openat2, through any link.
	ErrEscapesRoot = errors.New("leads out of the root")
)

// RefusedError says why a file of the target was not read.
type RefusedError struct {
	Name   string // the path as the target names it, "/etc/passwd"
	Reason error  // ErrNotRegular, ErrTooLarge or ErrEscapesRoot
	Detail string // "is a FIFO", "crosses a mount point", ...
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s %s, not read", e.Name, e.Detail)
}

func (e *RefusedError) Unwrap() error { return e.Reason }

// kindOf names a file type for a message ("a FIFO"), from the S_IFMT bits of a mode.
func kindOf(ifmt uint32) string {
	switch ifmt {
	case 0o010000:
		return "a FIFO"
	case 0o140000:
		return "a socket"
	case 0o020000:
		return "a character device"
	case 0o060000:
		return "a block device"
	case 0o040000:
		return "a directory"
	case 0o120000:
		return "a symbolic link"
	}
	return fmt.Sprintf("of type %#o", ifmt)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
