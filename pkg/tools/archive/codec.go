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

// codec is what gzip, xz and bzip2 share: a stream format, its suffixes, its options,
// and the words its Debian tool uses for what goes wrong (GNU gzip, xz-utils and bzip2
// word them differently).
type codec struct {
	name     string        // the compressing applet: gzip, xz, bzip2
	unName   string        // the applet that is name -d: gunzip, unxz, bunzip2
	catName  string        // the applet that is name -dc: zcat, xzcat, bzcat
	suffixes []codecSuffix // the first is what compressing adds
	usage    string
	level    int         // the level without -1..-9
	minLevel int         // the lowest -N taken
	z        bool        // -z (compress) is an option
	ignored  []codecFlag // options taken and ignored
	stdin    string      // stdin's name in messages
	noSuffix codecNoSuffix
	reader   func(io.Reader) (io.Reader, error)
	writer   func(w io.Writer, level int) (io.WriteCloser, error)
	// msg words a failure; what is one of the codecMsg constants.
	msg func(what codecMsg, file string, err error) string
	// badStatus is the status of data not in the format (1 for gzip and xz, 2 for bzip2),
	// skipStatus that of an operand skipped for its suffix or type (2 for xz, 1 for gzip
	// and bzip2).
	badStatus, skipStatus int
}

// codecSuffix is a suffix decompressing takes off, and what it puts back (.tgz: .tar).
type codecSuffix struct{ packed, plain string }

// codecFlag is an option a codec takes and ignores; arg: it takes a value.
type codecFlag struct {
	short rune
	long  string
	arg   bool
}

// codecNoSuffix is what decompressing does with a file that has none of the suffixes.
type codecNoSuffix int

const (
	noSuffixSkip  codecNoSuffix = iota // skip it (GNU gzip)
	noSuffixSniff                      // skip it, once its data is found in the format (xz-utils)
	noSuffixOut                        // decompress it to FILE.out, warning (bzip2)
)

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

// codecSay is a message to give: what went wrong, with which file, and why.
type codecSay struct {
	what codecMsg
	file string
	err  error
}

// errCodecFormat marks a stream that is not in the codec's format.
var errCodecFormat = errors.New("not in the format")

// codecFormatError is a stream not in the codec's format (errors.Is errCodecFormat),
// worded as its reader said.
type codecFormatError struct{ err error }

func (e codecFormatError) Error() string   { return e.err.Error() }
func (e codecFormatError) Unwrap() []error { return []error{errCodecFormat, e.err} }

// runCodec is gzip, gunzip, zcat, xz, unxz, xzcat, bzip2, bunzip2 and bzcat: -c -d -k -f
// -t -q -1..-9 (and the codec's own). A warning (a file skipped) exits 2, an error 1, as
// xz-utils and bzip2 do; gzip says 1 for both.
func runCodec(ctx context.Context, env *tools.Env, args []string, c *codec) int {
	name := filepath.Base(args[0])
	fset := gnuflag.New(name, c.usage)
	stdout := fset.Bool('c', "stdout")
	decompress := fset.Bool('d', "decompress")
	if c.z {
		fset.BoolFunc('z', "compress", func() { *decompress = false })
	}
	keep := fset.Bool('k', "keep")
	force := fset.Bool('f', "force")
	test := fset.Bool('t', "test")
	for _, f := range c.ignored {
		if f.arg {
			fset.Func(f.short, f.long, func(string) error { return nil })
		} else {
			fset.Bool(f.short, f.long)
		}
	}
	level := c.level
	for i := c.minLevel; i <= 9; i++ {
		l := i
		fset.BoolFunc(rune('0'+i), "", func() { level = l })
	}
	fset.BoolFunc(0, "fast", func() { level = 1 })
	fset.BoolFunc(0, "best", func() { level = 9 })
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	switch name {
	case c.unName:
		*decompress = true
	case c.catName:
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
					fail(c.badStatus, c.msg(msgNotFormat, c.stdin, err))
				} else {
					fail(1, c.msg(msgWrite, c.stdin, err))
				}
			}
			continue
		}
		s, says := c.file(env, op, out, *stdout, *decompress, *keep, *force, level)
		for _, m := range says {
			if *test && m.what == msgNotFormat {
				m.what = msgTestBad
			}
			first, rest, _ := strings.Cut(c.msg(m.what, m.file, m.err), "\n") // a message's lines
			fail(s, first)
			if rest != "" {
				fmt.Fprintln(env.Stderr, rest)
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
			return codecFormatError{err}
		}
		if _, err := io.Copy(w, zr); err != nil {
			return codecFormatError{err}
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
func (c *codec) file(env *tools.Env, op string, stdout io.Writer, toStdout, decompress, keep, force bool, level int) (int, []codecSay) {
	say := func(what codecMsg, file string, err error) []codecSay { return []codecSay{{what, file, err}} }
	src := env.Abs(op)
	in, err := os.Open(src)
	if err != nil {
		return 1, say(msgOpen, op, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return 1, say(msgOpen, op, err)
	}
	if fi.IsDir() {
		return c.skipStatus, say(msgIsDir, op, nil)
	}
	if toStdout {
		if err := c.stream(stdout, in, decompress, level); err != nil {
			if errors.Is(err, errCodecFormat) {
				return c.badStatus, say(msgNotFormat, op, err)
			}
			return 1, say(msgWrite, op, err)
		}
		return 0, nil
	}
	var dst string
	var note []codecSay
	status := 0
	if !decompress {
		if strings.HasSuffix(src, c.suffixes[0].packed) {
			return c.skipStatus, say(msgHasSuffix, op, nil)
		}
		dst = src + c.suffixes[0].packed
	}
	for _, s := range c.suffixes {
		if decompress && dst == "" && strings.HasSuffix(src, s.packed) && len(filepath.Base(src)) > len(s.packed) {
			dst = strings.TrimSuffix(src, s.packed) + s.plain
		}
	}
	if dst == "" {
		switch c.noSuffix {
		case noSuffixSniff:
			// xz-utils looks at the contents before the name.
			if _, err := c.reader(bufio.NewReader(in)); err != nil {
				return 1, say(msgNotFormat, op, err)
			}
		case noSuffixOut:
			note = say(msgNoSuffix, op, nil)
			dst, status = src+".out", 2
		}
		if dst == "" {
			return c.skipStatus, say(msgNoSuffix, op, nil)
		}
	}
	if _, err := os.Lstat(dst); err == nil && !force {
		// The name as the user gave it, as the Debian tools say it.
		return 1, say(msgExists, op[:len(op)-len(filepath.Base(op))]+filepath.Base(dst), nil)
	}
	os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return 1, say(msgOpen, dst, err)
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
		if note != nil {
			return status, append(note, say(what, op, err)...)
		}
		if what == msgNotFormat {
			return c.badStatus, say(what, op, err)
		}
		return 1, say(what, op, err)
	}
	_ = os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	if !keep {
		if err := os.Remove(src); err != nil {
			return 1, say(msgOpen, op, err)
		}
	}
	return status, note
}

// bytesReader reads b.
func bytesReader(b []byte) io.Reader { return strings.NewReader(string(b)) }
