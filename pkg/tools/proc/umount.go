//go:build linux

package proc

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/mountinfo"
)

// Umount is umount [-flRv] TARGET...: unmount file systems, named by mount point or
// source, as util-linux's umount (its messages, exit status 32 on failure).
//
//	-f  force (MNT_FORCE)   -l  lazy: detach now, clean up when no longer busy
//	-R  recursively: the mounts below TARGET first   -v  say what was unmounted
var Umount = tools.Applet{Name: "umount", Summary: "unmount file systems", Run: runUmount}

const umountUsage = `umount [-flnRv] <source> | <directory>...
  -f, --force       force unmount (in case of an unreachable NFS system)
  -l, --lazy        detach the filesystem now, clean up things later
  -n, --no-mtab     don't write to /etc/mtab (there is none to write)
  -R, --recursive   recursively unmount a target with all its children
  -v, --verbose     say what is being done`

func runUmount(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("umount", umountUsage)
	force := fset.Bool('f', "force")
	lazy := fset.Bool('l', "lazy")
	fset.Bool('n', "no-mtab")
	fset.Bool('i', "internal-only")
	fset.Bool('d', "detach-loop")
	recursive := fset.Bool('R', "recursive")
	verbose := fset.Bool('v', "verbose")
	ops, err := fset.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, umountUsage)
	}
	if err == nil && len(ops) == 0 {
		err = fmt.Errorf("bad usage")
	}
	if err != nil {
		env.Errorf("umount", "%v", err)
		fmt.Fprintln(env.Stderr, "Try 'umount --help' for more information.")
		return 1
	}
	flags := 0
	if *force {
		flags |= unix.MNT_FORCE
	}
	if *lazy {
		flags |= unix.MNT_DETACH
	}
	st := 0
	for _, op := range ops {
		if rc := umountOne(env, op, flags, *recursive, *verbose); rc != 0 {
			st = rc
		}
	}
	return st
}

func umountOne(env *tools.Env, op string, flags int, recursive, verbose bool) int {
	ms, err := mountinfo.Read("self")
	if err != nil {
		env.Errorf("umount", "%v", err)
		return 32
	}
	target := ""
	p, perr := filepath.EvalSymlinks(env.Abs(op))
	if perr == nil {
		p, _ = filepath.Abs(p)
	}
	var entry *mountinfo.Entry
	for i := range ms {
		if perr == nil && ms[i].Target == p || perr != nil && ms[i].Source == op {
			entry = &ms[i]
		}
	}
	switch {
	case entry != nil:
		target = entry.Target
	case perr != nil:
		env.Errorf("umount", "%s: no mount point specified.", op)
		return 32
	default:
		env.Errorf("umount", "%s: not mounted.", op)
		return 32
	}
	targets := []mountinfo.Entry{*entry}
	if recursive {
		// The mounts below target, deepest first.
		for _, m := range ms {
			if m.Target != target && strings.HasPrefix(m.Target, strings.TrimSuffix(target, "/")+"/") {
				targets = append(targets, m)
			}
		}
		sort.SliceStable(targets, func(i, j int) bool { return len(targets[i].Target) > len(targets[j].Target) })
	}
	for _, m := range targets {
		if err := unix.Unmount(m.Target, flags); err != nil {
			switch err {
			case syscall.EBUSY:
				env.Errorf("umount", "%s: target is busy.", m.Target)
			case syscall.EPERM:
				env.Errorf("umount", "%s: must be superuser to unmount.", op)
			case syscall.EINVAL:
				env.Errorf("umount", "%s: not mounted.", op)
			default:
				env.Errorf("umount", "%s: umount failed: %s.", m.Target, tools.Reason(err))
			}
			return 32
		}
		if verbose {
			fmt.Fprintf(env.Stdout, "umount: %s (%s) unmounted\n", m.Target, m.Source)
		}
	}
	return 0
}
