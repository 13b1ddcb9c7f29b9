package tools

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is returned by OpenRegular for a file that is not a regular one.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular opens, for reading, a file an applet met while walking a tree (grep -r,
// diff -r, tar c, cp -r), which it reads only when it is a regular file: the open does not
// block (a FIFO swapped in since the walk looked would wait for a writer for ever) and a
// file that turns out not to be regular, or not to be the one the walk saw (want, when
// given), is closed again and refused with ErrNotRegular. A file named on the command
// line is opened as usual instead: GNU tools read a FIFO or device they are given.
func OpenRegular(path string, want fs.FileInfo) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	if want != nil && !os.SameFile(fi, want) {
		f.Close()
		return nil, fmt.Errorf("%s: changed while being read: %w", path, ErrNotRegular)
	}
	return f, nil
}
