package files

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Du is du: estimate file space usage.
var Du = tools.Applet{Name: "du", Summary: "estimate file space usage", Run: runDu}

func runDu(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("du", `du [-sahckmbxl] [-d N] [FILE]...
  -s summary only  -a all files  -h human  -c total  -k KiB (default)  -m MiB  -b apparent bytes
  -d N / --max-depth=N  print up to depth N  -x stay on one file system  --apparent-size
  -l / --count-links  count a file of several hard links each time it is met`)
	summary := fset.Bool('s', "summarize")
	countLinks := fset.Bool('l', "count-links")
	all := fset.Bool('a', "all")
	human := fset.Bool('h', "human-readable")
	total := fset.Bool('c', "total")
	fset.Bool('k', "")
	mega := fset.Bool('m', "")
	apparent := fset.Bool(0, "apparent-size")
	bytesUnit := false
	fset.BoolFunc('b', "bytes", func() { *apparent, bytesUnit = true, true })
	xdev := fset.Bool('x', "one-file-system")
	depth := fset.Int('d', "max-depth", -1)
	fset.Bool('L', "dereference")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *summary {
		*depth = 0
	}
	if len(ops) == 0 {
		ops = []string{"."}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	show := func(n int64, name string) {
		var s string
		switch {
		case *human:
			s = humanize.Size(uint64(n), humanize.GNU)
		case bytesUnit:
			s = strconv.FormatInt(n, 10)
		case *mega:
			s = strconv.FormatInt((n+(1<<20)-1)>>20, 10)
		default:
			s = strconv.FormatInt((n+1023)/1024, 10)
		}
		w.WriteString(s + "\t" + name + "\n")
	}
	st := 0
	seen := map[[2]uint64]bool{}
	var grand int64
	var walk func(p, shown string, fi fs.FileInfo, d int, dev uint64) int64
	walk = func(p, shown string, fi fs.FileInfo, d int, dev uint64) int64 {
		s := sysStat(fi)
		if s.Nlink > 1 && !fi.IsDir() && !*countLinks {
			k := [2]uint64{uint64(s.Dev), s.Ino}
			if seen[k] {
				return 0
			}
			seen[k] = true
		}
		size := s.Blocks * 512
		if *apparent {
			size = fi.Size()
		}
		if fi.IsDir() && ctx.Err() == nil && !(*xdev && uint64(s.Dev) != dev) {
			ents, err := os.ReadDir(p)
			if err != nil {
				w.Flush()
				env.Errorf("du", "cannot read directory '%s': %s", shown, tools.Reason(err))
				st = 1
			}
			for _, e := range ents {
				cp := filepath.Join(p, e.Name())
				cfi, err := os.Lstat(cp)
				if err != nil {
					continue
				}
				if *xdev && uint64(sysStat(cfi).Dev) != dev {
					continue
				}
				size += walk(cp, shown+"/"+e.Name(), cfi, d+1, dev)
			}
			if *depth < 0 || d <= *depth {
				show(size, shown)
			}
		} else if (*all || d == 0) && (*depth < 0 || d <= *depth) {
			show(size, shown)
		}
		return size
	}
	for _, op := range ops {
		p := env.Abs(op)
		fi, err := os.Lstat(p)
		if err != nil {
			env.Errorf("du", "cannot access '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		grand += walk(p, strings.TrimSuffix(op, "/")+map[bool]string{true: "/", false: ""}[op == "/"], fi, 0, uint64(sysStat(fi).Dev))
	}
	if *total {
		show(grand, "total")
	}
	return st
}
