//go:build linux

package proc

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Groups is groups: print the groups of a user.
var Groups = tools.Applet{Name: "groups", Summary: "print the groups of a user", Run: runGroups}

func runGroups(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "groups [USER]...")
	}
	db := userdb.Load("/")
	if len(args) == 1 {
		var out []string
		for _, g := range selfIdentity().allGroups() {
			out = append(out, db.GroupOrID(g))
		}
		fmt.Fprintln(env.Stdout, strings.Join(out, " "))
		return 0
	}
	status := 0
	for _, name := range args[1:] {
		id, ok := userIdentity(db, name)
		if !ok {
			env.Errorf("groups", "'%s': no such user", name)
			status = 1
			continue
		}
		var out []string
		for _, g := range id.allGroups() {
			out = append(out, db.GroupOrID(g))
		}
		fmt.Fprintf(env.Stdout, "%s : %s\n", name, strings.Join(out, " "))
	}
	return status
}
