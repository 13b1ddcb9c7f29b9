package agent

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// View is how a session shows the target's files.
type View struct {
	// Chroot is true when the session's / is the target's root.
	Chroot bool
	// Dir is where the target's root is and where the session starts.
	Dir string
	// Why says why there is no chroot.
	Why string
}

// runSession runs the shell (command empty) or command as the target's neighbour.
func runSession(ctx context.Context, env *tools.Env, quiet bool, command []string) int {
	pid, err := TargetPID("/proc", env)
	if err != nil {
		env.Errorf("ddebug", "%v; is the target container still running?", err)
		return 125
	}
	mode := env.Getenv(EnvIdentity)
	root := os.Geteuid() == 0
	// Root that may switch learns the target's ids before anything else: after the chroot
	// /proc is the target's, which is the same process tree, but keep it simple.
	var ids Target
	switchUser := root && mode == IdentitySwitch && HasCap("/proc/self/status", capSetuid) && HasCap("/proc/self/status", capSetgid)
	if switchUser {
		if ids, err = ReadIDs("/proc", pid); err != nil {
			env.Errorf("ddebug", "%v", err)
			return 125
		}
	}
	view, chrootErr := tryChroot(pid, root, env.Getenv(EnvTargetRoot))
	if switchUser && ids.UID != 0 {
		if err := switchTo(ids); err != nil {
			env.Errorf("ddebug", "%v", err)
			return 125
		}
	}
	if !view.Chroot {
		if view, err = linkView(pid, chrootErr); err != nil {
			env.Errorf("ddebug", "%v", err)
			return 125
		}
	}
	if os.Geteuid() == 0 {
		nonDumpable()
	}
	os.Chdir(view.Dir) // programs of the target started from here see the same directory
	senv := &tools.Env{Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr, Dir: view.Dir, Environ: sessionEnviron(env.Environ, view)}
	if len(command) == 0 {
		if !quiet {
			fmt.Fprintln(env.Stderr, banner(env, pid, view))
		}
		command = []string{"sh"}
	} else {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	return tools.RunCommand(ctx, senv, command)
}

// tryChroot makes the target's root this session's / when it runs as root with
// CAP_SYS_CHROOT (and may open /proc/<pid>/root, else fallback when given: the same root
// through a mount); else it says why not.
func tryChroot(pid int, root bool, fallback string) (View, string) {
	switch {
	case !root:
		return View{}, "not root"
	case !HasCap("/proc/self/status", capSysChroot):
		return View{}, "no CAP_SYS_CHROOT in this profile"
	}
	err := chroot("/proc/" + strconv.Itoa(pid) + "/root")
	if err != nil && fallback != "" {
		err = chroot(fallback)
	}
	if err != nil {
		return View{}, err.Error()
	}
	return View{Chroot: true, Dir: "/"}, ""
}

// linkView shows the target's root at the /target link.
func linkView(pid int, why string) (View, error) {
	procRoot := "/proc/" + strconv.Itoa(pid) + "/root"
	if _, err := os.ReadDir(procRoot); err != nil {
		return View{}, fmt.Errorf("the target's files at %s are not readable (%v): this session's uid/gid (%d:%d) differ from the target's; "+
			"use a --profile that copies them (any but sysadmin/netadmin) or one with SYS_PTRACE (general, netadmin, sysadmin)", procRoot, err, os.Getuid(), os.Getgid())
	}
	dir, err := ensureLink(pid)
	if err != nil {
		dir = procRoot
	}
	return View{Dir: dir, Why: why}, nil
}

func sessionEnviron(environ []string, v View) []string {
	out := make([]string, 0, len(environ)+4)
	for _, kv := range environ {
		switch {
		case hasKey(kv, "PWD"), hasKey(kv, "OLDPWD"):
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "PWD="+v.Dir, "DDEBUG_ROOT="+v.Dir)
	if _, ok := (&tools.Env{Environ: environ}).LookupEnv("HOME"); !ok {
		out = append(out, "HOME=/")
	}
	if _, ok := (&tools.Env{Environ: environ}).LookupEnv("TERM"); !ok && tools.IsTerminal(os.Stdout) {
		out = append(out, "TERM=xterm")
	}
	return out
}

func hasKey(kv, key string) bool {
	return len(kv) > len(key) && kv[len(key)] == '=' && kv[:len(key)] == key
}

func banner(env *tools.Env, pid int, v View) string {
	what := env.Getenv(EnvTarget)
	if what == "" {
		what = "the target"
	}
	where := "its files are at /"
	if !v.Chroot {
		where = "its files are at " + v.Dir + " (no chroot: " + v.Why + ")"
	}
	return fmt.Sprintf("ddebug: in %s, pid %d, as uid %d gid %d; %s. 'help' lists the tools, Ctrl-D leaves.",
		what, pid, os.Getuid(), os.Getgid(), where)
}
