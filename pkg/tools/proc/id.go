//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// ID is id: print user and group ids.
var ID = tools.Applet{Name: "id", Summary: "print user and group ids", Run: runID}

// identity is who a process or a user is.
type identity struct {
	uid, gid, euid, egid int
	groups               []int
}

func selfIdentity() identity {
	id := identity{uid: unix.Getuid(), gid: unix.Getgid(), euid: unix.Geteuid(), egid: unix.Getegid()}
	id.groups, _ = unix.Getgroups()
	return id
}

func userIdentity(db *userdb.DB, name string) (identity, bool) {
	u, ok := db.LookupUser(name)
	if !ok {
		return identity{}, false
	}
	id := identity{uid: u.UID, gid: u.GID, euid: u.UID, egid: u.GID}
	if u.GID >= 0 {
		id.groups = []int{u.GID}
	}
	for _, g := range db.SupplementaryGroups(u.Name) {
		if g != u.GID {
			id.groups = append(id.groups, g)
		}
	}
	return id, true
}

// allGroups is the effective gid followed by the supplementary groups, without duplicates.
func (id identity) allGroups() []int {
	out := []int{id.egid}
	for _, g := range id.groups {
		if g != id.egid {
			out = append(out, g)
		}
	}
	return out
}

func runID(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("id", "")
	u, g, gs := fs.Bool('u', "user"), fs.Bool('g', "group"), fs.Bool('G', "groups")
	names, real := fs.Bool('n', "name"), fs.Bool('r', "real")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "id [-u|-g|-G] [-n] [-r] [USER]")
	}
	if err != nil || len(ops) > 1 {
		env.Errorf("id", "bad arguments (%v)", err)
		return 2
	}
	db := userdb.Load("/")
	id := selfIdentity()
	if len(ops) == 1 {
		var ok bool
		if id, ok = userIdentity(db, ops[0]); !ok {
			env.Errorf("id", "'%s': no such user", ops[0])
			return 1
		}
	}
	uid, gid := id.euid, id.egid
	if *real {
		uid, gid = id.uid, id.gid
	}
	pick := func(n int, name func(int) string) string {
		if *names {
			return name(n)
		}
		return strconv.Itoa(n)
	}
	switch {
	case *u:
		fmt.Fprintln(env.Stdout, pick(uid, db.UserOrID))
	case *g:
		fmt.Fprintln(env.Stdout, pick(gid, db.GroupOrID))
	case *gs:
		var out []string
		for _, g := range id.allGroups() {
			out = append(out, pick(g, db.GroupOrID))
		}
		fmt.Fprintln(env.Stdout, strings.Join(out, " "))
	default:
		fmt.Fprintln(env.Stdout, formatID(db, id))
	}
	return 0
}

// formatID is the default output of coreutils id.
func formatID(db *userdb.DB, id identity) string {
	named := func(n int, lookup func(int) (string, bool)) string {
		if name, ok := lookup(n); ok {
			return fmt.Sprintf("%d(%s)", n, name)
		}
		return strconv.Itoa(n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "uid=%s gid=%s", named(id.uid, db.UserName), named(id.gid, db.GroupName))
	if id.euid != id.uid {
		fmt.Fprintf(&b, " euid=%s", named(id.euid, db.UserName))
	}
	if id.egid != id.gid {
		fmt.Fprintf(&b, " egid=%s", named(id.egid, db.GroupName))
	}
	var gs []string
	for _, g := range id.allGroups() {
		gs = append(gs, named(g, db.GroupName))
	}
	b.WriteString(" groups=" + strings.Join(gs, ","))
	return b.String()
}
