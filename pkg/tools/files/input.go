package files

import (
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// inputs returns a reader over all operands (stdin when none), reporting open errors.
func inputs(env *tools.Env, name string, ops []string) (io.Reader, func(), int) {
	if len(ops) == 0 {
		return env.Stdin, func() {}, 0
	}
	var rs []io.Reader
	var closers []func()
	st := 0
	for _, op := range ops {
		r, c, err := tools.OpenInput(env, op)
		if err != nil {
			env.Errorf(name, "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		rs = append(rs, r)
		closers = append(closers, c)
	}
	return io.MultiReader(rs...), func() {
		for _, c := range closers {
			c()
		}
	}, st
}

// hexSize is the count of xxd -l/-s and hexdump -n/-s: decimal, or hexadecimal after 0x.
var hexSize = humanize.SizeSyntax{Sign: true, Hex: true}
