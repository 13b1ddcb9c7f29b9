package text

import (
	"bufio"
	"context"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Paste is paste: merge lines of files.
var Paste = tools.Applet{Name: "paste", Summary: "merge lines of files", Run: runPaste}

func runPaste(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("paste", "paste [-s] [-d LIST] [FILE]...")
	delims := fset.String('d', "delimiters", "\t")
	serial := fset.Bool('s', "serial")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	ds, _ := expandSet(*delims)
	if len(ds) == 0 {
		ds = []rune{0}
	}
	delim := func(i int) string {
		d := ds[i%len(ds)]
		if d == 0 {
			return ""
		}
		return string(d)
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	files := make([][][]byte, len(ops))
	longest := 0
	st := 0
	for i, op := range ops {
		// One that does not open ends paste before it writes; one that fails when read
		// (a directory) is reported and pasted as empty, as GNU.
		opened := false
		st = max(st, tools.Operands{Name: "paste", Lazy: true}.Each(ctx, env, []string{op}, func(_ string, r io.Reader) error {
			opened = true
			var err error
			files[i], err = appendLines(nil, r, false)
			return err
		}))
		if !opened {
			return 1
		}
		longest = max(longest, len(files[i]))
	}
	if *serial {
		for _, f := range files {
			for i, l := range f {
				if i > 0 {
					w.WriteString(delim(i - 1))
				}
				w.Write(l)
			}
			w.WriteByte('\n')
		}
		return st
	}
	for r := 0; r < longest; r++ {
		for i, f := range files {
			if i > 0 {
				w.WriteString(delim(i - 1))
			}
			if r < len(f) {
				w.Write(f[r])
			}
		}
		w.WriteByte('\n')
	}
	return st
}
