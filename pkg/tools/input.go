package tools

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// OpenOperand opens the FILE operand name for reading: "-" is standard input, any other
// name is a file relative to env.Dir. The returned func closes it (and leaves standard
// input open). A directory opens, as open(2) lets it; reading it fails with EISDIR, which
// is what the tools that report a directory only when they read it (sort, base64) need.
func OpenOperand(env *Env, name string) (io.Reader, func(), error) {
	if name == "-" {
		return env.Stdin, func() {}, nil
	}
	f, err := os.Open(env.Abs(name))
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// OpenInput is OpenOperand refusing a directory before anything is read: the error is
// EISDIR, which Reason words "Is a directory", as cat, head, wc and crc32 say.
func OpenInput(env *Env, name string) (io.Reader, func(), error) {
	r, closeIt, err := OpenOperand(env, name)
	if err != nil {
		return nil, nil, err
	}
	if f, ok := r.(*os.File); ok && name != "-" {
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			closeIt()
			return nil, nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
		}
	}
	return r, closeIt, nil
}
