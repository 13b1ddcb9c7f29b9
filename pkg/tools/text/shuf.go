package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Shuf is shuf [-rz] [-n COUNT] [-o FILE] [FILE | -e ARG... | -i LO-HI]: print the lines
// of FILE, the ARGs or the numbers LO to HI in random order, as GNU shuf.
//
//	-n  at most COUNT lines   -r  draw with replacement (for ever without -n)
//	-o  write to FILE   -z  lines end with NUL   --random-source=FILE  seed from FILE
var Shuf = tools.Applet{Name: "shuf", Summary: "print lines in random order", Run: runShuf}

const shufUsage = `shuf [OPTION]... [FILE]
  or:  shuf -e [OPTION]... [ARG]...
  or:  shuf -i LO-HI [OPTION]...
  -e, --echo                treat each ARG as an input line
  -i, --input-range=LO-HI   treat each number LO through HI as an input line
  -n, --head-count=COUNT    output at most COUNT lines
  -o, --output=FILE         write result to FILE instead of standard output
      --random-source=FILE  get random bytes from FILE (the same FILE, the same order)
  -r, --repeat              output lines can be repeated
  -z, --zero-terminated     line delimiter is NUL, not newline`

func runShuf(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("shuf", shufUsage)
	echo := fset.Bool('e', "echo")
	rangeArg, rangeSet := fset.StringSet('i', "input-range", "")
	countArg, countSet := fset.StringSet('n', "head-count", "")
	output := fset.String('o', "output", "")
	source := fset.String(0, "random-source", "")
	repeat := fset.Bool('r', "repeat")
	zero := fset.Bool('z', "zero-terminated")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	usage := func(format string, a ...any) int {
		env.Errorf("shuf", format, a...)
		fmt.Fprintln(env.Stderr, "Try 'shuf --help' for more information.")
		return 1
	}
	if *echo && *rangeSet {
		return usage("cannot combine -e and -i options")
	}
	count := int64(-1)
	if *countSet {
		n, err := strconv.ParseInt(*countArg, 10, 64)
		if err != nil || n < 0 {
			env.Errorf("shuf", "invalid line count: '%s'", *countArg)
			return 1
		}
		count = n
	}
	delim := byte('\n')
	if *zero {
		delim = 0
	}
	var lines [][]byte
	var lo, hi uint64
	switch {
	case *rangeSet:
		if len(ops) > 0 {
			return usage("extra operand '%s'", ops[0])
		}
		a, b, ok := strings.Cut(*rangeArg, "-")
		var err1, err2 error
		lo, err1 = strconv.ParseUint(a, 10, 64)
		hi, err2 = strconv.ParseUint(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || hi+1 < lo {
			env.Errorf("shuf", "invalid input range: '%s'", *rangeArg)
			return 1
		}
	case *echo:
		for _, op := range ops {
			lines = append(lines, []byte(op))
		}
	default:
		if len(ops) > 1 {
			return usage("extra operand '%s'", ops[1])
		}
		var in io.Reader = env.Stdin
		if len(ops) == 1 {
			r, closeIt, err := tools.OpenOperand(env, ops[0])
			if err != nil {
				env.Errorf("shuf", "%s: %s", ops[0], tools.Reason(err))
				return 1
			}
			defer closeIt()
			in = r
		}
		data, err := io.ReadAll(in)
		if err != nil {
			env.Errorf("shuf", "read error: %s", tools.Reason(err))
			return 1
		}
		if len(data) > 0 {
			lines = bytes.Split(bytes.TrimSuffix(data, []byte{delim}), []byte{delim})
		}
	}
	rng, err := shufRand(env, *source)
	if err != nil {
		env.Errorf("shuf", "%v", err)
		return 1
	}
	total := uint64(len(lines))
	if *rangeSet {
		total = hi - lo + 1
	}
	item := func(i uint64) []byte {
		if *rangeSet {
			return strconv.AppendUint(nil, lo+i, 10)
		}
		return lines[i]
	}
	var w io.Writer = env.Stdout
	if *output != "" {
		f, err := os.Create(env.Abs(*output))
		if err != nil {
			env.Errorf("shuf", "%s: %s", *output, tools.Reason(err))
			return 1
		}
		defer f.Close()
		w = f
	}
	out := bufio.NewWriterSize(w, 64<<10)
	emit := func(b []byte) bool {
		out.Write(b)
		if err := out.WriteByte(delim); err != nil {
			return false
		}
		return true
	}
	if *repeat {
		if total == 0 {
			if count == 0 {
				return 0
			}
			env.Errorf("shuf", "no lines to repeat")
			return 1
		}
		for i := int64(0); count < 0 || i < count; i++ {
			if i&0xfff == 0 && ctx.Err() != nil {
				return 1
			}
			if !emit(item(rng.Uint64N(total))) {
				break
			}
		}
	} else {
		n := total
		if count >= 0 && uint64(count) < n {
			n = uint64(count)
		}
		// A partial Fisher-Yates over the indexes: only the n drawn are moved, so that
		// shuf -n 3 -i 1-1000000000 needs no table of a billion numbers.
		moved := map[uint64]uint64{}
		at := func(i uint64) uint64 {
			if v, ok := moved[i]; ok {
				return v
			}
			return i
		}
		for i := uint64(0); i < n; i++ {
			j := i + rng.Uint64N(total-i)
			vi, vj := at(i), at(j)
			moved[j] = vi
			if !emit(item(vj)) {
				break
			}
		}
	}
	if err := out.Flush(); err != nil {
		env.Errorf("shuf", "write error: %s", tools.Reason(err))
		return 1
	}
	return 0
}

// shufRand is the generator: seeded from --random-source FILE (the same file, the same
// order; GNU's own order is not reproduced) or at random.
func shufRand(env *tools.Env, source string) (*rand.Rand, error) {
	if source == "" {
		return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), nil
	}
	f, err := os.Open(env.Abs(source))
	if err != nil {
		return nil, fmt.Errorf("%s: %s", source, tools.Reason(err))
	}
	defer f.Close()
	h := fnv.New128a()
	if _, err := io.CopyN(h, f, 1<<20); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %s", source, tools.Reason(err))
	}
	sum := h.Sum(nil)
	var a, b uint64
	for i := 0; i < 8; i++ {
		a, b = a<<8|uint64(sum[i]), b<<8|uint64(sum[8+i])
	}
	return rand.New(rand.NewPCG(a, b)), nil
}
