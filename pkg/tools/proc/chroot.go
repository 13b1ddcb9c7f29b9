//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Chroot is chroot [--userspec=USER:GROUP] [--groups=G,...] [--skip-chdir] NEWROOT
// [COMMAND [ARG]...]: run COMMAND (the shell, interactive, by default) with NEWROOT as its
// root directory, as GNU chroot. A COMMAND that NEWROOT does not hold, but that is an
// applet, runs as the toolbox's applet: `chroot /proc/1/root` gives a shell in a target
// that has none.
//
// The change of root is the process's own, so chroot always runs as a process of its own
// (this binary again, told so by chrootInner in its environment), never in the shell's.
var Chroot = tools.Applet{Name: "chroot", Summary: "run a command with another root directory", Run: runChroot}

const chrootUsage = `chroot [OPTION]... NEWROOT [COMMAND [ARG]...]
  --groups=G_LIST        specify supplementary groups as g1,g2,..,gN
  --userspec=USER:GROUP  specify user and group (ID or name) to use
  --skip-chdir           do not change working directory to '/'
Without COMMAND, runs '${SHELL} -i' (default: /bin/sh -i). A COMMAND that NEWROOT does
not hold but that is a toolbox applet runs as the applet.`

// chrootInner marks the process that does the chroot itself.
const chrootInner = "DDEBUG_CHROOT_INNER=1"

func runChroot(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("chroot", chrootUsage)
	fset.StopAtOperand = true
	userspec := fset.String(0, "userspec", "")
	groups := fset.String(0, "groups", "")
	skipChdir := fset.Bool(0, "skip-chdir")
	ops, err := fset.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, chrootUsage)
	}
	if err == nil && len(ops) == 0 {
		err = fmt.Errorf("missing operand")
	}
	if err != nil {
		env.Errorf("chroot", "%v", err)
		fmt.Fprintln(env.Stderr, "Try 'chroot --help' for more information.")
		return 125
	}
	inner := false
	var environ []string
	for _, kv := range env.Environ {
		if kv == chrootInner {
			inner = true
			continue
		}
		environ = append(environ, kv)
	}
	if !inner {
		if _, err := os.Stat(env.Abs(ops[0])); err != nil {
			env.Errorf("chroot", "cannot change root directory to '%s': %s", ops[0], tools.Reason(err))
			return 125
		}
		cmd := &exec.Cmd{Path: selfExe, Args: args, Dir: env.Dir, Env: append(environ, chrootInner),
			Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr}
		if err := cmd.Start(); err != nil {
			return startFailed(env, "chroot", cmd, err)
		}
		return waitStatus(ctx, env, cmd)
	}
	newRoot := env.Abs(ops[0])
	if err := syscall.Chroot(newRoot); err != nil {
		env.Errorf("chroot", "cannot change root directory to '%s': %s", ops[0], tools.Reason(err))
		return 125
	}
	dir := "/"
	if *skipChdir {
		if newRoot != "/" {
			env.Errorf("chroot", "option --skip-chdir only permitted if NEWROOT is old '/'")
			return 125
		}
		dir = env.Dir
	} else if err := os.Chdir("/"); err != nil {
		env.Errorf("chroot", "cannot chdir to root directory: %s", tools.Reason(err))
		return 125
	}
	if st := chrootCredentials(env, *userspec, *groups); st != 0 {
		return st
	}
	cmdArgs := ops[1:]
	if len(cmdArgs) == 0 {
		shell := env.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		cmdArgs = []string{shell, "-i"}
	}
	runEnv := &tools.Env{Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr, Dir: dir, Environ: environ}
	path, lookErr := tools.LookPath(runEnv, cmdArgs[0])
	if lookErr != nil {
		if a, ok := tools.Lookup(filepath.Base(cmdArgs[0])); ok {
			return a.Run(ctx, runEnv, append([]string{filepath.Base(cmdArgs[0])}, cmdArgs[1:]...))
		}
		if os.IsPermission(lookErr) {
			env.Errorf("chroot", "failed to run command '%s': %s", cmdArgs[0], tools.Reason(lookErr))
			return 126
		}
		env.Errorf("chroot", "failed to run command '%s': %s", cmdArgs[0], tools.Reason(syscall.ENOENT))
		return 127
	}
	err = syscall.Exec(path, cmdArgs, environ)
	env.Errorf("chroot", "failed to run command '%s': %s", cmdArgs[0], tools.Reason(err))
	if err == syscall.ENOENT {
		return 127
	}
	return 126
}

// chrootCredentials takes the user, group and supplementary groups of --userspec and
// --groups, named in the new root's /etc/passwd and /etc/group (read through its /proc,
// as package userdb reads them), or as numbers.
func chrootCredentials(env *tools.Env, userspec, groupList string) int {
	if userspec == "" && groupList == "" {
		return 0
	}
	db := userdb.Load("/")
	uid, gid := -1, -1
	userPart, groupPart, _ := strings.Cut(userspec, ":")
	if userPart != "" {
		u, ok := db.LookupUser(userPart)
		if !ok {
			env.Errorf("chroot", "invalid user")
			return 125
		}
		uid = u.UID
		if groupPart == "" {
			gid = u.GID
		}
	}
	lookupGID := func(g string) (int, bool) {
		for _, e := range db.Groups {
			if e.Name == g {
				return e.GID, true
			}
		}
		n, err := strconv.Atoi(g)
		return n, err == nil && n >= 0
	}
	if groupPart != "" {
		g, ok := lookupGID(groupPart)
		if !ok {
			env.Errorf("chroot", "invalid group '%s'", groupPart)
			return 125
		}
		gid = g
	}
	if groupList != "" {
		var gids []int
		for _, g := range strings.Split(groupList, ",") {
			n, ok := lookupGID(g)
			if !ok {
				env.Errorf("chroot", "invalid group '%s'", g)
				return 125
			}
			gids = append(gids, n)
		}
		if err := syscall.Setgroups(gids); err != nil {
			env.Errorf("chroot", "failed to set supplemental groups: %s", tools.Reason(err))
			return 125
		}
	} else if uid >= 0 {
		if u, ok := db.LookupUser(userPart); ok {
			if err := syscall.Setgroups(append(db.SupplementaryGroups(u.Name), gid)); err != nil {
				env.Errorf("chroot", "failed to set supplemental groups: %s", tools.Reason(err))
				return 125
			}
		}
	}
	if gid >= 0 {
		if err := syscall.Setgid(gid); err != nil {
			env.Errorf("chroot", "failed to set group-ID: %s", tools.Reason(err))
			return 125
		}
	}
	if uid >= 0 {
		if err := syscall.Setuid(uid); err != nil {
			env.Errorf("chroot", "failed to set user-ID: %s", tools.Reason(err))
			return 125
		}
	}
	return 0
}
