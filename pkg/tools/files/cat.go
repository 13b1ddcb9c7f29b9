package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Cat is cat: concatenate files to stdout.
var Cat = tools.Applet{Name: "cat", Summary: "concatenate files to stdout", Run: runCat}

// Head is head: print the first lines of files.
var Head = tools.Applet{Name: "head", Summary: "print the first lines of files", Run: runHead}

// Tail is tail: print the last lines of files, or follow them.
var Tail = tools.Applet{Name: "tail", Summary: "print the last lines of files, or follow them", Run: runTail}

// More is more: page through text.
var More = tools.Applet{Name: "more", Aliases: []string{"less"}, Summary: "page through text", Run: runMore}

// openInput opens an operand ("-" is stdin); the returned func closes it.
func openInput(env *tools.Env, name string) (io.Reader, func(), error) {
	if name == "-" {
		return env.Stdin, func() {}, nil
	}
	f, err := os.Open(env.Abs(name))
	if err != nil {
		return nil, nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("Is a directory")
	}
	return f, func() { f.Close() }, nil
}

func runCat(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("cat", `cat [-nbAEstv] [FILE]...
  -n number all lines  -b number non-blank lines  -A show all (-vET)
  -E show $ at line ends  -T show tabs as ^I  -v show non-printing  -s squeeze blank lines`)
	var number, nonBlank, ends, tabs, nonPrint, squeeze bool
	fs.BoolFunc('n', "number", func() { number = true })
	fs.BoolFunc('b', "number-nonblank", func() { nonBlank = true })
	fs.BoolFunc('E', "show-ends", func() { ends = true })
	fs.BoolFunc('T', "show-tabs", func() { tabs = true })
	fs.BoolFunc('v', "show-nonprinting", func() { nonPrint = true })
	fs.BoolFunc('A', "show-all", func() { nonPrint, ends, tabs = true, true, true })
	fs.BoolFunc('e', "", func() { nonPrint, ends = true, true })
	fs.BoolFunc('t', "", func() { nonPrint, tabs = true, true })
	fs.BoolFunc('s', "squeeze-blank", func() { squeeze = true })
	fs.Bool('u', "")
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	plain := !number && !nonBlank && !ends && !tabs && !nonPrint && !squeeze
	st := 0
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	line := 0
	prevBlank := false
	for _, op := range ops {
		r, closer, err := openInput(env, op)
		if err != nil {
			w.Flush()
			env.Errorf("cat", "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if plain {
			// Flush per read so a pipe's output shows up as it comes.
			_, err = tools.CopyContext(ctx, flushWriter{w}, r)
		} else {
			br := bufio.NewReaderSize(r, 64<<10)
			for {
				if ctx.Err() != nil {
					err = ctx.Err()
					break
				}
				l, rerr := br.ReadSlice('\n')
				if rerr == bufio.ErrBufferFull {
					// very long line: handle the remainder as part of the same line
					more, rerr2 := br.ReadBytes('\n')
					l = append(append([]byte{}, l...), more...)
					rerr = rerr2
				}
				if len(l) > 0 {
					body := bytes.TrimSuffix(l, []byte("\n"))
					blank := len(body) == 0 && len(l) == 1
					if !(squeeze && blank && prevBlank) {
						if number && !nonBlank || nonBlank && !blank {
							line++
							fmt.Fprintf(w, "%6d\t", line)
						}
						writeVisible(w, body, nonPrint, tabs)
						if len(l) > len(body) {
							if ends {
								w.WriteByte('$')
							}
							w.WriteByte('\n')
						}
					}
					prevBlank = blank
				}
				if rerr != nil {
					if rerr != io.EOF {
						err = rerr
					}
					break
				}
			}
		}
		closer()
		if err != nil && ctx.Err() == nil {
			w.Flush()
			env.Errorf("cat", "%s: %s", op, tools.Reason(err))
			st = 1
		}
		if ctx.Err() != nil {
			return 130
		}
	}
	return st
}

type flushWriter struct{ w *bufio.Writer }

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		err = f.w.Flush()
	}
	return n, err
}

// writeVisible writes b, showing control and high bytes in ^X / M-X notation when asked.
func writeVisible(w *bufio.Writer, b []byte, nonPrint, tabs bool) {
	if !nonPrint && !tabs {
		w.Write(b)
		return
	}
	for _, c := range b {
		switch {
		case c == '\t':
			if tabs {
				w.WriteString("^I")
			} else {
				w.WriteByte(c)
			}
		case !nonPrint:
			w.WriteByte(c)
		case c >= 128:
			w.WriteString("M-")
			c -= 128
			fallthrough
		default:
			switch {
			case c < 32:
				w.WriteByte('^')
				w.WriteByte(c + 64)
			case c == 127:
				w.WriteString("^?")
			default:
				w.WriteByte(c)
			}
		}
	}
}

// countArg parses head/tail's -n/-c values: "10", "+10" (from line 10), "-10" (all but
// the last 10 for head), with optional size suffixes for -c.
func countArg(v string) (n int64, plus, minus bool, err error) {
	switch {
	case strings.HasPrefix(v, "+"):
		plus, v = true, v[1:]
	case strings.HasPrefix(v, "-"):
		minus, v = true, v[1:]
	}
	mult := int64(1)
	for suf, m := range map[string]int64{"b": 512, "K": 1024, "k": 1024, "KB": 1000, "M": 1 << 20, "MB": 1e6, "G": 1 << 30, "GB": 1e9} {
		if strings.HasSuffix(v, suf) && len(v) > len(suf) {
			if _, e := strconv.ParseInt(strings.TrimSuffix(v, suf), 10, 64); e == nil {
				v, mult = strings.TrimSuffix(v, suf), m
				break
			}
		}
	}
	n, err = strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, false, fmt.Errorf("invalid number: '%s'", v)
	}
	return n * mult, plus, minus, nil
}

// legacyCount turns "head -5" / "tail -5" / "tail +5" into "-n 5" / "-n +5".
func legacyCount(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if i == 0 && len(a) > 1 && (a[0] == '-' || a[0] == '+') && a[1] >= '0' && a[1] <= '9' {
			if _, err := strconv.Atoi(a[1:]); err == nil {
				if a[0] == '+' {
					out = append(out, "-n", a)
				} else {
					out = append(out, "-n", a[1:])
				}
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

func runHead(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("head", `head [-n [-]N] [-c [-]N] [-qv] [FILE]...
  -n N  first N lines (-N: all but the last N)   -c N  first N bytes
  -q  never print headers   -v  always print headers`)
	lines := fs.String('n', "lines", "10")
	bytesArg, byBytes := fs.StringSet('c', "bytes", "")
	quiet := fs.Bool('q', "quiet")
	verbose := fs.Bool('v', "verbose")
	ops, rc := fs.Parse(env, legacyCount(args[1:]))
	if rc >= 0 {
		return rc
	}
	v := *lines
	if *byBytes {
		v = *bytesArg
	}
	n, _, minus, err := countArg(v)
	if err != nil {
		env.Errorf("head", "%v", err)
		return 2
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	st := 0
	for i, op := range ops {
		r, closer, err := openInput(env, op)
		if err != nil {
			w.Flush()
			env.Errorf("head", "cannot open '%s' for reading: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if (len(ops) > 1 && !*quiet) || *verbose {
			if i > 0 {
				w.WriteByte('\n')
			}
			name := op
			if op == "-" {
				name = "standard input"
			}
			fmt.Fprintf(w, "==> %s <==\n", name)
		}
		br := bufio.NewReaderSize(r, 64<<10)
		switch {
		case *byBytes && !minus:
			_, err = io.CopyN(w, br, n)
		case *byBytes:
			var b []byte
			b, err = io.ReadAll(br)
			if int64(len(b)) > n {
				w.Write(b[:int64(len(b))-n])
			}
		case !minus:
			for k := int64(0); k < n && ctx.Err() == nil; k++ {
				var l []byte
				l, err = br.ReadBytes('\n')
				w.Write(l)
				if err != nil {
					break
				}
			}
		default:
			var all []byte
			all, err = io.ReadAll(br)
			ls := splitLines(all)
			if int64(len(ls)) > n {
				for _, l := range ls[:int64(len(ls))-n] {
					w.Write(l)
				}
			}
		}
		if err == io.EOF {
			err = nil
		}
		closer()
		if err != nil {
			w.Flush()
			env.Errorf("head", "error reading '%s': %s", op, tools.Reason(err))
			st = 1
		}
	}
	return st
}

// splitLines splits b after each newline, keeping the newlines.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

func runTail(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("tail", `tail [-fFqv] [-n [+]N] [-c [+]N] [-s SECS] [FILE]...
  -n N  last N lines (+N: from line N)   -c N  last N bytes (+N: from byte N)
  -f  follow the file as it grows   -F  follow by name, reopening it when it is replaced
  -s SECS  poll interval for -f (default 1)   -q/-v  headers`)
	lines := fs.String('n', "lines", "10")
	bytesArg, byBytes := fs.StringSet('c', "bytes", "")
	follow := fs.Bool('f', "follow")
	followName := fs.Bool('F', "")
	quiet := fs.Bool('q', "quiet")
	verbose := fs.Bool('v', "verbose")
	interval := fs.String('s', "sleep-interval", "1")
	ops, rc := fs.Parse(env, legacyCount(args[1:]))
	if rc >= 0 {
		return rc
	}
	if *followName {
		*follow = true
	}
	v := *lines
	if *byBytes {
		v = *bytesArg
	}
	n, plus, _, err := countArg(v)
	if err != nil {
		env.Errorf("tail", "%v", err)
		return 2
	}
	secs, err := strconv.ParseFloat(*interval, 64)
	if err != nil || secs < 0 {
		env.Errorf("tail", "invalid number of seconds: '%s'", *interval)
		return 2
	}
	poll := time.Duration(secs * float64(time.Second))
	if poll == 0 {
		poll = 100 * time.Millisecond
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	st := 0
	type followed struct {
		name string
		f    *os.File
		off  int64
	}
	var fol []*followed
	for i, op := range ops {
		header := (len(ops) > 1 && !*quiet) || *verbose
		if header {
			if i > 0 {
				w.WriteByte('\n')
			}
			name := op
			if op == "-" {
				name = "standard input"
			}
			fmt.Fprintf(w, "==> %s <==\n", name)
		}
		if op == "-" {
			data, err := io.ReadAll(env.Stdin)
			if err != nil {
				st = 1
			}
			w.Write(tailBytes(data, n, plus, *byBytes))
			continue
		}
		f, err := os.Open(env.Abs(op))
		if err != nil {
			w.Flush()
			env.Errorf("tail", "cannot open '%s' for reading: %s", op, tools.Reason(err))
			st = 1
			if *followName {
				fol = append(fol, &followed{name: op})
			}
			continue
		}
		off, err := tailFile(w, f, n, plus, *byBytes)
		if err != nil {
			w.Flush()
			env.Errorf("tail", "error reading '%s': %s", op, tools.Reason(err))
			st = 1
		}
		if *follow {
			fol = append(fol, &followed{name: op, f: f, off: off})
		} else {
			f.Close()
		}
	}
	if !*follow || len(fol) == 0 {
		return st
	}
	w.Flush()
	buf := make([]byte, 64<<10)
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for _, fo := range fol {
			if *followName {
				// Reopen when the name now points to another file or was truncated.
				fi, err := os.Stat(env.Abs(fo.name))
				if err == nil && (fo.f == nil || !sameFile(fo.f, fi)) {
					if fo.f != nil {
						fo.f.Close()
					}
					if nf, err := os.Open(env.Abs(fo.name)); err == nil {
						fo.f, fo.off = nf, 0
						env.Errorf("tail", "'%s' has appeared;  following new file", fo.name)
					}
				}
			}
			if fo.f == nil {
				continue
			}
			if fi, err := fo.f.Stat(); err == nil && fi.Size() < fo.off {
				env.Errorf("tail", "%s: file truncated", fo.name)
				fo.off = 0
			}
			for {
				k, err := fo.f.ReadAt(buf, fo.off)
				if k > 0 {
					fo.off += int64(k)
					env.Stdout.Write(buf[:k])
				}
				if err != nil || k == 0 {
					break
				}
			}
		}
		select {
		case <-ctx.Done():
			for _, fo := range fol {
				if fo.f != nil {
					fo.f.Close()
				}
			}
			return st
		case <-t.C:
		}
	}
}

func sameFile(f *os.File, fi os.FileInfo) bool {
	cur, err := f.Stat()
	return err == nil && os.SameFile(cur, fi)
}

// tailFile prints the tail of f and returns the offset of its end.
func tailFile(w io.Writer, f *os.File, n int64, plus, byBytes bool) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		data, err := io.ReadAll(f)
		w.Write(tailBytes(data, n, plus, byBytes))
		return int64(len(data)), err
	}
	var start int64
	switch {
	case byBytes && plus:
		start = max(n-1, 0)
	case byBytes:
		start = max(size-n, 0)
	case plus:
		// read from the start
	default:
		// Read backwards in blocks until n newlines are found.
		const block = 64 << 10
		pos := size
		count := int64(0)
		buf := make([]byte, block)
		start = 0
		found := false
		for pos > 0 && !found {
			sz := min(int64(block), pos)
			pos -= sz
			if _, err := f.ReadAt(buf[:sz], pos); err != nil && err != io.EOF {
				return size, err
			}
			chunk := buf[:sz]
			for i := len(chunk) - 1; i >= 0; i-- {
				if chunk[i] != '\n' || pos+int64(i) == size-1 {
					continue
				}
				count++
				if count == n {
					start, found = pos+int64(i)+1, true
					break
				}
			}
		}
		if n == 0 {
			start = size
		}
	}
	if plus && !byBytes {
		data, err := io.ReadAll(io.NewSectionReader(f, 0, size))
		w.Write(tailBytes(data, n, true, false))
		return size, err
	}
	_, err = io.Copy(w, io.NewSectionReader(f, start, size-start))
	return size, err
}

// tailBytes returns the tail of data as tail would print it.
func tailBytes(data []byte, n int64, plus, byBytes bool) []byte {
	if byBytes {
		if plus {
			return data[min(max(n-1, 0), int64(len(data))):]
		}
		return data[max(int64(len(data))-n, 0):]
	}
	ls := splitLines(data)
	if plus {
		if n <= 1 {
			return data
		}
		if n-1 >= int64(len(ls)) {
			return nil
		}
		return bytes.Join(ls[n-1:], nil)
	}
	return bytes.Join(ls[max(int64(len(ls))-n, 0):], nil)
}

// runMore is a pager that needs nothing from the terminal but line input: it shows a
// screenful, then waits for Enter (next screen), q (quit). When stdout is not a terminal
// it copies its input.
func runMore(ctx context.Context, env *tools.Env, args []string) int {
	name := filepath.Base(args[0])
	fs := gnuflag.New(name, name+" [FILE]...  (Enter or space+Enter: next page, q: quit)")
	fs.Bool('R', "RAW-CONTROL-CHARS")
	fs.Bool('S', "chop-long-lines")
	fs.Bool('N', "LINE-NUMBERS")
	fs.Bool('X', "no-init")
	fs.Bool('F', "quit-if-one-screen")
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	out, ok := env.Stdout.(*os.File)
	if !ok || !tools.IsTerminal(out) {
		return runCat(ctx, env, append([]string{"cat"}, ops...))
	}
	// Keys come from the terminal, not from stdin (which may be the text).
	tty, err := openKeys(out)
	if err != nil {
		return runCat(ctx, env, append([]string{"cat"}, ops...))
	}
	defer tty.Close()
	rows := pageRows(out, env)
	prompt := "\x1b[7m--More--\x1b[0m "
	if t := env.Getenv("TERM"); t == "" || t == "dumb" {
		prompt = "--More-- "
	}
	keys := bufio.NewReader(&tools.TerminalReader{Ctx: ctx, File: tty})
	st := 0
	for _, op := range ops {
		r, closer, err := openInput(env, op)
		if err != nil {
			env.Errorf(name, "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		br := bufio.NewReader(r)
		shown := 0
		for ctx.Err() == nil {
			l, err := br.ReadString('\n')
			io.WriteString(env.Stdout, l)
			if err != nil {
				break
			}
			shown++
			if shown >= rows-1 {
				io.WriteString(env.Stdout, prompt)
				k, kerr := keys.ReadString('\n')
				if ctx.Err() != nil {
					break
				}
				if kerr != nil || strings.HasPrefix(strings.TrimSpace(k), "q") {
					closer()
					return st
				}
				shown = 0
			}
		}
		closer()
		if ctx.Err() != nil {
			return 130 // Ctrl-C, as the shell reports an interrupted command
		}
	}
	return st
}

// openKeys opens, for reading, the terminal the pager writes to (through /proc/self/fd,
// as it may have been opened write-only), else the controlling terminal.
func openKeys(out *os.File) (*os.File, error) {
	if f, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(out.Fd())), os.O_RDONLY|syscall.O_NOCTTY, 0); err == nil {
		return f, nil
	}
	return os.Open("/dev/tty")
}

// pageRows is the height of the terminal out, else $LINES, else 24.
func pageRows(out *os.File, env *tools.Env) int {
	if _, h, err := term.GetSize(int(out.Fd())); err == nil && h > 2 {
		return h
	}
	if r, err := strconv.Atoi(env.Getenv("LINES")); err == nil && r > 2 {
		return r
	}
	return 24
}
