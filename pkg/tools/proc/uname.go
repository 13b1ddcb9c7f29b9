//go:build linux

package proc

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Uname is uname: print system information.
var Uname = tools.Applet{Name: "uname", Summary: "print system information", Run: runUname}

func utsString(b [65]byte) string {
	s := string(b[:])
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

func runUname(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("uname", "")
	all := fs.Bool('a', "all")
	s, n, r := fs.Bool('s', "kernel-name"), fs.Bool('n', "nodename"), fs.Bool('r', "kernel-release")
	v, m, o := fs.Bool('v', "kernel-version"), fs.Bool('m', "machine"), fs.Bool('o', "operating-system")
	p, i := fs.Bool('p', "processor"), fs.Bool('i', "hardware-platform")
	if _, err := fs.ParseArgs(args[1:]); err != nil {
		if err == gnuflag.ErrHelp {
			return tools.Usage(env, "uname [-asnrvmpio]")
		}
		env.Errorf("uname", "%v", err)
		return 2
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		env.Errorf("uname", "%v", err)
		return 1
	}
	if !(*all || *n || *r || *v || *m || *o || *p || *i) {
		*s = true
	}
	var out []string
	add := func(on bool, val string) {
		if on || *all {
			out = append(out, val)
		}
	}
	add(*s, utsString(u.Sysname))
	add(*n, utsString(u.Nodename))
	add(*r, utsString(u.Release))
	add(*v, utsString(u.Version))
	add(*m, utsString(u.Machine))
	// -a omits processor and platform when unknown, as coreutils does.
	if *p {
		out = append(out, "unknown")
	}
	if *i {
		out = append(out, "unknown")
	}
	add(*o, "GNU/Linux")
	fmt.Fprintln(env.Stdout, strings.Join(out, " "))
	return 0
}
