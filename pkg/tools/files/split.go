package files

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Split is split [-l LINES | -b SIZE | -C SIZE | -n CHUNKS] [-a LEN] [-d | -x] [INPUT [PREFIX]]:
// split a file into pieces PREFIXaa, PREFIXab, ... (x by default), as GNU split.
//
//	-l  LINES lines each (1000)   -b  SIZE bytes each   -C  at most SIZE bytes of whole lines
//	-n  N, l/N (whole lines), r/N (round robin), K/N, l/K/N, r/K/N (chunk K to stdout)
//	-a  suffix length   -d, -x  numeric, hex suffixes   -e  no empty files with -n
var Split = tools.Applet{Name: "split", Summary: "split a file into pieces", Run: runSplit}

const splitUsage = `split [OPTION]... [FILE [PREFIX]]
  -a, --suffix-length=N   generate suffixes of length N (default 2)
      --additional-suffix=SUFFIX  append SUFFIX to file names
  -b, --bytes=SIZE        put SIZE bytes per output file
  -C, --line-bytes=SIZE   put at most SIZE bytes of records per output file
  -d                      use numeric suffixes starting at 0, not alphabetic
      --numeric-suffixes[=FROM], --hex-suffixes[=FROM]  the same, starting at FROM
  -e, --elide-empty-files do not generate empty output files with '-n'
  -l, --lines=NUMBER      put NUMBER lines/records per output file
  -n, --number=CHUNKS     generate CHUNKS output files: N, K/N, l/N, l/K/N, r/N, r/K/N
  -t, --separator=SEP     use SEP instead of newline as the record separator
  -x                      use hex suffixes starting at 0, not alphabetic
      --verbose           print a diagnostic just before each output file is opened`

type splitter struct {
	env               *tools.Env
	prefix, addSuffix string
	alphabet          string
	width             int
	auto              bool
	next              int64 // the number of the next file
	verbose, elide    bool
	out               *os.File
	outBuf            *bufio.Writer
	name              string
}

var errSuffixes = errors.New("output file suffixes exhausted")

// open closes the current piece and creates the next.
func (s *splitter) open() error {
	if err := s.close(); err != nil {
		return err
	}
	n := int64(len(s.alphabet))
	// Auto-widening (no -a): once the first digit would be the alphabet's last, that
	// digit joins the prefix and the suffix grows by one (xyz, xzaaa, ...).
	for s.auto {
		span := int64(1)
		for i := 1; i < s.width; i++ {
			span *= n
		}
		if s.next < (n-1)*span {
			break
		}
		s.next -= (n - 1) * span
		s.prefix += s.alphabet[n-1:]
		s.width++
	}
	suf := make([]byte, s.width)
	v := s.next
	for i := s.width - 1; i >= 0; i-- {
		suf[i] = s.alphabet[v%n]
		v /= n
	}
	if v > 0 {
		return errSuffixes
	}
	s.next++
	s.name = s.prefix + string(suf) + s.addSuffix
	if s.verbose {
		fmt.Fprintf(s.env.Stdout, "creating file '%s'\n", s.name)
	}
	f, err := os.OpenFile(s.env.Abs(s.name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return fmt.Errorf("%s: %s", s.name, tools.Reason(err))
	}
	s.out, s.outBuf = f, bufio.NewWriterSize(f, 64<<10)
	return nil
}

func (s *splitter) close() error {
	if s.out == nil {
		return nil
	}
	err := s.outBuf.Flush()
	if cerr := s.out.Close(); err == nil {
		err = cerr
	}
	s.out = nil
	if err != nil {
		return fmt.Errorf("%s: %s", s.name, tools.Reason(err))
	}
	return nil
}

func (s *splitter) write(p []byte) error {
	if _, err := s.outBuf.Write(p); err != nil {
		return fmt.Errorf("%s: %s", s.name, tools.Reason(err))
	}
	return nil
}

func runSplit(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("split", splitUsage)
	s := &splitter{env: env, prefix: "x", alphabet: "abcdefghijklmnopqrstuvwxyz", width: 2, auto: true}
	var bad error
	setBad := func(err error) {
		if bad == nil {
			bad = err
		}
	}
	mode, modeArg := byte('l'), "1000"
	modes := 0
	setMode := func(m byte) func(string) error {
		return func(v string) error { mode, modeArg = m, v; modes++; return nil }
	}
	fset.Func('l', "lines", setMode('l'))
	fset.Func('b', "bytes", setMode('b'))
	fset.Func('C', "line-bytes", setMode('C'))
	fset.Func('n', "number", setMode('n'))
	fset.Func('a', "suffix-length", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			setBad(fmt.Errorf("invalid suffix length: '%s'", v))
			return nil
		}
		s.width, s.auto = n, false
		return nil
	})
	from := ""
	fset.BoolFunc('d', "", func() { s.alphabet = "0123456789" })
	fset.BoolFunc('x', "", func() { s.alphabet = "0123456789abcdef" })
	fset.Func(0, "numeric-suffixes", func(v string) error { s.alphabet, from = "0123456789", v; return nil })
	fset.Func(0, "hex-suffixes", func(v string) error { s.alphabet, from = "0123456789abcdef", v; return nil })
	fset.Func(0, "additional-suffix", func(v string) error {
		if strings.Contains(v, "/") {
			setBad(fmt.Errorf("invalid suffix '%s', contains directory separator", v))
		}
		s.addSuffix = v
		return nil
	})
	sep := byte('\n')
	fset.Func('t', "separator", func(v string) error {
		switch {
		case v == `\0`:
			sep = 0
		case len(v) == 1:
			sep = v[0]
		default:
			setBad(fmt.Errorf("multi-character separator '%s'", v))
		}
		return nil
	})
	fset.BoolFunc('e', "elide-empty-files", func() { s.elide = true })
	fset.BoolFunc(0, "verbose", func() { s.verbose = true })
	// --numeric-suffixes and --hex-suffixes take an optional FROM.
	argv := append([]string(nil), args[1:]...)
	for i, a := range argv {
		if a == "--numeric-suffixes" || a == "--hex-suffixes" {
			argv[i] = a + "="
		}
	}
	ops, rc := fset.Parse(env, argv)
	if rc >= 0 {
		return rc
	}
	usage := func(format string, a ...any) int {
		env.Errorf("split", format, a...)
		fmt.Fprintln(env.Stderr, "Try 'split --help' for more information.")
		return 1
	}
	if bad != nil {
		env.Errorf("split", "%v", bad)
		return 1
	}
	if modes > 1 {
		return usage("cannot split in more than one way")
	}
	if len(ops) > 2 {
		return usage("extra operand '%s'", ops[2])
	}
	if from != "" {
		n, err := strconv.ParseInt(from, len(s.alphabet), 64)
		if err != nil || n < 0 {
			env.Errorf("split", "invalid start value for numerical suffix: '%s'", from)
			return 1
		}
		s.next, s.auto = n, false
	}
	input := "-"
	if len(ops) > 0 {
		input = ops[0]
	}
	if len(ops) > 1 {
		s.prefix = ops[1]
	}
	var in io.Reader = env.Stdin
	if input != "-" {
		f, err := os.Open(env.Abs(input))
		if err != nil {
			env.Errorf("split", "cannot open '%s' for reading: %s", input, tools.Reason(err))
			return 1
		}
		defer f.Close()
		in = f
	}
	var err error
	switch mode {
	case 'l', 'b', 'C':
		n, perr := humanize.ParseSize(modeArg, gnuSize)
		if perr != nil || n <= 0 {
			what := map[byte]string{'l': "number of lines", 'b': "number of bytes", 'C': "number of bytes"}[mode]
			switch {
			case errors.Is(perr, humanize.ErrRange):
				env.Errorf("split", "invalid %s: '%s': %v", what, modeArg, humanize.ErrRange)
			case perr == nil:
				env.Errorf("split", "invalid %s: '%s': Numerical result out of range", what, modeArg)
			default:
				env.Errorf("split", "invalid %s: '%s'", what, modeArg)
			}
			return 1
		}
		err = s.stream(ctx, bufio.NewReaderSize(in, 64<<10), mode, n, sep)
	case 'n':
		err = s.chunks(ctx, in, modeArg, sep)
	}
	if cerr := s.close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ue, ok := err.(splitUsageError); ok {
			return usage("%s", string(ue))
		}
		env.Errorf("split", "%v", err)
		return 1
	}
	return 0
}

type splitUsageError string

func (e splitUsageError) Error() string { return string(e) }

// stream splits by lines (-l), bytes (-b) or whole lines up to a size (-C).
func (s *splitter) stream(ctx context.Context, r *bufio.Reader, mode byte, n int64, sep byte) error {
	var used int64 // lines or bytes in the current piece
	for ctx.Err() == nil {
		if mode == 'b' {
			buf := make([]byte, 64<<10)
			k, err := r.Read(buf)
			for p := buf[:k]; len(p) > 0; {
				if s.out == nil || used == n {
					if err := s.open(); err != nil {
						return err
					}
					used = 0
				}
				m := min(int64(len(p)), n-used)
				if err := s.write(p[:m]); err != nil {
					return err
				}
				used += m
				p = p[m:]
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			continue
		}
		line, err := r.ReadSlice(sep)
		if err == bufio.ErrBufferFull {
			rest, err2 := r.ReadBytes(sep)
			line, err = append(append([]byte(nil), line...), rest...), err2
		}
		for len(line) > 0 {
			switch mode {
			case 'l':
				if s.out == nil || used == n {
					if err := s.open(); err != nil {
						return err
					}
					used = 0
				}
				if err := s.write(line); err != nil {
					return err
				}
				used++
				line = nil
			case 'C':
				if s.out == nil || used+int64(len(line)) > n && used > 0 {
					if err := s.open(); err != nil {
						return err
					}
					used = 0
				}
				m := min(int64(len(line)), n-used)
				if err := s.write(line[:m]); err != nil {
					return err
				}
				used += m
				line = line[m:]
				if len(line) > 0 {
					used = n
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// chunks is -n: N files of equal size (whole lines with l/, lines dealt in turn with r/),
// or chunk K of N alone to standard output.
func (s *splitter) chunks(ctx context.Context, in io.Reader, spec string, sep byte) error {
	kind := byte(0)
	rest := spec
	if len(rest) > 1 && (rest[0] == 'l' || rest[0] == 'r') && rest[1] == '/' {
		kind, rest = rest[0], rest[2:]
	}
	var k int64
	nStr := rest
	if a, b, ok := strings.Cut(rest, "/"); ok {
		kk, err := strconv.ParseInt(a, 10, 64)
		if err != nil || kk <= 0 {
			return fmt.Errorf("invalid chunk number: '%s'", a)
		}
		k, nStr = kk, b
	}
	n, err := strconv.ParseInt(nStr, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("invalid number of chunks: '%s'", nStr)
	}
	if k > n {
		return fmt.Errorf("invalid chunk number: '%d': Numerical result out of range", k)
	}
	if s.auto {
		s.auto = false
		for cap, w := int64(len(s.alphabet)*len(s.alphabet)), 2; ; w++ {
			if s.next+n <= cap {
				s.width = max(s.width, w)
				break
			}
			cap *= int64(len(s.alphabet))
		}
	}
	if kind == 'r' {
		return s.roundRobin(ctx, bufio.NewReaderSize(in, 64<<10), n, k, sep)
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	size := int64(len(data))
	chunk := size / n
	start := int64(0)
	for i := int64(1); i <= n; i++ {
		end := i * chunk
		if i == n {
			end = size
		}
		if kind == 'l' {
			if start > end {
				end = start
			} else if end < size && end > 0 {
				if j := bytes.IndexByte(data[end-1:], sep); j >= 0 {
					end += int64(j)
				} else {
					end = size
				}
			}
		}
		if kind != 'l' {
			start = (i - 1) * chunk
		}
		piece := data[min(start, size):min(end, size)]
		start = end
		if k > 0 {
			if i == k {
				_, err := s.env.Stdout.Write(piece)
				return err
			}
			continue
		}
		if s.elide && len(piece) == 0 {
			continue
		}
		if err := s.open(); err != nil {
			return err
		}
		if err := s.write(piece); err != nil {
			return err
		}
	}
	return nil
}

func (s *splitter) roundRobin(ctx context.Context, r *bufio.Reader, n, k int64, sep byte) error {
	var files []*splitter
	if k == 0 {
		for i := int64(0); i < n; i++ {
			f := *s
			f.next = s.next + i
			if err := f.open(); err != nil {
				return err
			}
			files = append(files, &f)
		}
		defer func() {
			for _, f := range files {
				f.close()
			}
		}()
	}
	for i := int64(0); ctx.Err() == nil; i++ {
		line, err := r.ReadBytes(sep)
		if len(line) > 0 {
			switch {
			case k == 0:
				if werr := files[i%n].write(line); werr != nil {
					return werr
				}
			case i%n == k-1:
				if _, werr := s.env.Stdout.Write(line); werr != nil {
					return werr
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := f.close(); err != nil {
			return err
		}
	}
	return ctx.Err()
}
