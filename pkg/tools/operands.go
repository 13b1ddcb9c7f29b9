package tools

import (
	"context"
	"errors"
	"io"
)

// Operands is how an applet reads its FILE operands one after the other, as GNU's tools
// do: each operand ("-" is standard input; standard input alone when there are none) is
// opened and handed to a function; one that does not open, or that the function fails
// to read, is reported in the applet's words and the others are still read. The zero
// value of each field but Name is what most applets say (cat, wc, crc32).
type Operands struct {
	// Name is the applet, first in every message.
	Name string
	// Lazy opens a directory (OpenOperand), so that it fails when it is read, as head and
	// cut report it ("error reading 'd'"); otherwise it is refused when opened (OpenInput).
	Lazy bool
	// OpenError and ReadError word a failure to open and a failure the function returns:
	// formats of the operand and the Reason of the error, "%s: %s" when empty.
	OpenError, ReadError string
	// Status is the exit status of a failure: 1 when 0.
	Status int
	// Flush, when set, runs before a message, so that what the applet buffered for
	// standard output comes out before it.
	Flush func() error
}

// ErrStop, returned by the function Each calls, ends the reading without a message:
// an applet's own fatal error (reported by it) or a user's quit.
var ErrStop = errors.New("stop reading operands")

// opener is how o opens an operand, and the status of a failure.
func (o Operands) opener() (func(*Env, string) (io.Reader, func(), error), int) {
	open, status := OpenInput, o.Status
	if o.Lazy {
		open = OpenOperand
	}
	if status == 0 {
		status = 1
	}
	return open, status
}

// wording is the format of a message: "%s: %s" unless the applet words it.
func wording(format string) string {
	if format == "" {
		return "%s: %s"
	}
	return format
}

// Each calls fn with each operand of ops opened, and closes it after; it returns 0, or
// the failure Status when an operand failed. It stops, without a message, once ctx is
// done (the caller says what an interrupted run returns) or fn returns ErrStop.
func (o Operands) Each(ctx context.Context, env *Env, ops []string, fn func(op string, r io.Reader) error) int {
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	open, status := o.opener()
	st := 0
	report := func(format, op string, err error) {
		if o.Flush != nil {
			o.Flush()
		}
		env.Errorf(o.Name, wording(format), op, Reason(err))
		st = status
	}
	for _, op := range ops {
		if ctx.Err() != nil {
			break
		}
		r, closeIt, err := open(env, op)
		if err != nil {
			report(o.OpenError, op, err)
			continue
		}
		err = fn(op, r)
		closeIt()
		if err == ErrStop || ctx.Err() != nil {
			break
		}
		if err != nil {
			report(o.ReadError, op, err)
		}
	}
	return st
}

// Concat opens the operands as one stream, for the applets that dump their input as a
// whole (od, hexdump, xxd): one that does not open is reported, as Each reports it, and
// left out; one that fails when read is reported then, and the stream goes on with the
// next, as GNU's od. opened counts those that opened; done closes them (once: it may be
// deferred and called again) and returns 0, or the failure Status when one failed.
func (o Operands) Concat(env *Env, ops []string) (r io.Reader, opened int, done func() int) {
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	open, status := o.opener()
	st := 0
	var rs []io.Reader
	var closers []func()
	for _, op := range ops {
		r, closeIt, err := open(env, op)
		if err != nil {
			env.Errorf(o.Name, wording(o.OpenError), op, Reason(err))
			st = status
			continue
		}
		rs = append(rs, &reportingReader{r: r, fail: func(err error) {
			if o.Flush != nil {
				o.Flush()
			}
			env.Errorf(o.Name, wording(o.ReadError), op, Reason(err))
			st = status
		}})
		closers = append(closers, closeIt)
	}
	return io.MultiReader(rs...), len(rs), func() int {
		for _, c := range closers {
			c()
		}
		closers = nil
		return st
	}
}

// reportingReader reports its read error and ends there, so that a stream of operands
// goes on with the next.
type reportingReader struct {
	r    io.Reader
	fail func(error)
}

func (rr *reportingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF {
		rr.fail(err)
		err = io.EOF
	}
	return n, err
}
