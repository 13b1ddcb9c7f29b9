package agent

import (
	"strings"
	"time"
)

// The contract between the plugin (pkg/ephemeral), which writes the ephemeral container's
// spec, and the agent, which reads it inside the container. The environment variables are
// also what marks a container as ddebug's (ephemeral containers carry no labels).
const (
	// AppletName is the hidden applet that is the container's main process.
	AppletName = "ddebug-agent"
	// SessionFlag makes ddebug-agent run one session (a shell or a command) instead of idling.
	SessionFlag = "--session"
	// QuietFlag drops the session banner.
	QuietFlag = "-q"
	// IdleFlag sets how long the agent waits without a session before it exits.
	IdleFlag = "--idle"

	// DefaultToolboxPath is where the toolbox binary lives in the toolbox image.
	DefaultToolboxPath = "/bin/ddebug-toolbox"
	// DefaultIdle is how long an agent without sessions lives.
	DefaultIdle = 30 * time.Minute

	// TargetLink is the path where the target's root is shown when there is no chroot. The
	// image ships it as a symlink to LinkDir/target; LinkDir is world-writable (sticky),
	// and the agent points LinkDir/target at /proc/<pid>/root.
	TargetLink = "/target"
	LinkDir    = "/run/ddebug"

	// EnvContainerID is the target's runtime container ID (containerd://<hex>, as in
	// the pod's status).
	EnvContainerID = "DDEBUG_TARGET_CONTAINER_ID"
	// EnvTargetPID, when set, is the target's PID in the debug container's own PID
	// namespace, instead of a container to look for: "1" in a node debugging pod, which
	// shares the host's PID namespace (kubectl ddebug node/NAME).
	EnvTargetPID = "DDEBUG_TARGET_PID"
	// EnvTargetRoot is a directory that shows the target's root (a hostPath mount of / in a
	// node pod), for a chroot when /proc/<pid>/root cannot be entered (some hosts deny it
	// even to privileged root).
	EnvTargetRoot = "DDEBUG_TARGET_ROOT"
	// EnvContainer, EnvPod and EnvNamespace name the target.
	EnvContainer = "DDEBUG_TARGET_CONTAINER"
	EnvPod       = "DDEBUG_POD"
	EnvNamespace = "DDEBUG_NAMESPACE"
	// EnvTarget is what the shell prompt shows (pod/container).
	EnvTarget = "DDEBUG_TARGET"
	// EnvIdentity is how the container runs: "UID:GID" (the target's ids, copied),
	// IdentitySwitch (root that switches to the target's ids found in /proc) or
	// IdentityRoot (root that stays root).
	EnvIdentity = "DDEBUG_IDENTITY"
	// EnvProfile is the security profile the container was built with.
	EnvProfile = "DDEBUG_PROFILE"
	// EnvFor is the user that added the container.
	EnvFor = "DDEBUG_FOR"
	// EnvVersion is the version of the plugin that added the container.
	EnvVersion = "DDEBUG_VERSION"

	IdentitySwitch = "switch"
	IdentityRoot   = "root"
)

// AgentCommand is the command line of the container's main process.
func AgentCommand(toolbox string, idle time.Duration) []string {
	if toolbox == "" {
		toolbox = DefaultToolboxPath
	}
	if idle <= 0 {
		idle = DefaultIdle
	}
	return []string{toolbox, AppletName, IdleFlag, idle.String()}
}

// SessionCommand is the command line exec'd in the container for one session: the shell
// when command is empty, else command.
func SessionCommand(toolbox string, quiet bool, command []string) []string {
	if toolbox == "" {
		toolbox = DefaultToolboxPath
	}
	args := []string{toolbox, AppletName, SessionFlag}
	if quiet {
		args = append(args, QuietFlag)
	}
	args = append(args, "--")
	return append(args, command...)
}

// StripRuntime returns the bare container ID of a status containerID such as
// "containerd://4f3a...".
func StripRuntime(id string) string {
	if _, after, ok := strings.Cut(id, "://"); ok {
		return after
	}
	return id
}
