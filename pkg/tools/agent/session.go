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
		if view, err = linkView(pid, chrootErr, env.Getenv(EnvProfile)); err != nil {
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

// linkView shows the target's root at the /target link; profile is the session's
// (EnvProfile), to name the one that would read the target's files when this one cannot.
func linkView(pid int, why, profile string) (View, error) {
	procRoot := "/proc/" + strconv.Itoa(pid) + "/root"
	if _, err := os.ReadDir(procRoot); err != nil {
		self := Target{UID: os.Getuid(), GID: os.Getgid()}
		target, idErr := ReadIDs("/proc", pid)
		return View{}, fmt.Errorf("the target's files at %s are not readable (%v): %s",
			procRoot, err, unreadableAdvice(profile, HasCap("/proc/self/status", capSysPtrace), self, target, idErr == nil))
	}
	dir, err := ensureLink(pid)
	if err != nil {
		dir = procRoot
	}
	return View{Dir: dir, Why: why}, nil
}

// unreadableAdvice says why a session cannot read /proc/<pid>/root of the target and names
// the one profile that would: reading it takes the target's ids (and a dumpable target)
// or CAP_SYS_PTRACE. general keeps the target's ids and adds SYS_PTRACE; when the session
// had SYS_PTRACE (or general had it taken away by the cluster) only privileged sysadmin is
// left; when even sysadmin cannot, the node's security module forbids it, and a node
// session (which reads the host's root) is the way in.
func unreadableAdvice(profile string, ptrace bool, self, target Target, targetKnown bool) string {
	why := fmt.Sprintf("this session runs as uid:gid %d:%d", self.UID, self.GID)
	switch {
	case !targetKnown:
	case self.UID != target.UID || self.GID != target.GID:
		why += fmt.Sprintf(", the target as %d:%d", target.UID, target.GID)
	default:
		why += ", as the target does, but the target is not dumpable (it changed its ids or asked not to be traced)"
	}
	if ptrace {
		why += ", with SYS_PTRACE"
	} else {
		why += ", without SYS_PTRACE"
	}
	switch {
	case profile == "sysadmin":
		return why + " and privileged: the node's security module (AppArmor, SELinux or Yama ptrace_scope) forbids it; " +
			"debug the node instead (kubectl ddebug node/NODE, then 'ddebug exec' into the container)"
	case ptrace || profile == "general":
		return why + "; use --profile=sysadmin (privileged root; the namespace must allow privileged pods)"
	}
	return why + "; use --profile=general (the target's ids plus SYS_PTRACE; the namespace must allow privileged pods: " +
		"Pod Security baseline and restricted forbid SYS_PTRACE)"
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
