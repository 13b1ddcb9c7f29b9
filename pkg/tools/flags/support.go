package flags

import (
	"context"
	"errors"
	"io"
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

// CopyContext copies src to dst with a 64 KiB buffer, stopping between reads when ctx is
// done (cat of a pipe, tail -f).
func CopyContext(ctx context.Context, dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, 64<<10)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		r, err := src.Read(buf)
		if r > 0 {
			w, werr := dst.Write(buf[:r])
			n += int64(w)
			if werr != nil {
				return n, werr
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
