package shell

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Descriptors above 2. The interpreter knows descriptors 0, 1 and 2 only ('exec 4>&2' is
// "unhandled >& arg"); the shell keeps a table of its own for the others:
//
//   - a table is a fixed set of open descriptors; a change makes a new table. The shell
//     variable fdVar names the current one, so that a subshell starts with its parent's
//     (the interpreter copies variables into subshells) and its changes stay its own;
//   - 'exec N>FILE', 'exec N<<EOF', 'exec N>&M', 'exec N>&-' change the table for good
//     (builtinFdExec); 'CMD N>FILE' changes it for CMD only: the statement becomes
//     '{ fdPush ...; CMD; fdPop; }' (builtinFdPush, builtinFdPop). The redirection that
//     opens N is given to fdPush or fdExec as its stdin or stdout, which they take (a
//     duplicate of the file, so that the interpreter's closing it after the command does
//     not end it); a here-document on N is read from one pipe, line after line;
//   - '>&N', '<&N' (and '>&$fd') become redirections from or to a path the open handler
//     knows (fdPrefix): it answers with a duplicate of N, or "N: Bad file descriptor" as
//     ash says when N is not open.
//
// A program the shell runs from PATH gets those of them that are files (fdFiles); the
// applets, which run in-process, read and write 0 to 2 only.

// fdVar names the shell's current table of descriptors above 2 (see above).
const fdVar = "DDEBUG_FDS_"

// fdPrefix marks the path of a redirection to a descriptor: fdPrefix + "N:LINE".
const fdPrefix = "\x01ddebug:fd:" // not NUL: the expansion of a redirection word ends there

// fdFile is one open descriptor: a file the table owns (a duplicate), or the shell's
// stream it was made from when that is no file (a pipe of the interpreter, a buffer).
type fdFile struct {
	f *os.File
	r io.Reader
	w io.Writer
}

// fdTable is a set of descriptors above 2 (never changed once made), and the table that the end of the redirection
// that made it gives back (0: none).
type fdTable struct {
	files   map[int]*fdFile
	restore int
	scope   string // the scope (fdRedirects' tag) of the fdPush that made it
}

// fdTables are the shell's tables, by number.
type fdTables struct {
	mu     sync.Mutex
	tables map[int]*fdTable
	next   int
}

func (t *fdTables) get(id int) *fdTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tb := t.tables[id]; tb != nil {
		return tb
	}
	return &fdTable{}
}

func (t *fdTables) add(tb *fdTable) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tables == nil {
		t.tables = map[int]*fdTable{}
	}
	t.next++
	t.tables[t.next] = tb
	return t.next
}

func (t *fdTables) drop(id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.tables, id)
}

// current is the number of the table env names, and the table.
func (s *Shell) currentFds(env expand.Environ) (int, *fdTable) {
	id, _ := strconv.Atoi(env.Get(fdVar).String())
	return id, s.fds.get(id)
}

// fdNumber parses a descriptor above 2.
func fdNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 3 && s[0] != '+' && s[0] != '-'
}

// with makes the files of tb a copy where descriptor n is f (nil: closed): the table
// it was copied from keeps its own.
func (tb *fdTable) with(n int, f *fdFile) {
	files := make(map[int]*fdFile, len(tb.files)+1)
	for k, v := range tb.files {
		files[k] = v
	}
	if f == nil {
		delete(files, n)
	} else {
		files[n] = f
	}
	tb.files = files
}

// builtinFdExec changes the table for good: fdExec N in|out|dup WORD.
func builtinFdExec(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error {
	_, cur := s.currentFds(hc.Env)
	next := *cur
	// in a command's scope (fdPush), the scope's fdPop gives back the table before it
	if err := s.fdChange(hc, env, &next, args[1:]); err != nil {
		return err
	}
	// the table before stays: a subshell's parent may still name it
	return s.useFds(ctx, hc, next, 0)
}

// builtinFdPush starts a redirection of a command: fdPush push|add SCOPE N in|out|dup WORD;
// push starts the command's redirections (fdPop SCOPE gives the table back), add adds one.
func builtinFdPush(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) error {
	id, cur := s.currentFds(hc.Env)
	next := *cur
	if args[1] == "push" {
		next.restore = id
	}
	next.scope = args[2]
	if err := s.fdChange(hc, env, &next, args[3:]); err != nil {
		return err
	}
	if args[1] == "push" {
		id = 0 // kept: fdPop goes back to it
	}
	// a table that add replaces was made by this statement's push: nothing else names it
	return s.useFds(ctx, hc, next, id)
}

// builtinFdPop ends the redirections of a command: the descriptors they opened are closed
// and the table before them is current again; $? stays the command's.
func builtinFdPop(ctx context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, args []string) error {
	id, cur := s.currentFds(hc.Env)
	if len(args) < 2 || cur.scope != args[1] {
		return exitError(hc.LastExitStatus) // its fdPush failed
	}
	back := s.fds.get(cur.restore)
	for i, f := range cur.files {
		if f != back.files[i] && f.f != nil {
			f.f.Close()
		}
	}
	s.fds.drop(id)
	if err := hc.Builtin(ctx, []string{"eval", fdVar + "=" + strconv.Itoa(cur.restore)}); err != nil {
		return err
	}
	return exitError(hc.LastExitStatus)
}

// useFds makes tb the current table, dropping table old (0: keep it).
func (s *Shell) useFds(ctx context.Context, hc interp.HandlerContext, tb fdTable, old int) error {
	id := s.fds.add(&tb)
	if old != 0 {
		s.fds.drop(old)
	}
	return hc.Builtin(ctx, []string{"eval", fdVar + "=" + strconv.Itoa(id)})
}

// fdChange applies N in|out|close|dup WORD to tb: in and out take the command's stdin or
// stdout (what the redirection given to it opened), dup copies descriptor WORD.
func (s *Shell) fdChange(hc interp.HandlerContext, env *tools.Env, tb *fdTable, args []string) error {
	n, ok := fdNumber(args[0])
	if !ok || len(args) < 2 {
		return exitError(2)
	}
	var f *fdFile
	switch op := args[1]; op {
	case "in":
		f = streamFile(hc.Stdin, nil)
	case "out":
		f = streamFile(nil, hc.Stdout)
	case "close":
	case "dup":
		switch m := args[2]; m {
		case "-":
		case "0":
			f = streamFile(hc.Stdin, nil)
		case "1":
			f = streamFile(nil, hc.Stdout)
		case "2":
			f = streamFile(nil, hc.Stderr)
		default:
			k, ok := fdNumber(m)
			if g := tb.files[k]; ok && g != nil {
				f = g.dup()
				break
			}
			env.Stderr.Write([]byte(s.where(hc, "") + m + ": Bad file descriptor\n"))
			return exitError(1)
		}
	}
	tb.with(n, f)
	return nil
}

// streamFile is the descriptor for the shell's stream r or w: a duplicate when it is a
// file, else the stream itself; nil when it is closed.
func streamFile(r io.Reader, w io.Writer) *fdFile {
	if r == nil && (w == nil || w == io.Discard) {
		return nil
	}
	if f, ok := r.(*os.File); ok {
		return (&fdFile{f: f}).dup()
	}
	if f, ok := w.(*os.File); ok {
		return (&fdFile{f: f}).dup()
	}
	return &fdFile{r: r, w: w}
}

// dup duplicates the file of f (close-on-exec); a stream that is no file is shared.
func (f *fdFile) dup() *fdFile {
	if f.f == nil {
		return &fdFile{r: f.r, w: f.w}
	}
	d, err := dupFile(f.f)
	if err != nil {
		return nil
	}
	return &fdFile{f: d}
}

// dupFile duplicates f without f.Fd(), which would put a pipe into blocking mode.
func dupFile(f *os.File) (*os.File, error) {
	sc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var nfd int
	var derr error
	cerr := sc.Control(func(fd uintptr) {
		syscall.ForkLock.RLock()
		nfd, derr = syscall.Dup(int(fd))
		if derr == nil {
			syscall.CloseOnExec(nfd)
		}
		syscall.ForkLock.RUnlock()
	})
	if cerr != nil {
		return nil, cerr
	}
	if derr != nil {
		return nil, derr
	}
	return os.NewFile(uintptr(nfd), f.Name()), nil
}

// openFd answers a redirection to descriptor N (fdPrefix): a duplicate of it, which the
// interpreter closes after the command.
func (s *Shell) openFd(ctx context.Context, rest string) (io.ReadWriteCloser, error) {
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		i = len(rest)
	}
	fd, line := rest[:i], strings.TrimPrefix(rest[i:], ":")
	hc := interp.HandlerCtx(ctx)
	var f *fdFile
	switch fd {
	case "0":
		f = streamFile(hc.Stdin, nil)
	case "1":
		f = streamFile(nil, hc.Stdout)
	case "2":
		f = streamFile(nil, hc.Stderr)
	default:
		if n, ok := fdNumber(fd); ok {
			_, tb := s.currentFds(hc.Env)
			if g := tb.files[n]; g != nil {
				f = g.dup()
			}
		}
	}
	if f == nil {
		n, _ := strconv.Atoi(line)
		return nil, &os.PathError{Op: strings.TrimSuffix(s.whereLine(n), " "), Path: fd, Err: errBadFd}
	}
	if f.f != nil {
		return f.f, nil
	}
	return streamRWC{f}, nil
}

// streamRWC is a descriptor that is no file, as the open handler returns it.
type streamRWC struct{ f *fdFile }

func (s streamRWC) Read(p []byte) (int, error) {
	if s.f.r == nil {
		return 0, syscall.EBADF
	}
	return s.f.r.Read(p)
}

func (s streamRWC) Write(p []byte) (int, error) {
	if s.f.w == nil {
		return 0, syscall.EBADF
	}
	return s.f.w.Write(p)
}

func (streamRWC) Close() error { return nil }

// fdFiles are the descriptors of the table env names that are files, as exec.Cmd's
// ExtraFiles (entry i is descriptor 3+i; nil: not open), up to descriptor 255.
func (s *Shell) fdFiles(env expand.Environ) []*os.File {
	_, tb := s.currentFds(env)
	var out []*os.File
	for n, f := range tb.files {
		if f.f == nil || n > 255 {
			continue
		}
		for len(out) <= n-3 {
			out = append(out, nil)
		}
		out[n-3] = f.f
	}
	return out
}
