//go:build linux

package proc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Nsenter is nsenter: run a command in the namespaces of another process, as util-linux's
// (in a node session: nsenter -t 1 -a).
//
//	nsenter -t PID [-a] [-m] [-u] [-i] [-n] [-p] [-C] [-T] [-r] [-w] [-S UID] [-G GID] [COMMAND [ARG]...]
//
// The namespaces are joined by the OS thread that forks the command (after it unshares
// its filesystem attributes), so the toolbox itself stays where it is. A Go program has
// many threads, and Linux lets only a single-threaded process join a user namespace: -U
// is refused with a clear error.
var Nsenter = tools.Applet{Name: "nsenter", Summary: "run a command in the namespaces of another process", Run: runNsenter}

// nsKinds in the order util-linux joins them (user first, mount last but for time).
var nsKinds = []struct {
	flag rune
	long string
	file string
	typ  int
}{
	{'U', "user", "user", unix.CLONE_NEWUSER},
	{'C', "cgroup", "cgroup", unix.CLONE_NEWCGROUP},
	{'i', "ipc", "ipc", unix.CLONE_NEWIPC},
	{'u', "uts", "uts", unix.CLONE_NEWUTS},
	{'n', "net", "net", unix.CLONE_NEWNET},
	{'p', "pid", "pid", unix.CLONE_NEWPID},
	{'m', "mount", "mnt", unix.CLONE_NEWNS},
	{'T', "time", "time", unix.CLONE_NEWTIME},
}

func runNsenter(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("nsenter", "")
	fs.StopAtOperand = true
	target := fs.Int('t', "target", 0)
	all := fs.Bool('a', "all")
	want := make([]*bool, len(nsKinds))
	for i, k := range nsKinds {
		want[i] = fs.Bool(k.flag, k.long)
	}
	root := fs.Bool('r', "root")
	wd := fs.Bool('w', "wd")
	uid, uidSet := fs.StringSet('S', "setuid", "")
	gid, gidSet := fs.StringSet('G', "setgid", "")
	fs.Bool('F', "no-fork")
	fs.Bool(0, "preserve-credentials")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "nsenter -t PID [-a] [-m] [-u] [-i] [-n] [-p] [-C] [-T] [-r] [-w] [-S UID] [-G GID] [COMMAND [ARG]...]\n"+
			"Runs COMMAND (sh) in the mount, UTS, IPC, network, PID, cgroup or time namespaces of PID (-a: every one\n"+
			"that differs from ours), with its root (-r) and working directory (-w). Needs CAP_SYS_ADMIN (root).")
	}
	if err == nil && *target <= 0 {
		err = errors.New("need a target process (-t PID)")
	}
	if err != nil {
		env.Errorf("nsenter", "%v (nsenter --help)", err)
		return 1
	}
	proc := "/proc/" + strconv.Itoa(*target)
	var fds []int
	var types []int
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	for i, k := range nsKinds {
		if *all && !*want[i] {
			// -a: every namespace of the target that is not already ours
			theirs, err1 := os.Readlink(proc + "/ns/" + k.file)
			ours, err2 := os.Readlink("/proc/self/ns/" + k.file)
			*want[i] = err1 == nil && err2 == nil && theirs != ours
		}
		if !*want[i] {
			continue
		}
		if k.typ == unix.CLONE_NEWUSER {
			env.Errorf("nsenter", "cannot join a user namespace (-U): Linux allows it only to a single-threaded process, and this toolbox is a Go program; run it as the target's user with -S and -G instead")
			return 1
		}
		fd, err := unix.Open(proc+"/ns/"+k.file, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			env.Errorf("nsenter", "cannot open %s/ns/%s: %s", proc, k.file, tools.Reason(err))
			return 1
		}
		fds, types = append(fds, fd), append(types, k.typ)
	}
	rootFD, cwdFD := -1, -1
	if *root {
		if rootFD, err = unix.Open(proc+"/root", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
			env.Errorf("nsenter", "cannot open %s/root: %s", proc, tools.Reason(err))
			return 1
		}
		fds = append(fds, rootFD)
	}
	if *wd {
		if cwdFD, err = unix.Open(proc+"/cwd", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
			env.Errorf("nsenter", "cannot open %s/cwd: %s", proc, tools.Reason(err))
			return 1
		}
		fds = append(fds, cwdFD)
	}
	if len(ops) == 0 {
		ops = []string{"sh"}
		if sh := env.Getenv("SHELL"); sh != "" {
			ops = []string{sh}
		}
	}
	child := *env
	var lookRoot string
	for _, t := range types {
		if t == unix.CLONE_NEWNS {
			lookRoot = proc + "/root"
		}
	}
	if *root {
		lookRoot = proc + "/root"
	}
	cmd, status := nsCommand(&child, ops, lookRoot)
	if cmd == nil {
		return status
	}
	cmd.Dir = "" // the command starts where the namespaces and -r/-w leave it
	attr := &syscall.SysProcAttr{}
	if *uidSet || *gidSet {
		cred := &syscall.Credential{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid()), NoSetGroups: true}
		if n, err := strconv.ParseUint(*uid, 10, 32); *uidSet && err == nil {
			cred.Uid = uint32(n)
		} else if *uidSet {
			env.Errorf("nsenter", "invalid user id %q", *uid)
			return 1
		}
		if n, err := strconv.ParseUint(*gid, 10, 32); *gidSet && err == nil {
			cred.Gid, cred.NoSetGroups, cred.Groups = uint32(n), false, []uint32{}
		} else if *gidSet {
			env.Errorf("nsenter", "invalid group id %q", *gid)
			return 1
		}
		attr.Credential = cred
	}
	cmd.SysProcAttr = attr
	err = startOnThread(cmd, func() error {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			return fmt.Errorf("unsharing the thread's filesystem attributes: %w", err)
		}
		for i, fd := range fds[:len(types)] {
			if err := unix.Setns(fd, types[i]); err != nil {
				return fmt.Errorf("reassociate to namespace '%s' failed: %w", nsName(types[i]), err)
			}
		}
		if rootFD >= 0 {
			if err := unix.Fchdir(rootFD); err != nil {
				return fmt.Errorf("cannot change directory to %s/root: %w", proc, err)
			}
			if err := unix.Chroot("."); err != nil {
				return fmt.Errorf("cannot change root directory to %s/root: %w", proc, err)
			}
			if cwdFD < 0 {
				_ = unix.Chdir("/")
			}
		}
		if cwdFD >= 0 {
			if err := unix.Fchdir(cwdFD); err != nil {
				return fmt.Errorf("cannot change directory to %s/cwd: %w", proc, err)
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, syscall.ENOENT) && cmd.Path == selfExe {
			err = fmt.Errorf("%s: the applet cannot be started there: this binary is reached through /proc/self, which must be the target's (add -p, or name a program of the target)", ops[0])
		} else if errors.Is(err, syscall.EPERM) {
			err = fmt.Errorf("%w (entering namespaces needs CAP_SYS_ADMIN: run as root, or with --profile=sysadmin)", err)
		}
		env.Errorf("nsenter", "%v", err)
		return 1
	}
	return waitStatus(ctx, env, cmd)
}

// nsCommand is commandProcess with the program looked up where it will run: in the
// target's root (lookRoot) when the command enters its mount namespace or root. An applet
// that the target lacks runs as this binary.
func nsCommand(env *tools.Env, args []string, lookRoot string) (*exec.Cmd, int) {
	if lookRoot == "" {
		return commandProcess(env, args)
	}
	name, path := args[0], ""
	// Lstat: an absolute symbolic link there points into the target's tree, not ours.
	exists := func(p string) bool { _, err := os.Lstat(filepath.Join(lookRoot, p)); return err == nil }
	if strings.HasPrefix(name, "/") {
		if exists(name) {
			path = name
		}
	} else if !strings.Contains(name, "/") {
		dirs, ok := env.LookupEnv("PATH")
		if !ok {
			dirs = tools.DefaultPath
		}
		for _, dir := range filepath.SplitList(dirs) {
			if p := filepath.Join(dir, name); filepath.IsAbs(p) && exists(p) {
				path = p
				break
			}
		}
	}
	if path == "" {
		if _, ok := tools.Lookup(name); !ok {
			env.Errorf("nsenter", "%s: not found in the target's root (nor a toolbox applet)", name)
			return nil, 127
		}
		path = selfExe
	}
	return &exec.Cmd{Path: path, Args: args, Env: env.Environ, Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr}, 0
}

func nsName(t int) string {
	for _, k := range nsKinds {
		if k.typ == t {
			return k.file
		}
	}
	return "?"
}
