//go:build !linux

package targetfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
)

// ReadFile reads name under root, at most limit bytes (DefaultLimit when limit <= 0).
// Off Linux there is no openat2: a link in the path is followed as the OS does (the
// containers ddebug enters live on Linux); the last component must still be a regular
// file within the limit, opened without blocking and without following a link.
func ReadFile(root, name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	shown := path.Clean("/" + name)
	p := filepath.Join(root, filepath.FromSlash(shown))
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &RefusedError{Name: shown, Reason: ErrNotRegular, Detail: "is " + kindOf(modeBits(fi.Mode()))}
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &RefusedError{Name: shown, Reason: ErrNotRegular, Detail: "is " + kindOf(modeBits(fi.Mode()))}
	}
	if fi.Size() > limit {
		return nil, &RefusedError{Name: shown, Reason: ErrTooLarge, Detail: fmt.Sprintf("is %s, more than the %s limit", sizeText(fi.Size()), sizeText(limit))}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", shown, err)
	}
	if int64(len(b)) > limit {
		return nil, &RefusedError{Name: shown, Reason: ErrTooLarge, Detail: fmt.Sprintf("is more than the %s limit", sizeText(limit))}
	}
	return b, nil
}

func modeBits(m fs.FileMode) uint32 {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return 0o010000
	case m&fs.ModeSocket != 0:
		return 0o140000
	case m&fs.ModeCharDevice != 0:
		return 0o020000
	case m&fs.ModeDevice != 0:
		return 0o060000
	case m.IsDir():
		return 0o040000
	case m&fs.ModeSymlink != 0:
		return 0o120000
	}
	return 0
}
