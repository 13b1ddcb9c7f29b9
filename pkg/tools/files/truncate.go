package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Truncate is truncate [-co] -s [+-<>/%]SIZE | -r RFILE FILE...: shrink or extend files to a
// size, as GNU truncate.
//
//	-s  the size (K, KB, KiB, M, ... suffixes), or +/- that much, or at most (<), at
//	    least (>), rounded down (/) or up (%) to a multiple of it
//	-r  the size of RFILE   -c  do not create missing files   -o  SIZE is in I/O blocks
var Truncate = tools.Applet{Name: "truncate", Summary: "shrink or extend files to a size", Run: runTruncate}

const truncateUsage = `truncate OPTION... FILE...
  -c, --no-create        do not create any files
  -o, --io-blocks        treat SIZE as number of IO blocks instead of bytes
  -r, --reference=RFILE  base size on RFILE
  -s, --size=SIZE        set or adjust the file size by SIZE bytes
SIZE may have a suffix K, KB, KiB, M, MB, MiB, ... and a prefix: + extend by, - reduce by,
< at most, > at least, / round down to a multiple of, % round up to a multiple of.`

// gnuSize is the count of truncate -s and split -b/-l/-C: GNU's multiplicative suffixes,
// K M G T P E in either case (powers of 1024, also KiB ...), KB MB ... (powers of 1000),
// b (512), c (1), w (2), and a sign.
var gnuSize = humanize.SizeSyntax{Sign: true, Powers: "KMGTPE", FoldCase: true, Units: true, Blocks: true}

func runTruncate(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("truncate", truncateUsage)
	noCreate := fset.Bool('c', "no-create")
	ioBlocks := fset.Bool('o', "io-blocks")
	ref, refSet := fset.StringSet('r', "reference", "")
	sizeArg, sizeSet := fset.StringSet('s', "size", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	usage := func(msg string) int {
		env.Errorf("truncate", "%s", msg)
		fmt.Fprintln(env.Stderr, "Try 'truncate --help' for more information.")
		return 1
	}
	var mode byte
	var size int64
	if *sizeSet {
		v := *sizeArg
		if v != "" && strings.IndexByte("+-<>/%", v[0]) >= 0 {
			mode, v = v[0], strings.TrimLeft(v[1:], " ")
		}
		n, err := humanize.ParseSize(v, gnuSize)
		if errors.Is(err, humanize.ErrRange) {
			env.Errorf("truncate", "Invalid number: '%s': %v", *sizeArg, humanize.ErrRange)
			return 1
		}
		if err != nil || n < 0 && mode != 0 {
			env.Errorf("truncate", "Invalid number: '%s'", *sizeArg)
			return 1
		}
		if (mode == '/' || mode == '%') && n == 0 {
			env.Errorf("truncate", "division by zero")
			return 1
		}
		size = n
	}
	switch {
	case !*sizeSet && !*refSet:
		return usage("you must specify either '--size' or '--reference'")
	case *refSet && *sizeSet && mode == 0:
		return usage("you must specify a relative '--size' with '--reference'")
	case *ioBlocks && !*sizeSet:
		return usage("'--io-blocks' was specified but '--size' was not")
	case len(ops) == 0:
		return usage("missing file operand")
	}
	refSize := int64(-1)
	if *refSet {
		fi, err := os.Stat(env.Abs(*ref))
		if err != nil {
			env.Errorf("truncate", "cannot stat '%s': %s", *ref, tools.Reason(err))
			return 1
		}
		refSize = fi.Size()
	}
	st := 0
	for _, op := range ops {
		flag := os.O_WRONLY | os.O_CREATE
		if *noCreate {
			flag = os.O_WRONLY
		}
		f, err := os.OpenFile(env.Abs(op), flag, 0o666)
		if err != nil {
			if *noCreate && os.IsNotExist(err) {
				continue
			}
			env.Errorf("truncate", "cannot open '%s' for writing: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if err := truncateOne(f, op, size, mode, refSize, *ioBlocks); err != nil {
			env.Errorf("truncate", "%v", err)
			st = 1
		}
		f.Close()
	}
	return st
}

func truncateOne(f *os.File, op string, size int64, mode byte, refSize int64, ioBlocks bool) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot fstat '%s': %s", op, tools.Reason(err))
	}
	if ioBlocks {
		bs := int64(512)
		if s := sysStat(fi); s != nil && s.Blksize > 0 {
			bs = int64(s.Blksize)
		}
		size *= bs
	}
	cur := fi.Size()
	if refSize >= 0 {
		cur = refSize
	}
	n := size
	switch mode {
	case '+':
		n = cur + size
	case '-':
		n = cur - size
	case '<':
		n = min(cur, size)
	case '>':
		n = max(cur, size)
	case '/':
		n = cur / size * size
	case '%':
		n = (cur + size - 1) / size * size
	}
	if refSize >= 0 && mode == 0 {
		n = refSize
	}
	if n < 0 {
		n = 0
	}
	if err := f.Truncate(n); err != nil {
		return fmt.Errorf("failed to truncate '%s' at %d bytes: %s", op, n, tools.Reason(err))
	}
	return nil
}
