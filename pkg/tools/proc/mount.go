//go:build linux

package proc

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/mountinfo"
)

// Mount is mount: list mounts (read-only: no mounting).
var Mount = tools.Applet{Name: "mount", Summary: "list mounts (read-only: no mounting)", Run: runMount}

func runMount(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("mount", "")
	types := fs.String('t', "types", "")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "mount [-t TYPE]\nLists mounts like util-linux; mounting is not supported.")
	}
	if err != nil || len(ops) > 0 {
		env.Errorf("mount", "only listing is supported (%v)", err)
		return 2
	}
	ms, err := mountinfo.Read("self")
	if err != nil {
		env.Errorf("mount", "%v", err)
		return 1
	}
	want := typeFilter(*types)
	var b strings.Builder
	for _, m := range ms {
		if want(m.FSType) {
			fmt.Fprintf(&b, "%s on %s type %s (%s)\n", m.Source, m.Target, m.FSType, m.Options())
		}
	}
	fmt.Fprint(env.Stdout, b.String())
	return 0
}

// typeFilter accepts a comma list of types, "no" in front negating the whole list.
func typeFilter(spec string) func(string) bool {
	if spec == "" {
		return func(string) bool { return true }
	}
	neg := strings.HasPrefix(spec, "no")
	set := map[string]bool{}
	for _, t := range strings.Split(strings.TrimPrefix(spec, "no"), ",") {
		set[t] = true
	}
	return func(t string) bool { return set[t] != neg }
}
