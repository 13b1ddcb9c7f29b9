package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Tail is tail: print the last lines of files, or follow them.
var Tail = tools.Applet{Name: "tail", Summary: "print the last lines of files, or follow them", Run: runTail}

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
