package files

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Mknod is mknod [-m MODE] NAME TYPE [MAJOR MINOR]: make a block (b) or character (c, u)
// special file, or a FIFO (p), as GNU mknod.
var Mknod = tools.Applet{Name: "mknod", Summary: "make block or character special files", Run: runMknod}

func runMknod(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mknod", `mknod [-m MODE] NAME TYPE [MAJOR MINOR]
  -m, --mode=MODE   set file permission bits to MODE, not a=rw - umask
TYPE: b block (buffered) special file, c or u character (unbuffered) special file, p FIFO`)
	modeArg, modeSet := fset.StringSet('m', "mode", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	mode, ok := specialMode(env, "mknod", *modeArg, *modeSet)
	if !ok {
		return 1
	}
	usage := func(format string, a ...any) int {
		env.Errorf("mknod", format, a...)
		fmt.Fprintln(env.Stderr, "Try 'mknod --help' for more information.")
		return 1
	}
	switch {
	case len(ops) == 0:
		return usage("missing operand")
	case len(ops) == 1:
		return usage("missing operand after '%s'", ops[0])
	}
	typ := ops[1]
	want := 4
	if typ == "p" {
		want = 2
	}
	switch {
	case len(ops) > want && want == 2:
		return usage("extra operand '%s'\nFifos do not have major and minor device numbers.", ops[2])
	case len(ops) > want:
		return usage("extra operand '%s'", ops[4])
	case len(ops) == 2 && want == 4:
		return usage("missing operand after '%s'\nSpecial files require major and minor device numbers.", ops[1])
	case len(ops) < want:
		return usage("missing operand after '%s'", ops[len(ops)-1])
	}
	name := ops[0]
	var kind uint32
	switch typ {
	case "p":
		if err := unix.Mkfifo(env.Abs(name), mode); err != nil {
			env.Errorf("mknod", "%s: %s", name, tools.Reason(err))
			return 1
		}
		return mknodChmod(env, name, mode, *modeSet)
	case "b":
		kind = unix.S_IFBLK
	case "c", "u":
		kind = unix.S_IFCHR
	default:
		return usage("invalid device type '%s'", typ)
	}
	major, err1 := strconv.ParseUint(ops[2], 0, 32)
	if err1 != nil {
		env.Errorf("mknod", "invalid major device number '%s'", ops[2])
		return 1
	}
	minor, err2 := strconv.ParseUint(ops[3], 0, 32)
	if err2 != nil {
		env.Errorf("mknod", "invalid minor device number '%s'", ops[3])
		return 1
	}
	if err := unix.Mknod(env.Abs(name), kind|mode, int(unix.Mkdev(uint32(major), uint32(minor)))); err != nil {
		env.Errorf("mknod", "%s: %s", name, tools.Reason(err))
		return 1
	}
	return mknodChmod(env, name, mode, *modeSet)
}

func mknodChmod(env *tools.Env, name string, mode uint32, set bool) int {
	if !set {
		return 0
	}
	if err := os.Chmod(env.Abs(name), goMode(mode)); err != nil {
		env.Errorf("mknod", "cannot set permissions of '%s': %s", name, tools.Reason(err))
		return 1
	}
	return 0
}
