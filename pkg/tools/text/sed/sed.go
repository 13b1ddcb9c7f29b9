package sed

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Sed is sed: stream editor.
var Sed = tools.Applet{Name: "sed", Summary: "stream editor", Run: runSed}

const sedUsage = `sed [-nEr] [-i[SUFFIX]] [-s] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE]...
addresses: N  $  /RE/  \cREc  FIRST~STEP  A1,A2  A1,+N  A!
commands: s/RE/REPL/[gpIN] y/abc/xyz/ p P d D q Q = a i c TEXT n N h H g G x
          b t T :LABEL { } l w FILE   (RE is basic unless -E; \1..\9 and & in REPL)`

func runSed(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("sed", sedUsage)
	quiet := fset.Bool('n', "quiet")
	fset.BoolFunc(0, "silent", func() { *quiet = true })
	var scripts []string
	fset.Func('e', "expression", func(v string) error { scripts = append(scripts, v); return nil })
	fset.Func('f', "file", func(v string) error {
		b, err := os.ReadFile(env.Abs(v))
		if err != nil {
			return fmt.Errorf("couldn't open file %s: %s", v, tools.Reason(err))
		}
		scripts = append(scripts, strings.TrimSuffix(string(b), "\n"))
		return nil
	})
	ere := fset.Bool('E', "regexp-extended")
	fset.BoolFunc('r', "", func() { *ere = true })
	separate := fset.Bool('s', "separate")
	fset.Bool('u', "unbuffered")
	fset.Bool(0, "posix")
	// --version: BusyBox's line, which configure scripts grep for "GNU sed version".
	version := fset.Bool(0, "version")
	inPlace := false
	suffix := ""
	a := args[1:]
	var rest []string
	for i := 0; i < len(a); i++ {
		s := a[i]
		switch {
		case s == "--":
			rest = append(rest, a[i:]...)
			i = len(a)
		case strings.HasPrefix(s, "--in-place"):
			inPlace = true
			_, suffix, _ = strings.Cut(s, "=")
		case len(s) > 1 && s[0] == '-' && s[1] != '-' && strings.Contains(s, "i") && !strings.ContainsAny(s[:strings.IndexByte(s, 'i')], "ef"):
			// -i[SUFFIX], possibly combined as -ni or -i.bak
			k := strings.IndexByte(s, 'i')
			inPlace = true
			suffix = s[k+1:]
			if pre := s[1:k]; pre != "" {
				rest = append(rest, "-"+pre)
			}
		default:
			rest = append(rest, s)
		}
	}
	ops, rc := fset.Parse(env, rest)
	if rc >= 0 {
		return rc
	}
	if *version {
		fmt.Fprintln(env.Stdout, "This is not GNU sed version 4.0")
		return 0
	}
	if len(scripts) == 0 {
		if len(ops) == 0 {
			fmt.Fprintf(env.Stderr, "Usage: %s\n", sedUsage)
			return 1
		}
		scripts, ops = []string{ops[0]}, ops[1:]
	}
	prog, err := parseSed(strings.Join(scripts, "\n"), *ere)
	if err != nil {
		env.Errorf("sed", "%v", err)
		return 1
	}
	if len(ops) == 0 {
		if inPlace {
			env.Errorf("sed", "no input files")
			return 1
		}
		ops = []string{"-"}
	}
	if inPlace {
		st := 0
		for _, op := range ops {
			if ctx.Err() != nil {
				return 1
			}
			p := env.Abs(op)
			fi, err := os.Stat(p)
			if err != nil {
				env.Errorf("sed", "can't read %s: %s", op, tools.Reason(err))
				st = 2
				continue
			}
			tmp, err := os.CreateTemp(filepath.Dir(p), ".sed*")
			if err != nil {
				env.Errorf("sed", "couldn't open temporary file: %s", tools.Reason(err))
				return 4
			}
			w := bufio.NewWriter(tmp)
			ex, errs := sedRunFiles(ctx, env, prog, *quiet, w, []string{op})
			w.Flush()
			tmp.Chmod(fi.Mode().Perm())
			tmp.Close()
			if errs > 0 {
				os.Remove(tmp.Name())
				st = 2
				continue
			}
			if suffix != "" {
				bak := suffix
				if strings.Contains(suffix, "*") {
					bak = strings.ReplaceAll(suffix, "*", filepath.Base(p))
				} else {
					bak = filepath.Base(p) + suffix
				}
				os.Link(p, filepath.Join(filepath.Dir(p), bak))
			}
			if err := os.Rename(tmp.Name(), p); err != nil {
				env.Errorf("sed", "cannot rename %s: %s", tmp.Name(), tools.Reason(err))
				os.Remove(tmp.Name())
				st = 4
			}
			if ex != 0 {
				return ex
			}
		}
		return st
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	if *separate {
		st := 0
		for _, op := range ops {
			ex, errs := sedRunFiles(ctx, env, prog, *quiet, w, []string{op})
			if errs > 0 {
				st = 2
			}
			if ex != 0 {
				return ex
			}
		}
		return st
	}
	ex, errs := sedRunFiles(ctx, env, prog, *quiet, w, ops)
	if ex != 0 {
		return ex
	}
	if errs > 0 {
		return 2
	}
	return 0
}

func sedRunFiles(ctx context.Context, env *tools.Env, prog *sedProg, quiet bool, w *bufio.Writer, files []string) (int, int) {
	for _, c := range prog.cmds {
		c.active, c.closed = false, false
	}
	r := &sedRun{prog: prog, quiet: quiet, out: &sedOutput{w: w}, env: env, in: &sedInput{env: env, files: files}, wfiles: map[string]*sedOutput{}}
	defer func() {
		for _, o := range r.wfiles {
			o.w.(*os.File).Close()
		}
	}()
	for ctx.Err() == nil {
		l, ok := r.in.read()
		if !ok {
			break
		}
		r.lineNo++
		if !r.cycle(append([]byte(nil), l...)) {
			break
		}
	}
	_ = io.EOF
	return r.exit, r.in.errs
}
