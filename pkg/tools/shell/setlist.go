package shell

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// builtinSetList is `set` without operands, which the interpreter answers with nothing:
// every shell variable, exported or not, sorted, as NAME='VALUE' the way ash lists them
// (values quoted so that the output can be read back by the shell). The shell's own
// bookkeeping variables (DDEBUG_..._) are left out.
func builtinSetList(_ context.Context, _ *Shell, hc interp.HandlerContext, env *tools.Env, _ []string) int {
	vars := map[string]string{}
	hc.Env.Each(func(name string, vr expand.Variable) bool {
		if !vr.IsSet() || vr.Kind != expand.String || !syntax.ValidName(name) ||
			strings.HasPrefix(name, "DDEBUG_") && strings.HasSuffix(name, "_") {
			delete(vars, name) // a later scope may unset what an outer one set
			return true
		}
		vars[name] = vr.Str
		return true
	})
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n + "=" + quote(vars[n]) + "\n")
	}
	fmt.Fprint(env.Stdout, b.String())
	return 0
}
