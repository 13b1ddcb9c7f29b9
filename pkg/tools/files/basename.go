package files

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Basename is basename: strip directory and suffix from a name.
var Basename = tools.Applet{Name: "basename", Summary: "strip directory and suffix from a name", Run: runBasename}

func runBasename(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("basename", "basename NAME [SUFFIX] | basename -a [-s SUFFIX] NAME...")
	multi := fset.Bool('a', "multiple")
	suffix, hasSuffix := fset.StringSet('s', "suffix", "")
	zero := fset.Bool('z', "zero")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("basename", "missing operand")
		return 2
	}
	if *hasSuffix {
		*multi = true
	}
	if !*multi {
		if len(ops) > 2 {
			env.Errorf("basename", "extra operand '%s'", ops[2])
			return 2
		}
		if len(ops) == 2 {
			*suffix = ops[1]
		}
		ops = ops[:1]
	}
	end := "\n"
	if *zero {
		end = "\x00"
	}
	for _, op := range ops {
		b := op
		if t := strings.TrimRight(b, "/"); t != "" {
			b = filepath.Base(t)
		} else if b != "" {
			b = "/"
		}
		if *suffix != "" && b != *suffix && strings.HasSuffix(b, *suffix) {
			b = strings.TrimSuffix(b, *suffix)
		}
		fmt.Fprint(env.Stdout, b+end)
	}
	return 0
}
