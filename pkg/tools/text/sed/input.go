package sed

import (
	"bufio"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// sedInput yields lines across files, knowing whether the current one is the last.
type sedInput struct {
	env      *tools.Env
	files    []string
	fi       int
	r        *bufio.Reader
	closer   func()
	next     []byte
	hasNext  bool
	noNL     bool // the line just read had no trailing newline
	nextNoNL bool
	errs     int
	name     string
}

func (in *sedInput) open() bool {
	for in.fi < len(in.files) {
		f := in.files[in.fi]
		in.fi++
		if f == "-" {
			in.r, in.closer, in.name = bufio.NewReaderSize(in.env.Stdin, 64<<10), func() {}, "-"
			return true
		}
		fh, err := os.Open(in.env.Abs(f))
		if err != nil {
			in.env.Errorf("sed", "can't read %s: %s", f, tools.Reason(err))
			in.errs++
			continue
		}
		in.r, in.closer, in.name = bufio.NewReaderSize(fh, 64<<10), func() { fh.Close() }, f
		return true
	}
	return false
}

func (in *sedInput) readRaw() ([]byte, bool, bool) {
	for {
		if in.r == nil && !in.open() {
			return nil, false, false
		}
		l, err := in.r.ReadBytes('\n')
		if len(l) > 0 {
			noNL := l[len(l)-1] != '\n'
			if !noNL {
				l = l[:len(l)-1]
			}
			return l, noNL, true
		}
		if err != nil {
			in.closer()
			in.r = nil
		}
	}
}

func (in *sedInput) read() ([]byte, bool) {
	if !in.hasNext {
		l, noNL, ok := in.readRaw()
		if !ok {
			return nil, false
		}
		in.next, in.nextNoNL, in.hasNext = l, noNL, true
	}
	cur, curNoNL := in.next, in.nextNoNL
	in.next, in.nextNoNL, in.hasNext = in.readRaw()
	in.noNL = curNoNL
	return cur, true
}

func (in *sedInput) last() bool { return !in.hasNext }
