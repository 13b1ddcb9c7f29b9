package ephemeral

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Profile is a set of security settings for the debug container.
type Profile string

const (
	// ProfileAuto picks the most capable of general, baseline and restricted that the
	// namespace's Pod Security level admits.
	ProfileAuto Profile = "auto"
	// ProfileGeneral: the target's ids, the runtime's default capabilities plus SYS_PTRACE.
	ProfileGeneral Profile = "general"
	// ProfileBaseline: the target's ids, the runtime's default capabilities (Pod Security
	// "baseline").
	ProfileBaseline Profile = "baseline"
	// ProfileRestricted: the target's ids (never root), no capability, no privilege
	// escalation, RuntimeDefault seccomp (Pod Security "restricted").
	ProfileRestricted Profile = "restricted"
	// ProfileSysadmin: privileged root.
	ProfileSysadmin Profile = "sysadmin"
	// ProfileNetadmin: root with NET_ADMIN, NET_RAW and SYS_PTRACE.
	ProfileNetadmin Profile = "netadmin"
)

// Profiles lists every profile name, for flags and completion.
var Profiles = []Profile{ProfileAuto, ProfileGeneral, ProfileBaseline, ProfileRestricted, ProfileSysadmin, ProfileNetadmin}

// ParseProfile checks a --profile value.
func ParseProfile(s string) (Profile, error) {
	for _, p := range Profiles {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown profile %q: want one of %s", s, strings.Join(names, ", "))
}

// autoOrder is the order in which auto tries profiles: the most capable first.
var autoOrder = []Profile{ProfileGeneral, ProfileBaseline, ProfileRestricted}

// Pod Security labels of a namespace.
const (
	labelEnforce        = psaapi.EnforceLevelLabel
	labelEnforceVersion = psaapi.EnforceVersionLabel
)

// psaLevel is a Pod Security level with its version ("restricted", "latest").
type psaLevel struct {
	Level, Version string
}

func (l psaLevel) String() string {
	v := l.Version
	if v == "" {
		v = "latest"
	}
	return l.Level + ":" + v
}

// levelOfNamespace reads the enforced Pod Security level from a namespace's labels
// (privileged when there is none).
func levelOfNamespace(labels map[string]string) psaLevel {
	l := psaLevel{Level: labels[labelEnforce], Version: labels[labelEnforceVersion]}
	if l.Level == "" {
		l.Level = string(psaapi.LevelPrivileged)
	}
	return l
}

// checkLevel evaluates the debug container ec, added to pod, against level and returns the
// rules it breaks (none: admitted). Only the debug container and the pod-level settings
// are judged, so a pod that already breaks the level does not condemn every profile.
func checkLevel(level psaLevel, pod *corev1.Pod, ec *corev1.EphemeralContainer) ([]string, error) {
	lvl, err := psaapi.ParseLevel(level.Level)
	if err != nil {
		return nil, fmt.Errorf("pod security level %q: %w", level.Level, err)
	}
	ver := psaapi.LatestVersion()
	if level.Version != "" {
		if ver, err = psaapi.ParseVersion(level.Version); err != nil {
			return nil, fmt.Errorf("pod security version %q: %w", level.Version, err)
		}
	}
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("pod security evaluator: %w", err)
	}
	spec := pod.Spec.DeepCopy()
	spec.InitContainers, spec.Containers = nil, nil
	spec.EphemeralContainers = []corev1.EphemeralContainer{*ec}
	meta := metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, Annotations: pod.Annotations}
	res := policy.AggregateCheckResults(eval.EvaluatePod(psaapi.LevelVersion{Level: lvl, Version: ver}, &meta, spec))
	if res.Allowed {
		return nil, nil
	}
	var out []string
	for i, r := range res.ForbiddenReasons {
		if i < len(res.ForbiddenDetails) && res.ForbiddenDetails[i] != "" {
			r += " (" + res.ForbiddenDetails[i] + ")"
		}
		out = append(out, r)
	}
	return out, nil
}

// chooseProfile returns the most capable profile of general, baseline and restricted
// whose debug container (built by build) level admits. When none is, it returns
// restricted and the rules it breaks.
func chooseProfile(level psaLevel, pod *corev1.Pod, build func(Profile) (*corev1.EphemeralContainer, error)) (Profile, []string, error) {
	var lastBroken []string
	for _, p := range autoOrder {
		ec, err := build(p)
		if err != nil {
			lastBroken = []string{err.Error()}
			continue
		}
		broken, err := checkLevel(level, pod, ec)
		if err != nil {
			return "", nil, err
		}
		if len(broken) == 0 {
			return p, nil, nil
		}
		lastBroken = broken
	}
	return ProfileRestricted, lastBroken, nil
}
