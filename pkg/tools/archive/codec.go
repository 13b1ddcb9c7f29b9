package archive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// codec is what xz and bzip2 share: a stream format, its suffix, and the words its
// Debian tool uses for what goes wrong (xz-utils and bzip2 word them differently).
type codec struct {
	name   string // the compressing applet: xz, bzip2
	suffix string // .xz, .bz2
	usage  string
	reader func(io.Reader) (io.Reader, error)
	writer func(w io.Writer, level int) (io.WriteCloser, error)
	// msg words a failure; what is one of the codecMsg constants.
	msg func(what codecMsg, file string, err error) string
	// badStatus is the status of data not in the format (1 for xz, 2 for bzip2),
	// skipStatus that of an operand skipped for its suffix or type (2 for xz, 1 for bzip2).
	badStatus, skipStatus int
}

type codecMsg int

const (
	msgOpen      codecMsg = iota // cannot open the input
	msgExists                    // the output exists
	msgHasSuffix                 // compressing a file that has the suffix
	msgNoSuffix                  // decompressing a file without it
	msgNotFormat                 // not in this format
	msgIsDir                     // a directory operand
	msgWrite                     // writing failed
	msgTestBad                   // -t of data not in this format
)

// errCodecFormat marks a stream that is not in the codec's format.
var errCodecFormat = errors.New("not in the format")

// runCodec is xz, unxz, xzcat, bzip2, bunzip2 and bzcat: -c -d -z -k -f -t -q -1..-9.
// A warning (a file skipped) exits 2, an error 1, as both Debian tools do.
func runCodec(ctx context.Context, env *tools.Env, args []string, c *codec) int {
	name := filepath.Base(args[0])
	fset := gnuflag.New(name, c.usage)
	stdout := fset.Bool('c', "stdout")
	decompress := fset.Bool('d', "decompress")
	fset.BoolFunc('z', "compress", func() { *decompress = false })
	keep := fset.Bool('k', "keep")
	force := fset.Bool('f', "force")
	test := fset.Bool('t', "test")
	fset.Bool('q', "quiet")
	fset.Bool('v', "verbose")
	fset.Bool('e', "extreme")
	fset.Bool('s', "small")
	fset.Func('T', "threads", func(string) error { return nil })
	level := 6
	if c.name == "bzip2" {
		level = 9
	}
	for i := 0; i <= 9; i++ {
		l := i
		fset.BoolFunc(rune('0'+i), "", func() { level = l })
	}
	fset.BoolFunc(0, "fast", func() { level = 1 })
	fset.BoolFunc(0, "best", func() { level = 9 })
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	switch {
	case strings.HasPrefix(name, "un"), name == "bunzip2":
		*decompress = true
	case strings.HasSuffix(name, "cat"):
		*decompress, *stdout = true, true
	}
	if *test {
		*decompress, *stdout = true, true
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	st := 0
	fail := func(s int, text string) {
		fmt.Fprintf(env.Stderr, "%s: %s\n", name, text)
		st = max(st, s)
	}
	for _, op := range ops {
		if ctx.Err() != nil {
			return 1
		}
		var out io.Writer = env.Stdout
		if *test {
			out = io.Discard
		}
		if op == "-" {
			if err := c.stream(out, env.Stdin, *decompress, level); err != nil {
				if errors.Is(err, errCodecFormat) {
					fail(c.badStatus, c.msg(msgNotFormat, "(stdin)", err))
				} else {
					fail(1, c.msg(msgWrite, "(stdin)", err))
				}
			}
			continue
		}
		s, text := c.file(env, op, out, *stdout, *decompress, *keep, *force, level)
		if *test && s != 0 && strings.HasSuffix(text, c.msg(msgNotFormat, op, nil)) {
			text = c.msg(msgTestBad, op, nil)
		}
		if s != 0 {
			for _, m := range strings.Split(text, "\x00") { // messages; a message's lines
				first, rest, _ := strings.Cut(m, "\n")
				fail(s, first)
				if rest != "" {
					fmt.Fprintln(env.Stderr, rest)
				}
			}
		}
	}
	return st
}

// stream copies r to w through the codec; a bad input is errCodecFormat.
func (c *codec) stream(w io.Writer, r io.Reader, decompress bool, level int) error {
	if decompress {
		zr, err := c.reader(bufio.NewReaderSize(r, 64<<10))
		if err != nil {
			return fmt.Errorf("%w: %w", errCodecFormat, err)
		}
		if _, err := io.Copy(w, zr); err != nil {
			return fmt.Errorf("%w: %w", errCodecFormat, err)
		}
		return nil
	}
	zw, err := c.writer(w, level)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	return zw.Close()
}

// file compresses or decompresses the operand op; it returns the status (0, 1 error,
// 2 warning) and what to say.
func (c *codec) file(env *tools.Env, op string, stdout io.Writer, toStdout, decompress, keep, force bool, level int) (int, string) {
	src := env.Abs(op)
	in, err := os.Open(src)
	if err != nil {
		return 1, c.msg(msgOpen, op, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return 1, c.msg(msgOpen, op, err)
	}
	if fi.IsDir() {
		return c.skipStatus, c.msg(msgIsDir, op, nil)
	}
	if toStdout {
		if err := c.stream(stdout, in, decompress, level); err != nil {
			if errors.Is(err, errCodecFormat) {
				return c.badStatus, c.msg(msgNotFormat, op, err)
			}
			return 1, c.msg(msgWrite, op, err)
		}
		return 0, ""
	}
	var dst, note string
	status := 0
	switch {
	case !decompress:
		if strings.HasSuffix(src, c.suffix) {
			return c.skipStatus, c.msg(msgHasSuffix, op, nil)
		}
		dst = src + c.suffix
	case strings.HasSuffix(src, c.suffix) && len(filepath.Base(src)) > len(c.suffix):
		dst = strings.TrimSuffix(src, c.suffix)
	case c.name == "xz":
		// xz-utils looks at the contents before the name.
		if _, err := c.reader(bufio.NewReader(in)); err != nil {
			return 1, c.msg(msgNotFormat, op, err)
		}
		return 2, c.msg(msgNoSuffix, op, nil)
	default:
		note = c.msg(msgNoSuffix, op, nil)
		dst, status = src+".out", 2
	}
	if _, err := os.Lstat(dst); err == nil && !force {
		return 1, c.msg(msgExists, strings.TrimPrefix(dst, env.Dir+"/"), nil)
	}
	os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return 1, c.msg(msgOpen, dst, err)
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	err = c.stream(bw, in, decompress, level)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		what := msgWrite
		if errors.Is(err, errCodecFormat) {
			what = msgNotFormat
		}
		if note != "" {
			return status, note + "\x00" + c.msg(what, op, err)
		}
		if what == msgNotFormat {
			return c.badStatus, c.msg(what, op, err)
		}
		return 1, c.msg(what, op, err)
	}
	_ = os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	if !keep {
		if err := os.Remove(src); err != nil {
			return 1, c.msg(msgOpen, op, err)
		}
	}
	if note != "" {
		return status, note
	}
	return 0, ""
}

// bytesReader reads b.
func bytesReader(b []byte) io.Reader { return strings.NewReader(string(b)) }
