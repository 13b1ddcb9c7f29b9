package tools

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// TerminalReader reads File, a terminal the applet shares with the shell and the programs
// it execs (so the file stays blocking), waiting in poll(2): once Ctx is cancelled
// (Ctrl-C), a read returns io.EOF at once, so that `cat` typed by mistake, or a pager at
// its prompt, does not hold the shell until the next Enter.
type TerminalReader struct {
	Ctx  context.Context
	File *os.File
}

// Fd is the terminal's descriptor, for applets that ask the terminal itself (stty).
func (r *TerminalReader) Fd() uintptr { return r.File.Fd() }

func (r *TerminalReader) Read(p []byte) (int, error) {
	fd := int(r.File.Fd())
	for {
		if r.Ctx.Err() != nil {
			return 0, io.EOF
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return 0, err
		}
		if n > 0 {
			return r.File.Read(p)
		}
	}
}
