package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// readOptions are the options of read that the interpreter's read lacks.
type readOptions struct {
	raw     bool
	nchars  int           // -n N: at most N bytes (0: no limit)
	delim   byte          // -d D: the first byte of D ('' is NUL); '\n' by default
	timeout time.Duration // -t SECONDS
	hasT    bool
	prompt  string
	fd      int // -u FD: the descriptor read (0: stdin)
	names   []string
}

// wantsOwnRead reports whether a read command line uses -n, -t, -d or -u, which the
// shell implements itself (builtinRead); any other read is the interpreter's.
func wantsOwnRead(args []string) bool {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			return false
		}
		if strings.ContainsAny(a[1:], "ntdu") {
			return true
		}
		if strings.HasSuffix(a, "p") || strings.HasSuffix(a, "u") || strings.HasSuffix(a, "a") {
			i++ // the option's value
		}
	}
	return false
}

// splitsOnNonBlank reports whether read splits its line on an IFS that holds other
// characters than blanks, which the shell does itself (readFields).
func splitsOnNonBlank(ctx context.Context, args []string) bool {
	if len(args) < 2 {
		return false
	}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") && strings.ContainsAny(a, "a") {
			return false // read -a: an array, the interpreter's
		}
	}
	return strings.Trim(ifsOf(interp.HandlerCtx(ctx).Env), " \t\n") != ""
}

func parseRead(args []string) (*readOptions, error) {
	o := &readOptions{delim: '\n'}
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") && rest[0] != "-" {
		a := rest[0]
		rest = rest[1:]
		if a == "--" {
			break
		}
		for i := 1; i < len(a); i++ {
			c := a[i]
			switch c {
			case 'r':
				o.raw = true
			case 's':
			case 'n', 't', 'd', 'p', 'u':
				val := a[i+1:]
				if val == "" {
					if len(rest) == 0 {
						return nil, fmt.Errorf("-%c: option requires an argument", c)
					}
					val, rest = rest[0], rest[1:]
				}
				i = len(a)
				switch c {
				case 'n':
					n, err := strconv.Atoi(val)
					if err != nil || n < 0 {
						return nil, fmt.Errorf("%s: invalid count", val)
					}
					o.nchars = n
				case 't':
					f, err := strconv.ParseFloat(val, 64)
					if err != nil || f < 0 {
						return nil, fmt.Errorf("%s: invalid timeout", val)
					}
					o.timeout, o.hasT = time.Duration(f*float64(time.Second)), true
				case 'd':
					o.delim = 0
					if val != "" {
						o.delim = val[0]
					}
				case 'p':
					o.prompt = val
				case 'u':
					n, ok := fdNumber(val)
					if !ok && val != "0" {
						return nil, fmt.Errorf("%s: invalid file descriptor", val)
					}
					o.fd = n
				}
			default:
				return nil, fmt.Errorf("-%c: invalid option", c)
			}
		}
	}
	for _, n := range rest {
		if !syntax.ValidName(n) {
			return nil, fmt.Errorf("'%s': not a valid identifier", n)
		}
	}
	o.names = rest
	return o, nil
}

// errReadTimeout is a read -t that ran out of time.
var errReadTimeout = errors.New("timed out")

// builtinRead is read with -n, -t and -d (ash's and bash's): it reads one byte at a time,
// so that what follows stays unread for the next command.
func builtinRead(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int {
	o, err := parseRead(args[1:]) // args[0] is the internal name
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s%v\n", s.where(hc, "read"), err)
		return 2
	}
	in := hc.Stdin
	if o.fd > 0 {
		// -u FD: a descriptor of the shell's table (fds.go)
		rwc, err := s.openFd(ctx, strconv.Itoa(o.fd)+":"+strconv.Itoa(int(hc.Pos.Line())))
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s%d: Bad file descriptor\n", s.where(hc, "read"), o.fd)
			return 2
		}
		defer rwc.Close()
		in = rwc
	}
	f, _ := in.(*os.File)
	if o.prompt != "" && f != nil && isTTY(f) {
		fmt.Fprint(env.Stderr, o.prompt)
	}
	var deadline time.Time
	if o.hasT {
		if o.timeout == 0 {
			// -t 0: is there input (or end of file) to read, without reading it
			if f != nil && readable(f, 0) {
				return 0
			}
			return 1
		}
		deadline = time.Now().Add(o.timeout)
	}
	var line []byte
	var status int
	for o.nchars == 0 || len(line) < o.nchars {
		b, err := readOneByte(ctx, in, f, deadline)
		if err != nil {
			if errors.Is(err, errReadTimeout) {
				line, status = nil, 142 // as bash: 128+SIGALRM
			} else {
				status = 1
			}
			break
		}
		if b == o.delim {
			break
		}
		if b == '\\' && !o.raw {
			n, err := readOneByte(ctx, in, f, deadline)
			if err != nil {
				status = 1
				break
			}
			if n == o.delim && n == '\n' {
				continue // a line continued
			}
			line = append(line, b, n)
			continue
		}
		line = append(line, b)
	}
	names := o.names
	if len(names) == 0 {
		names = []string{"REPLY"}
	}
	var fields []string
	if len(o.names) == 0 {
		fields = []string{unbackslash(string(line), o.raw)}
	} else {
		fields = readFields(ifsOf(hc.Env), string(line), len(names), o.raw)
	}
	var code strings.Builder
	for i, n := range names {
		v := ""
		if i < len(fields) {
			v = fields[i]
		}
		fmt.Fprintf(&code, "%s=%s ", n, quote(v))
	}
	if err := hc.Builtin(ctx, []string{"eval", code.String()}); err != nil {
		return statusOf(err)
	}
	return status
}

// unbackslash drops the backslashes of an escaped line (read without -r into REPLY).
func unbackslash(s string, raw bool) string {
	if raw {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// readOneByte reads one byte of r (f when r is a file) before deadline (zero: none),
// giving up when ctx is cancelled.
func readOneByte(ctx context.Context, r io.Reader, f *os.File, deadline time.Time) (byte, error) {
	var b [1]byte
	if f == nil {
		if r == nil {
			return 0, io.EOF
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		return b[0], nil
	}
	for {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		wait := 100 * time.Millisecond
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return 0, errReadTimeout
			}
			wait = min(wait, left)
		}
		if !readable(f, wait) {
			continue
		}
		n, err := rawRead(f, b[:])
		if errors.Is(err, syscall.EAGAIN) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, io.EOF
		}
		return b[0], nil
	}
}

// readable reports whether f has input or its end to read, waiting at most wait.
func readable(f *os.File, wait time.Duration) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	ready := true
	rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, int(wait/time.Millisecond))
			if err == unix.EINTR {
				continue
			}
			ready = err != nil || n > 0
			return
		}
	})
	return ready
}

// rawRead reads f with one read(2), in whatever blocking mode f is (f.Fd would set it to
// blocking, and the interpreter could no longer cancel its own reads of f).
func rawRead(f *os.File, p []byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return f.Read(p)
	}
	var n int
	var rerr error
	err = rc.Control(func(fd uintptr) {
		n, rerr = syscall.Read(int(fd), p)
	})
	if err != nil {
		return 0, err
	}
	return n, rerr
}

// ifsOf is $IFS of env (" \t\n" when unset).
func ifsOf(env expand.Environ) string {
	if v := env.Get("IFS"); v.IsSet() {
		return v.String()
	}
	return " \t\n"
}

// readFields splits line into n fields for read, as POSIX says and ash does (the
// interpreter's splitting drops empty fields between non-blank IFS characters, "a,,b"):
// IFS blanks around a field are dropped, each other IFS character ends one field; the
// last field is the rest of the line less its trailing IFS blanks, and less a single
// trailing IFS character when it holds no other one ("a,b," read into x y sets y to
// "b"). Without raw a backslash quotes the next character.
func readFields(ifs, line string, n int, raw bool) []string {
	type char struct {
		c       byte
		escaped bool
	}
	var cs []char
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && !raw {
			if i+1 < len(line) {
				i++
				cs = append(cs, char{line[i], true})
			}
			continue
		}
		cs = append(cs, char{line[i], false})
	}
	isIFS := func(c char) bool { return !c.escaped && strings.IndexByte(ifs, c.c) >= 0 }
	isBlank := func(c char) bool { return isIFS(c) && (c.c == ' ' || c.c == '\t' || c.c == '\n') }
	text := func(cs []char) string {
		b := make([]byte, len(cs))
		for i, c := range cs {
			b[i] = c.c
		}
		return string(b)
	}
	i := 0
	for i < len(cs) && isBlank(cs[i]) {
		i++
	}
	var fields []string
	for len(fields) < n-1 && i < len(cs) {
		start := i
		for i < len(cs) && !isIFS(cs[i]) {
			i++
		}
		fields = append(fields, text(cs[start:i]))
		if i == len(cs) {
			break
		}
		// the delimiter: blanks, then at most one other IFS character, then blanks
		for i < len(cs) && isBlank(cs[i]) {
			i++
		}
		if i < len(cs) && isIFS(cs[i]) {
			i++
			for i < len(cs) && isBlank(cs[i]) {
				i++
			}
		}
	}
	if len(fields) < n && i < len(cs) {
		rest := cs[i:]
		trim := func() {
			for len(rest) > 0 && isBlank(rest[len(rest)-1]) {
				rest = rest[:len(rest)-1]
			}
		}
		trim()
		if k := len(rest) - 1; k > 0 && isIFS(rest[k]) {
			single := true
			for _, c := range rest[:k] {
				if isIFS(c) {
					single = false
					break
				}
			}
			if single {
				rest = rest[:k]
				trim()
			}
		}
		fields = append(fields, text(rest))
	}
	return fields
}
