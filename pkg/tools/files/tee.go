package files

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Tee is tee: copy stdin to stdout and files.
var Tee = tools.Applet{Name: "tee", Summary: "copy stdin to stdout and files", Run: runTee}

func runTee(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("tee", "tee [-ai] [FILE]...")
	appendTo := fset.Bool('a', "append")
	fset.Bool('i', "ignore-interrupts")
	fset.Bool('p', "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if *appendTo {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	tw := &teeWriter{env: env, outs: []teeOut{{"'standard output'", env.Stdout}}}
	for _, op := range ops {
		f, err := os.OpenFile(env.Abs(op), flag, 0o666)
		if err != nil {
			env.Errorf("tee", "%s: %s", op, tools.Reason(err))
			tw.failed = true
			continue
		}
		defer f.Close()
		tw.outs = append(tw.outs, teeOut{op, f})
	}
	if _, err := tools.CopyContext(ctx, tw, env.Stdin); err != nil && err != errTeeNoOutput && ctx.Err() == nil {
		env.Errorf("tee", "%v", tools.Reason(err))
		tw.failed = true
	}
	if tw.failed {
		return 1
	}
	return 0
}

type teeOut struct {
	name string
	w    io.Writer
}

var errTeeNoOutput = errors.New("no output left")

// teeWriter writes to every output; one that fails is reported and dropped, and the
// others go on (io.MultiWriter would stop them all at the first error, as GNU tee does not).
type teeWriter struct {
	env    *tools.Env
	outs   []teeOut
	failed bool
}

func (t *teeWriter) Write(p []byte) (int, error) {
	live := t.outs[:0]
	for _, o := range t.outs {
		if _, err := o.w.Write(p); err != nil {
			t.env.Errorf("tee", "%s: %s", o.name, tools.Reason(err))
			t.failed = true
			continue
		}
		live = append(live, o)
	}
	t.outs = live
	if len(t.outs) == 0 {
		return 0, errTeeNoOutput
	}
	return len(p), nil
}
