package shell

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// aliasTable holds the shell's aliases, which the shell expands itself, in scripts too
// as ash does (the interpreter expands one level only, and only when expand_aliases is
// on). They are expanded when a simple command runs, not while it is parsed: an alias
// to a word list ('ll=ls -l', 'e=echo ') replaces the command's first words, a trailing
// blank expanding the next word too, and an alias is not expanded again within its own
// expansion; an alias to anything else ('l=ls | more') runs through eval. An alias that
// opens or closes a compound command ('BEGIN={', 'a=case x in') is beyond this: ash's
// parser expands those, so a script that defines aliases is parsed one command at a time
// with them expanded in its text (aliasparse.go).
type aliasTable struct {
	mu  sync.Mutex
	m   map[string]string
	any atomic.Bool // m is not empty: the only cost to a command while there are none
}

// noAliasPrefix marks a command word that an alias's eval must not expand again.
const noAliasPrefix = "\x01ddebug:noalias:"

// expand returns args with the aliases at its start expanded (see aliasTable).
func (t *aliasTable) expand(args []string) []string {
	if w, ok := strings.CutPrefix(args[0], noAliasPrefix); ok {
		return append([]string{w}, args[1:]...)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	seen := map[string]bool{}
	i := 0
	for i < len(args) {
		blank, end := false, i+1
		for i < len(args) {
			v, ok := t.m[args[i]]
			if !ok || seen[args[i]] {
				break
			}
			seen[args[i]] = true
			fields, simple := aliasFields(v)
			if !simple {
				return evalAlias(args[:i], v, args[i+1:], seen)
			}
			args = slices.Concat(args[:i], fields, args[i+1:])
			blank, end = strings.HasSuffix(v, " ") || strings.HasSuffix(v, "\t"), i+len(fields)
			if len(fields) == 0 {
				break
			}
		}
		if !blank {
			break
		}
		i = end
	}
	if len(args) == 0 {
		return []string{"true"}
	}
	return args
}

// aliasFields splits an alias's value into plain words; simple is false when it holds
// anything else (quotes, expansions, operators, redirections).
func aliasFields(v string) (fields []string, simple bool) {
	f, err := syntax.NewParser().Parse(strings.NewReader(v), "")
	if err != nil || len(f.Stmts) > 1 {
		return nil, false
	}
	if len(f.Stmts) == 0 {
		return nil, true
	}
	st := f.Stmts[0]
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(st.Redirs) > 0 || len(c.Assigns) > 0 || st.Background || st.Negated {
		return nil, false
	}
	for _, w := range c.Args {
		l := w.Lit()
		if l == "" {
			return nil, false
		}
		fields = append(fields, l)
	}
	return fields, true
}

// evalAlias is the eval of an alias v that is no word list, between the words before and
// after it; the commands of v named as an alias being expanded are not expanded again.
func evalAlias(before []string, v string, after []string, seen map[string]bool) []string {
	if f, err := syntax.NewParser().Parse(strings.NewReader(v), ""); err == nil {
		syntax.Walk(f, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 && seen[c.Args[0].Lit()] {
				c.Args[0] = lit(noAliasPrefix + c.Args[0].Lit())
			}
			return true
		})
		var b strings.Builder
		if syntax.NewPrinter().Print(&b, f) == nil {
			v = strings.TrimSuffix(b.String(), "\n")
		}
	}
	var src []string
	for _, a := range before {
		src = append(src, quote(a))
	}
	src = append(src, v)
	for _, a := range after {
		src = append(src, quote(a))
	}
	return []string{"eval", strings.Join(src, " ")}
}

// builtinAlias is ash's alias: NAME=VALUE defines, NAME shows one, nothing shows all.
func builtinAlias(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	t := &s.aliases
	t.mu.Lock()
	defer t.mu.Unlock()
	show := func(name string) {
		fmt.Fprintf(env.Stdout, "%s=%s\n", name, quote(t.m[name]))
	}
	if len(args) == 1 {
		names := make([]string, 0, len(t.m))
		for n := range t.m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			show(n)
		}
		return 0
	}
	status := 0
	for _, a := range args[1:] {
		name, value, ok := strings.Cut(a, "=")
		switch {
		case ok:
			if t.m == nil {
				t.m = map[string]string{}
			}
			t.m[name] = value
		case hasKey(t.m, name):
			show(name)
		default:
			env.Errorf("alias", "%s not found", name)
			status = 1
		}
	}
	t.any.Store(len(t.m) > 0)
	return status
}

// builtinUnalias is ash's unalias: NAME... or -a for all.
func builtinUnalias(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	t := &s.aliases
	t.mu.Lock()
	defer t.mu.Unlock()
	status := 0
	for _, a := range args[1:] {
		switch {
		case a == "-a":
			t.m = nil
		case hasKey(t.m, a):
			delete(t.m, a)
		default:
			env.Errorf("unalias", "%s not found", a)
			status = 1
		}
	}
	t.any.Store(len(t.m) > 0)
	return status
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}
