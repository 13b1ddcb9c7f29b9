package nsenter

import (
	"errors"
	"io"
	"os"
	"time"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrNotPermitted: the caller lacks the privileges to enter another process's namespaces.
	ErrNotPermitted = errors.New("not permitted")
	// ErrTargetGone: the process exited (or its PID was reused) before the session started.
	ErrTargetGone = errors.New("target process is gone")
	// ErrUserNamespace: the target runs in a user namespace of its own that does not map
	// the ids the session would take there.
	ErrUserNamespace = errors.New("target runs in its own user namespace")
	// ErrUnsupported: not on Linux.
	ErrUnsupported = errors.New("entering namespaces is only supported on Linux")
)

// IdentityMode says which credentials the session gets.
type IdentityMode int

const (
	// IdentityRoot (the default) is uid 0 with the capabilities of the target's bounding set
	// and nothing more: what `docker exec` gives, what a root process of the container could do.
	IdentityRoot IdentityMode = iota
	// IdentityPrivileged is uid 0 with every capability of the caller.
	IdentityPrivileged
	// IdentityTarget copies the target process: uid, gid, groups, capabilities, no_new_privs.
	IdentityTarget
	// IdentityUser is the UID and GID of Identity, with no capabilities unless UID is 0.
	IdentityUser
)

// Identity of the session.
type Identity struct {
	Mode IdentityMode
	UID  uint32
	GID  uint32
	// HasGID is false when only a UID was given; the GID then defaults to the UID's
	// primary group in the target's /etc/passwd, else to the UID.
	HasGID bool
}

// Executable is the session program: a file on the host, or its bytes (embedded). It is
// sealed (see Preload) before any namespace is joined.
type Executable struct {
	Path  string
	Bytes []byte
	// Key names the content (a Go build ID, a hash): a store (WithStore) keeps the
	// program under it. Without a Key the program is copied into a memfd per session.
	Key string
	// Entry, when not zero, is the ELF entry point the program is kept with in the store,
	// in place of its own: a launcher that is a copy of a whole program entered at
	// LauncherEntry (Key must then name the copy, not the program). It is never copied
	// into a memfd: without the store, the session program launches too.
	Entry uint64
	// Done, when set, gives the addresses of init tasks (the runtime's initTask records)
	// that the copy kept in the store marks done: their packages never initialise in it, a
	// session program holding more than the session needs (Key must then name the copy).
	// It is called once, when the store is written; a copy into a memfd is not changed.
	Done func() ([]uint64, error)
}

// Options of Run.
type Options struct {
	// PID is the host PID of the target; StartTime, when non-zero, must match its
	// /proc/<pid>/stat start time, so a reused PID is never entered.
	PID       int
	StartTime uint64
	// Name is shown in the session (DDEBUG_TARGET, the prompt).
	Name string
	// Command to run; empty for the interactive shell.
	Command []string
	// TTY gives the session a new pseudo-terminal, proxied to Stdin/Stdout. Terminal, when a
	// terminal, is put in raw mode for the session and its size follows the session's.
	TTY      bool
	Terminal *os.File
	// TermEnv is the caller's TERM, passed to the session with a TTY (validated).
	TermEnv  string
	Identity Identity
	// Session is the program run in the target; Launcher, when set, the one that starts it
	// there (see Launch), else Session is started as the launcher too. Both must call
	// BeginSession/Launch when IsSession/IsLauncher says so.
	Session  Executable
	Launcher Executable
	// Preloaded, when set, holds Session and Launcher already sealed (Preload); Run
	// then ignores Session, Launcher and Store, and closes it.
	Preloaded *Preloaded
	// Store, when set, is the root-only directory Run keeps Session and Launcher in
	// (see WithStore).
	Store string
	// PauseBeforeExec holds the session's child between its fork and its exec, the instant
	// a hostile target has to attack it: for tests that must meet it there for sure.
	PauseBeforeExec time.Duration
	// Started, when set, is called once the session process runs (for a banner), before
	// any of its output is copied.
	Started func()
	// Note, when set, is told what the session's setup decided from the target and why
	// (a file of the target that was not read, a default taken), for a -v.
	Note func(msg string)
	// Notice, when set, is given one line when the session's end is not plain from its
	// status: killed by a SIGKILL that ddebug did not send (the out-of-memory killer?),
	// or killed by ddebug because it did not end after a hang-up.
	Notice func(string)
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// SessionArg0 is argv[0] of a session process: how the toolbox knows it is one, and what
// `ps` in the container shows for it.
const SessionArg0 = "ddebug-session"

// SessionConfig is what Run hands the session process (through a pipe, not argv or env).
type SessionConfig struct {
	Target  string
	Command []string
	TTY     bool
	// Dir is the target's working directory, where the session starts when it can.
	Dir string
	// StartEnv names the variables of the session's environment that are not the target's
	// but were added for the start of the session program's Go runtime (GOMAXPROCS=1: one
	// thread fewer to start); BeginSession removes them, so that nothing the session runs
	// sees them.
	StartEnv []string
}

// IsSession reports whether args are those of a session process started by Run.
func IsSession(args []string) bool { return len(args) > 0 && args[0] == SessionArg0 }

// LauncherArg0 is argv[0] of the launcher, the stage between ddebug and the session.
const LauncherArg0 = "ddebug-launch"

// IsLauncher reports whether args are those of a launcher started by Run.
func IsLauncher(args []string) bool { return len(args) > 0 && args[0] == LauncherArg0 }
