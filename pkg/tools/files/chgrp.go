package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Chgrp is chgrp [-cfhRv] GROUP FILE... | --reference=RFILE FILE...: change the group of
// files, as GNU chgrp. GROUP is a name from the root's /etc/group or a number.
//
//	-c  report changes   -v  report every file   -f  no messages on failure
//	-h  change symbolic links, not what they point to   -R  recursively
var Chgrp = tools.Applet{Name: "chgrp", Summary: "change the group of files", Run: runChgrp}

func runChgrp(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("chgrp", `chgrp [OPTION]... GROUP FILE...
  or:  chgrp [OPTION]... --reference=RFILE FILE...
  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
  -h, --no-dereference   affect symbolic links instead of any referenced file
      --reference=RFILE  use RFILE's group rather than specifying a GROUP value
  -R, --recursive        operate on files and directories recursively
GROUP is a name from /etc/group of the root, or a number.`)
	changes := fset.Bool('c', "changes")
	silent := fset.Bool('f', "silent")
	fset.BoolFunc(0, "quiet", func() { *silent = true })
	verbose := fset.Bool('v', "verbose")
	noDeref := fset.Bool('h', "no-dereference")
	fset.BoolFunc(0, "dereference", func() { *noDeref = false })
	ref, refSet := fset.StringSet(0, "reference", "")
	recursive := fset.Bool('R', "recursive")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	usage := func(format string, a ...any) int {
		env.Errorf("chgrp", format, a...)
		fmt.Fprintln(env.Stderr, "Try 'chgrp --help' for more information.")
		return 1
	}
	db := userdb.Load("/")
	gid := -1
	var spec string
	switch {
	case *refSet:
		fi, err := os.Stat(env.Abs(*ref))
		if err != nil {
			env.Errorf("chgrp", "failed to get attributes of '%s': %s", *ref, tools.Reason(err))
			return 1
		}
		gid = int(sysStat(fi).Gid)
		spec = db.GroupOrID(gid)
	case len(ops) == 0:
		return usage("missing operand")
	default:
		spec, ops = ops[0], ops[1:]
		g, ok := db.LookupGroup(spec)
		if !ok {
			env.Errorf("chgrp", "invalid group: '%s'", spec)
			return 1
		}
		gid = g
	}
	if len(ops) == 0 {
		return usage("missing operand after '%s'", spec)
	}
	say := func(format string, a ...any) {
		if !*silent {
			env.Errorf("chgrp", format, a...)
		}
	}
	newName := spec // GNU says the group as it was given
	if *refSet {
		newName = db.GroupOrID(gid)
	}
	st := 0
	// visit changes p and, with -R, everything below it first (depth first, in the
	// directory's own order, as GNU's fts walk); -R never follows a symbolic link.
	var visit func(p, shown string)
	visit = func(p, shown string) {
		if ctx.Err() != nil {
			st = 1
			return
		}
		stat := os.Stat
		if *noDeref || *recursive {
			stat = os.Lstat
		}
		fi, err := stat(p)
		if err != nil {
			say("cannot access '%s': %s", shown, tools.Reason(err))
			st = 1
			return
		}
		if *recursive && fi.IsDir() {
			if d, err := os.Open(p); err != nil {
				say("cannot read directory '%s': %s", shown, tools.Reason(err))
				st = 1
			} else {
				names, err := d.Readdirnames(-1)
				d.Close()
				if err != nil {
					say("cannot read directory '%s': %s", shown, tools.Reason(err))
					st = 1
				}
				for _, n := range names {
					visit(filepath.Join(p, n), shown+"/"+n)
				}
			}
		}
		old := int(sysStat(fi).Gid)
		if *noDeref || *recursive {
			err = os.Lchown(p, -1, gid)
		} else {
			err = os.Chown(p, -1, gid)
		}
		if err != nil {
			say("changing group of '%s': %s", shown, tools.Reason(err))
			if *verbose {
				fmt.Fprintf(env.Stdout, "failed to change group of '%s' from %s to %s\n", shown, db.GroupOrID(old), newName)
			}
			st = 1
			return
		}
		switch {
		case old != gid && (*verbose || *changes):
			fmt.Fprintf(env.Stdout, "changed group of '%s' from %s to %s\n", shown, db.GroupOrID(old), newName)
		case old == gid && *verbose:
			fmt.Fprintf(env.Stdout, "group of '%s' retained as %s\n", shown, db.GroupOrID(gid))
		}
	}
	for _, op := range ops {
		visit(env.Abs(op), op)
	}
	return st
}
