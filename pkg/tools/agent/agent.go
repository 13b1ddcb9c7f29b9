package agent

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Agent is ddebug-agent, the process of a kubectl ddebug container (hidden from help).
var Agent = tools.Applet{
	Name:    AppletName,
	Summary: "the process of a kubectl ddebug container (internal)",
	Hidden:  true,
	Run:     run,
	// SIGTERM is how the kubelet stops the container: the agent exits 0.
	HandlesSignals: true,
}

// ErrNoTarget is returned when no process of the target container is visible.
var ErrNoTarget = errors.New("no process of the target container is visible")

func run(ctx context.Context, env *tools.Env, args []string) int {
	idle := DefaultIdle
	session, quiet := false, false
	rest := args[1:]
	for len(rest) > 0 {
		a := rest[0]
		rest = rest[1:]
		switch {
		case a == "--":
			goto done
		case a == SessionFlag:
			session = true
		case a == QuietFlag:
			quiet = true
		case a == IdleFlag && len(rest) > 0:
			d, err := time.ParseDuration(rest[0])
			if err != nil || d <= 0 {
				env.Errorf(AppletName, "bad %s %q: want a duration such as 30m", IdleFlag, rest[0])
				return 2
			}
			idle, rest = d, rest[1:]
		case a == "--help" || a == "-h":
			return tools.Usage(env, AppletName+" [--idle DURATION] | "+AppletName+" --session [-q] [-- COMMAND [ARG]...]\n\n"+
				"The main process of a kubectl ddebug container (it waits for sessions and exits after\n"+
				"DURATION without one), or one session in that container. Started by the plugin, not by hand.")
		default:
			env.Errorf(AppletName, "unknown argument %q", a)
			return 2
		}
	}
done:
	if session {
		return runSession(ctx, env, quiet, rest)
	}
	return runAgent(ctx, env, idle)
}

// Target is what a session found out about the target container.
type Target struct {
	PID    int
	UID    int
	GID    int
	Groups []int
}

// TargetPID returns the target's PID as the environment of the debug container gives it:
// EnvTargetPID itself, else the process of the container EnvContainerID (FindTarget).
func TargetPID(procRoot string, env *tools.Env) (int, error) {
	s := env.Getenv(EnvTargetPID)
	if s == "" {
		return FindTarget(procRoot, env.Getenv(EnvContainerID))
	}
	pid, err := strconv.Atoi(s)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("%s=%q is not a PID", EnvTargetPID, s)
	}
	if _, err := os.Stat(filepath.Join(procRoot, s)); err != nil {
		return 0, fmt.Errorf("%w (pid %d)", ErrNoTarget, pid)
	}
	return pid, nil
}

// FindTarget returns the lowest PID under procRoot whose /proc/<pid>/cgroup names the
// container ID id: the container's first process (with shareProcessNamespace PID 1 is the
// pause process, so PID 1 is never assumed).
func FindTarget(procRoot, id string) (int, error) {
	id = StripRuntime(id)
	if len(id) < 12 {
		return 0, fmt.Errorf("target container ID %q is too short to look for", id)
	}
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", procRoot, err)
	}
	best := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		if best != 0 && pid >= best {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "cgroup"))
		if err != nil {
			continue // gone, or not ours to read
		}
		if bytes.Contains(b, []byte(id)) {
			best = pid
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("%w (container ID %s not in any /proc/<pid>/cgroup)", ErrNoTarget, shortID(id))
	}
	return best, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ReadIDs reads the real uid, gid and supplementary groups of pid from procRoot/<pid>/status.
func ReadIDs(procRoot string, pid int) (Target, error) {
	t := Target{PID: pid}
	path := filepath.Join(procRoot, strconv.Itoa(pid), "status")
	b, err := os.ReadFile(path)
	if err != nil {
		return t, fmt.Errorf("reading ids of pid %d: %w", pid, err)
	}
	var haveUID, haveGID bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		switch key {
		case "Uid":
			if len(fields) > 0 {
				t.UID, err = strconv.Atoi(fields[0])
				haveUID = err == nil
			}
		case "Gid":
			if len(fields) > 0 {
				t.GID, err = strconv.Atoi(fields[0])
				haveGID = err == nil
			}
		case "Groups":
			for _, f := range fields {
				if g, err := strconv.Atoi(f); err == nil {
					t.Groups = append(t.Groups, g)
				}
			}
		}
	}
	if !haveUID || !haveGID {
		return t, fmt.Errorf("reading ids of pid %d: no Uid/Gid in %s", pid, path)
	}
	return t, nil
}

// HasCap reports whether capability bit is in the effective set of the process whose
// status file is at statusPath.
func HasCap(statusPath string, bit uint) bool {
	b, err := os.ReadFile(statusPath)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && n&(1<<bit) != 0
		}
	}
	return false
}

// Capability bits (linux/capability.h).
const (
	capSetgid    = 6
	capSetuid    = 7
	capSysChroot = 18
	capSysPtrace = 19
)

// ensureLink points LinkDir/target at /proc/<pid>/root (atomically, so sessions that run
// at once agree) and returns the path the user should use: TargetLink when the image's
// link leads there, else the link in LinkDir itself.
func ensureLink(pid int) (string, error) {
	want := "/proc/" + strconv.Itoa(pid) + "/root"
	link := filepath.Join(LinkDir, "target")
	if cur, err := os.Readlink(link); err != nil || cur != want {
		tmp := fmt.Sprintf("%s.%d", link, os.Getpid())
		os.Remove(tmp)
		if err := os.Symlink(want, tmp); err != nil {
			return "", fmt.Errorf("making the target link: %w", err)
		}
		if err := os.Rename(tmp, link); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("making the target link: %w", err)
		}
	}
	if dest, err := os.Readlink(TargetLink); err == nil && filepath.Clean(dest) == link {
		return TargetLink, nil
	}
	return link, nil
}

// runAgent is the container's main process: it prepares the link, then waits until no
// session has run for idle, and exits 0.
func runAgent(ctx context.Context, env *tools.Env, idle time.Duration) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if pid, err := TargetPID("/proc", env); err != nil {
		env.Errorf(AppletName, "%v", err)
	} else if path, err := ensureLink(pid); err != nil {
		fmt.Fprintf(env.Stdout, "ddebug agent: target pid %d; %v\n", pid, err)
	} else {
		fmt.Fprintf(env.Stdout, "ddebug agent: target pid %d at %s; exits after %v without a session\n", pid, path, idle)
	}
	self, _ := os.ReadFile("/proc/self/cgroup")
	tick := min(idle/10, 10*time.Second)
	tick = max(tick, 10*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return 0
		case now := <-t.C:
			if sessionsRunning("/proc", self, os.Getpid()) {
				last = now
			} else if now.Sub(last) >= idle {
				fmt.Fprintf(env.Stdout, "ddebug agent: no session for %v, exiting\n", idle)
				return 0
			}
		}
	}
}

// sessionsRunning reports whether a process other than self shares this container's cgroup
// (sessions are exec'd into it; the target's processes live in another cgroup).
func sessionsRunning(procRoot string, selfCgroup []byte, self int) bool {
	if len(selfCgroup) == 0 {
		return true // cannot tell: stay
	}
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return true
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "cgroup"))
		if err == nil && bytes.Equal(b, selfCgroup) {
			return true
		}
	}
	return false
}
