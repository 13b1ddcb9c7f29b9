package text

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Cmp is cmp [-bls] [-i SKIP1[:SKIP2]] [-n LIMIT] FILE1 [FILE2 [SKIP1 [SKIP2]]]: compare
// two files byte by byte, as GNU diffutils' cmp. Exit 0 same, 1 different, 2 trouble.
//
//	-b  print the differing bytes     -l  print every difference (offset and octal bytes)
//	-s  print nothing, the status tells   -i  skip bytes first   -n  compare at most LIMIT bytes
var Cmp = tools.Applet{Name: "cmp", Summary: "compare two files byte by byte", Run: runCmp}

const cmpUsage = `cmp [OPTION]... FILE1 [FILE2 [SKIP1 [SKIP2]]]
  -b, --print-bytes          print differing bytes
  -i, --ignore-initial=SKIP1[:SKIP2]  skip the first SKIP bytes of the inputs
  -l, --verbose              output byte numbers and differing byte values
  -n, --bytes=LIMIT          compare at most LIMIT bytes
  -s, --quiet, --silent      suppress all normal output`

func cmpTrouble(env *tools.Env, format string, a ...any) int {
	env.Errorf("cmp", format, a...)
	fmt.Fprintln(env.Stderr, "cmp: Try 'cmp --help' for more information.")
	return 2
}

// cmpCount is cmp's SKIP and LIMIT: GNU's suffixes (kB, K, KiB, MB, M, ... up to Y, in
// either case), digits after a leading 0 octal.
var cmpCount = humanize.SizeSyntax{Octal: true, Powers: "KMGTPEZY", FoldCase: true, Units: true}

// cmpSkip parses a byte count of cmp.
func cmpSkip(v string) (int64, bool) {
	n, err := humanize.ParseSize(v, cmpCount)
	return n, err == nil
}

func runCmp(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("cmp", cmpUsage)
	printBytes := fset.Bool('b', "print-bytes")
	verbose := fset.Bool('l', "verbose")
	quiet := fset.Bool('s', "quiet")
	fset.BoolFunc(0, "silent", func() { *quiet = true })
	ignore := fset.String('i', "ignore-initial", "")
	limitArg := fset.String('n', "bytes", "")
	args = args[1:]
	ops, err := fset.ParseArgs(args)
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, cmpUsage)
	}
	if err != nil {
		return cmpTrouble(env, "%v", err)
	}
	if *verbose && *quiet {
		return cmpTrouble(env, "options -l and -s are incompatible")
	}
	var skip [2]int64
	if *ignore != "" {
		a, b, two := strings.Cut(*ignore, ":")
		var ok1, ok2 bool
		skip[0], ok1 = cmpSkip(a)
		skip[1], ok2 = skip[0], ok1
		if two {
			skip[1], ok2 = cmpSkip(b)
		}
		if !ok1 || !ok2 {
			return cmpTrouble(env, "invalid --ignore-initial value '%s'", *ignore)
		}
	}
	limit := int64(-1)
	if *limitArg != "" {
		n, ok := cmpSkip(*limitArg)
		if !ok {
			return cmpTrouble(env, "invalid --bytes value '%s'", *limitArg)
		}
		limit = n
	}
	switch {
	case len(ops) == 0:
		return cmpTrouble(env, "missing operand after 'cmp'")
	case len(ops) > 4:
		return cmpTrouble(env, "extra operand '%s'", ops[4])
	}
	for i := 2; i < len(ops); i++ {
		n, ok := cmpSkip(ops[i])
		if !ok {
			return cmpTrouble(env, "invalid --ignore-initial value '%s'", ops[i])
		}
		skip[i-2] = n
	}
	names := [2]string{ops[0], "-"}
	if len(ops) > 1 {
		names[1] = ops[1]
	}
	var rs [2]*bufio.Reader
	var sizes [2]int64
	var files [2]os.FileInfo
	for i, n := range names {
		r, closeIt, err := tools.OpenInput(env, n)
		if err != nil {
			env.Errorf("cmp", "%s: %s", n, tools.Reason(err))
			return 2
		}
		defer closeIt()
		sizes[i] = -1
		if f, ok := r.(*os.File); ok && n != "-" {
			if fi, err := f.Stat(); err == nil {
				files[i] = fi
				if fi.Mode().IsRegular() {
					sizes[i] = max(fi.Size()-skip[i], 0)
				}
			}
		}
		br := bufio.NewReaderSize(r, 64<<10)
		if _, err := br.Discard(int(skip[i])); err != nil && err != io.EOF {
			env.Errorf("cmp", "%s: %s", n, tools.Reason(err))
			return 2
		}
		rs[i] = br
	}
	if files[0] != nil && files[1] != nil && os.SameFile(files[0], files[1]) && skip[0] == skip[1] {
		return 0
	}
	width := 1
	if *verbose {
		maxOff := int64(1<<63 - 1)
		if limit >= 0 {
			maxOff = limit
		}
		for _, s := range sizes {
			if s >= 0 && s < maxOff {
				maxOff = s
			}
		}
		width = len(strconv.FormatInt(maxOff, 10))
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	var offset, line int64 = 0, 1
	lastNL := false
	differ := false
	for limit < 0 || offset < limit {
		if offset&0xffff == 0 && ctx.Err() != nil {
			return 2
		}
		c0, err0 := rs[0].ReadByte()
		c1, err1 := rs[1].ReadByte()
		if err0 != nil || err1 != nil {
			for i, err := range []error{err0, err1} {
				if err != nil && err != io.EOF {
					out.Flush()
					env.Errorf("cmp", "%s: %s", names[i], tools.Reason(err))
					return 2
				}
			}
			if err0 != nil && err1 != nil {
				break
			}
			short := names[0]
			if err1 != nil {
				short = names[1]
			}
			if !*quiet {
				out.Flush()
				switch {
				case offset == 0:
					fmt.Fprintf(env.Stderr, "cmp: EOF on %s which is empty\n", short)
				case *verbose:
					fmt.Fprintf(env.Stderr, "cmp: EOF on %s after byte %d\n", short, offset)
				case lastNL:
					fmt.Fprintf(env.Stderr, "cmp: EOF on %s after byte %d, line %d\n", short, offset, line-1)
				default:
					fmt.Fprintf(env.Stderr, "cmp: EOF on %s after byte %d, in line %d\n", short, offset, line)
				}
			}
			return 1
		}
		offset++
		if c0 != c1 {
			differ = true
			switch {
			case *quiet:
				return 1
			case *verbose && *printBytes:
				fmt.Fprintf(out, "%*d %3o %-4s %3o %s\n", width, offset, c0, cmpVis(c0), c1, cmpVis(c1))
			case *verbose:
				fmt.Fprintf(out, "%*d %3o %3o\n", width, offset, c0, c1)
			case *printBytes:
				fmt.Fprintf(out, "%s %s differ: byte %d, line %d is %3o %s %3o %s\n", names[0], names[1], offset, line, c0, cmpVis(c0), c1, cmpVis(c1))
				return 1
			default:
				fmt.Fprintf(out, "%s %s differ: char %d, line %d\n", names[0], names[1], offset, line)
				return 1
			}
		}
		lastNL = c0 == '\n'
		if lastNL {
			line++
		}
	}
	if differ {
		return 1
	}
	return 0
}

// cmpVis shows a byte as cat -v does (^A, M-a, M-^?).
func cmpVis(c byte) string {
	s := ""
	if c >= 0x80 {
		s, c = "M-", c-0x80
	}
	switch {
	case c < 0x20:
		return s + "^" + string(rune(c+'@'))
	case c == 0x7f:
		return s + "^?"
	}
	return s + string(rune(c))
}
