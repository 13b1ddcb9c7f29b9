package ephemeral

import (
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// NamePrefix starts the name of every debug container ddebug adds.
const NamePrefix = "ddebug-"

// errProfileRefused is returned by BuildDebugContainer when a profile cannot debug the
// target (restricted with a root or unknown target).
var errProfileRefused = errors.New("profile cannot debug this target")

// SpecOptions is everything BuildDebugContainer needs; it makes no API call.
type SpecOptions struct {
	// Name is the container's name (NamePrefix + a random suffix).
	Name string
	// Image is the toolbox image; PullPolicy defaults to IfNotPresent.
	Image      string
	PullPolicy corev1.PullPolicy
	// Profile is a concrete profile (not auto).
	Profile Profile
	// Target is the target container's name, TargetID its runtime ID from the status.
	Target, TargetID string
	// Pod and Namespace name the pod, for the session's prompt.
	Pod, Namespace string
	// Identity is the target's uid/gid (TargetIdentity).
	Identity Identity
	// For is the user who asks; Version the plugin's version.
	For, Version string
	// Idle is how long the agent lives without a session (agent.DefaultIdle when 0).
	Idle time.Duration
	// ToolboxPath is the toolbox binary in the image (agent.DefaultToolboxPath when "").
	ToolboxPath string
}

// identityKey is how the container will run (agent.EnvIdentity): "UID:GID", "switch" or
// "root". Two requests with the same key, profile, image and target may share a container.
func identityKey(p Profile, id Identity) string {
	switch {
	case p == ProfileSysadmin || p == ProfileNetadmin:
		return agent.IdentityRoot
	case id.Known():
		return id.String()
	}
	return agent.IdentitySwitch
}

// BuildDebugContainer returns the ephemeral container for o: the toolbox agent as its
// process, targetContainerName set, the target's ids copied (or root that switches to them
// when they are unknown and the profile allows root), the profile's security settings, and
// environment variables that mark it as ddebug's and say for which container and whom.
func BuildDebugContainer(o SpecOptions) (*corev1.EphemeralContainer, error) {
	if o.Name == "" || o.Image == "" || o.Target == "" {
		return nil, errors.New("building debug container: name, image and target are required")
	}
	pull := o.PullPolicy
	if pull == "" {
		pull = corev1.PullIfNotPresent
	}
	key := identityKey(o.Profile, o.Identity)
	ec := &corev1.EphemeralContainer{
		TargetContainerName: o.Target,
		EphemeralContainerCommon: corev1.EphemeralContainerCommon{
			Name:                     o.Name,
			Image:                    o.Image,
			ImagePullPolicy:          pull,
			Command:                  agent.AgentCommand(o.ToolboxPath, o.Idle),
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
			Env: []corev1.EnvVar{
				{Name: agent.EnvContainer, Value: o.Target},
				{Name: agent.EnvContainerID, Value: o.TargetID},
				{Name: agent.EnvPod, Value: o.Pod},
				{Name: agent.EnvNamespace, Value: o.Namespace},
				{Name: agent.EnvTarget, Value: o.Pod + "/" + o.Target},
				{Name: agent.EnvIdentity, Value: key},
				{Name: agent.EnvProfile, Value: string(o.Profile)},
				{Name: agent.EnvFor, Value: o.For},
				{Name: agent.EnvVersion, Value: o.Version},
			},
		},
	}
	sc := &corev1.SecurityContext{}
	switch key {
	case agent.IdentityRoot, agent.IdentitySwitch:
		// Explicit, so a pod-level runAsUser/runAsNonRoot does not apply to the debugger.
		sc.RunAsUser, sc.RunAsGroup, sc.RunAsNonRoot = ptr(int64(0)), ptr(int64(0)), ptr(false)
	default:
		sc.RunAsUser, sc.RunAsGroup = ptr(*o.Identity.UID), ptr(*o.Identity.GID)
	}
	switch o.Profile {
	case ProfileGeneral:
		sc.Capabilities = &corev1.Capabilities{Add: []corev1.Capability{"SYS_PTRACE"}}
	case ProfileBaseline:
	case ProfileRestricted:
		if key == agent.IdentitySwitch {
			return nil, fmt.Errorf("%w: restricted must run as the target's uid, and the API does not say which it is "+
				"(set runAsUser and runAsGroup on the pod, or use --profile=baseline where the namespace allows it)", errProfileRefused)
		}
		if *o.Identity.UID == 0 {
			return nil, fmt.Errorf("%w: the target runs as root and restricted forbids root "+
				"(use --profile=baseline or general where the namespace allows it)", errProfileRefused)
		}
		sc.RunAsNonRoot = ptr(true)
		sc.AllowPrivilegeEscalation = ptr(false)
		sc.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
		sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	case ProfileSysadmin:
		sc.Privileged = ptr(true)
	case ProfileNetadmin:
		sc.Capabilities = &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "NET_RAW", "SYS_PTRACE"}}
	default:
		return nil, fmt.Errorf("building debug container: profile %q is not concrete", o.Profile)
	}
	ec.SecurityContext = sc
	return ec, nil
}

// isDebugContainer reports whether ec was added by ddebug.
func isDebugContainer(ec *corev1.EphemeralContainer) bool {
	return strings.HasPrefix(ec.Name, NamePrefix) && envOf(ec, agent.EnvIdentity) != ""
}

func envOf(ec *corev1.EphemeralContainer, name string) string {
	for _, e := range ec.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func ptr[T any](v T) *T { return &v }
