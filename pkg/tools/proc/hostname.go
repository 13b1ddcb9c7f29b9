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

// Hostname is hostname: print the host name (of the UTS namespace).
var Hostname = tools.Applet{Name: "hostname", Summary: "print the host name (of the UTS namespace)", Run: runHostname}

func runHostname(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("hostname", "")
	short, fqdn := fs.Bool('s', "short"), fs.Bool('f', "fqdn")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "hostname [-s|-f]\nPrints the host name; setting it is not supported (a debugger only looks).")
	}
	if err != nil || len(ops) > 0 {
		env.Errorf("hostname", "setting the host name is not supported (%v)", err)
		return 2
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		env.Errorf("hostname", "%v", err)
		return 1
	}
	name := utsString(u.Nodename)
	if *short && !*fqdn {
		name, _, _ = strings.Cut(name, ".")
	}
	fmt.Fprintln(env.Stdout, name)
	return 0
}
