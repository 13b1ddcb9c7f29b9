package shell

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// ttyReader is what an in-process applet reads when its stdin is the shell's terminal:
// the terminal, but a read waits in poll(2) and gives up when the command is cancelled
// (Ctrl-C), so that `cat` typed by mistake does not hold the shell until Enter. The file
// itself stays blocking: programs that the shell execs share it.
type ttyReader struct {
	ctx context.Context
	f   *os.File
}

// Fd is the terminal's descriptor, for applets that ask the terminal itself (stty, top).
func (r *ttyReader) Fd() uintptr { return r.f.Fd() }

func (r *ttyReader) Read(p []byte) (int, error) {
	fd := int(r.f.Fd())
	for {
		if err := r.ctx.Err(); err != nil {
			return 0, io.EOF
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return 0, err
		}
		if n > 0 {
			return r.f.Read(p)
		}
	}
}
