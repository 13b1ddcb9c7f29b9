package tools

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// Reason is the GNU-style text of err for messages such as
// "cannot access 'x': No such file or directory": the errno text, capitalised, without the
// operation and path that the caller already prints.
func Reason(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return capitalise(errno.Error())
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return capitalise(pe.Err.Error())
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return capitalise(le.Err.Error())
	}
	return err.Error()
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
