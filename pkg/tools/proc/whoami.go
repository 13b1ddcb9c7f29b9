//go:build linux

package proc

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Whoami is whoami: print the effective user name.
var Whoami = tools.Applet{Name: "whoami", Summary: "print the effective user name", Run: runWhoami}

func runWhoami(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "whoami")
	}
	// A distroless root often has no /etc/passwd, or not this uid in it: print the
	// number, as id and groups do, rather than failing as GNU whoami would.
	fmt.Fprintln(env.Stdout, userdb.Load("/").UserOrID(unix.Geteuid()))
	return 0
}
