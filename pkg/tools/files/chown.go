package files

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Chown is chown: change file owner and group.
var Chown = tools.Applet{Name: "chown", Summary: "change file owner and group", Run: runChown}

func runChown(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("chown", "chown [-Rhv] USER[:GROUP] FILE...   (names from /etc/passwd and /etc/group of the root)")
	recursive := fset.Bool('R', "recursive")
	noDeref := fset.Bool('h', "no-dereference")
	verbose := fset.Bool('v', "verbose")
	fset.Bool('f', "silent")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) < 2 {
		env.Errorf("chown", "missing operand")
		return 2
	}
	spec := ops[0]
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if !hasGroup {
		userPart, groupPart, hasGroup = strings.Cut(spec, ".")
		if !hasGroup {
			userPart, groupPart = spec, ""
		}
	}
	db := userdb.Load("/")
	uid, gid := -1, -1
	if userPart != "" {
		u, ok := db.LookupUser(userPart)
		if !ok {
			env.Errorf("chown", "invalid user: '%s'", spec)
			return 1
		}
		uid = u.UID
		if hasGroup && groupPart == "" && u.GID >= 0 {
			gid = u.GID
		}
	}
	if groupPart != "" {
		g, ok := db.LookupGroup(groupPart)
		if !ok {
			env.Errorf("chown", "invalid group: '%s'", spec)
			return 1
		}
		gid = g
	}
	return walkOps(ctx, env, "chown", ops[1:], *recursive, func(p, shown string) error {
		var err error
		if *noDeref {
			err = os.Lchown(p, uid, gid)
		} else {
			err = os.Chown(p, uid, gid)
		}
		if err != nil {
			return fmt.Errorf("changing ownership of '%s': %s", shown, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "ownership of '%s' retained as %s\n", shown, spec)
		}
		return nil
	})
}
