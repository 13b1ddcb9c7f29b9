package ephemeral

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/remotecommand"
	uexec "k8s.io/client-go/util/exec"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// defaultContainerAnnotation names the container kubectl picks by default.
const defaultContainerAnnotation = "kubectl.kubernetes.io/default-container"

// Request is one `kubectl ddebug` invocation, after flags and resource resolution.
type Request struct {
	// Pod is the target pod as just read from the API.
	Pod *corev1.Pod
	// Container is the target container; "" picks the default-container annotation, then
	// the first container.
	Container string
	Image     string
	// PullPolicy defaults to IfNotPresent.
	PullPolicy corev1.PullPolicy
	Profile    Profile
	// Idle is the agent's idle time; ToolboxPath the toolbox in the image.
	Idle        time.Duration
	ToolboxPath string
	// For is who asks, as the kubeconfig names them: recorded in a new container unless the
	// API server names the user (WhoAmI). Version is the plugin's version.
	For, Version string
	// NoReuse always adds a new container.
	NoReuse bool
}

// Step is a progress report while preparing.
type Step struct {
	// What is a short phrase such as "adding", "waiting", "reusing".
	What string
	// Detail is one line for the user.
	Detail string
}

// Target is a debug container ready for sessions.
type Target struct {
	Namespace, Pod string
	// Container is the target container, Debug the ddebug container.
	Container, Debug string
	Profile          Profile
	// Identity is the agent.EnvIdentity of the debug container.
	Identity string
	Reused   bool
	// Toolbox is the toolbox binary in the debug container's image.
	Toolbox string
}

// ExecRequest is one exec into a container.
type ExecRequest struct {
	Namespace, Pod, Container string
	Command                   []string
	Stdin                     io.Reader
	Stdout, Stderr            io.Writer
	TTY                       bool
	// Resize delivers terminal sizes (nil: none).
	Resize remotecommand.TerminalSizeQueue
}

// ExecFunc runs an exec; its error carries a non-zero exit status as
// k8s.io/client-go/util/exec.CodeExitError.
type ExecFunc func(ctx context.Context, r ExecRequest) error

// Debugger adds debug containers and runs sessions in them. Fields are seams for tests.
type Debugger struct {
	Client kubernetes.Interface
	// Exec runs a command in a container (RemoteExec in the plugin).
	Exec ExecFunc
	// NameSuffix returns the random part of a new container's name.
	NameSuffix func() string
	// Progress, when set, receives progress reports.
	Progress func(Step)
	// Timeout bounds every wait (60s when 0).
	Timeout time.Duration

	whoMu    sync.Mutex
	whoAsked bool
	who      string // the API server's name for the user (requester)
}

func (d *Debugger) progress(what, format string, args ...any) {
	if d.Progress != nil {
		d.Progress(Step{What: what, Detail: fmt.Sprintf(format, args...)})
	}
}

func (d *Debugger) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return 60 * time.Second
}

// ChooseContainer returns the target container's name: want if given (it must exist),
// else the default-container annotation, else the first container.
func ChooseContainer(pod *corev1.Pod, want string) (string, error) {
	var names []string
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			names = append(names, c.Name) // sidecars run alongside
		}
	}
	if want == "" {
		want = pod.Annotations[defaultContainerAnnotation]
		if want == "" && len(names) > 0 {
			want = names[0]
		}
	}
	for _, n := range names {
		if n == want {
			return n, nil
		}
	}
	return "", &Error{
		Kind:   ErrNoSuchContainer,
		Msg:    fmt.Sprintf("pod %s has no container %q", pod.Name, want),
		Advice: "its containers are: " + strings.Join(names, ", ") + " (pick one with -c)",
	}
}

// betaLabelOS is the deprecated spelling of corev1.LabelOSStable, still set by some nodes.
const betaLabelOS = "beta.kubernetes.io/os"

// windowsError says that pod runs on Windows (on node, when known).
func windowsError(pod *corev1.Pod, node string) error {
	where := "a Windows node"
	if node != "" {
		where = "node " + node + ", a Windows node"
	}
	return &Error{
		Kind:   ErrWindows,
		Msg:    fmt.Sprintf("pod %s runs on %s: Windows nodes are not supported, ddebug debugs Linux containers only", pod.Name, where),
		Advice: "use 'kubectl exec' into the container instead",
	}
}

// windowsInSpec reports whether the pod's own spec puts it on Windows: spec.os (optional)
// or a nodeSelector on the kubernetes.io/os label.
func windowsInSpec(pod *corev1.Pod) bool {
	if pod.Spec.OS != nil && pod.Spec.OS.Name == corev1.Windows {
		return true
	}
	sel := pod.Spec.NodeSelector
	return sel[corev1.LabelOSStable] == string(corev1.Windows) || sel[betaLabelOS] == string(corev1.Windows)
}

// refuseWindowsNode refuses a pod whose node (spec.nodeName) is labelled or reports itself
// as Windows. A node that may not be read (403) or is gone (404) refuses nothing: many
// users may debug pods without reading nodes.
func (d *Debugger) refuseWindowsNode(ctx context.Context, pod *corev1.Pod) error {
	if pod.Spec.NodeName == "" {
		return nil
	}
	node, err := d.Client.CoreV1().Nodes().Get(ctx, pod.Spec.NodeName, metav1.GetOptions{})
	switch {
	case apierrors.IsForbidden(err) || apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("reading node %s of pod %s to check its OS: %w", pod.Spec.NodeName, pod.Name, err)
	}
	win := string(corev1.Windows)
	if node.Labels[corev1.LabelOSStable] == win || node.Labels[betaLabelOS] == win || node.Status.NodeInfo.OperatingSystem == win {
		return windowsError(pod, node.Name)
	}
	return nil
}

// targetStatus checks that container runs and returns its runtime ID.
func targetStatus(pod *corev1.Pod, container string) (string, error) {
	if windowsInSpec(pod) {
		return "", windowsError(pod, pod.Spec.NodeName)
	}
	statuses := append(append([]corev1.ContainerStatus{}, pod.Status.ContainerStatuses...), pod.Status.InitContainerStatuses...)
	for _, cs := range statuses {
		if cs.Name != container {
			continue
		}
		if cs.State.Running != nil && cs.ContainerID != "" {
			return cs.ContainerID, nil
		}
		state := "not started"
		switch {
		case cs.State.Waiting != nil:
			state = "waiting: " + cs.State.Waiting.Reason
			if cs.State.Waiting.Message != "" {
				state += " (" + cs.State.Waiting.Message + ")"
			}
		case cs.State.Terminated != nil:
			state = fmt.Sprintf("terminated: %s, exit code %d", cs.State.Terminated.Reason, cs.State.Terminated.ExitCode)
		}
		return "", &Error{
			Kind:   ErrTargetNotRunning,
			Msg:    fmt.Sprintf("container %s of pod %s is not running (%s)", container, pod.Name, state),
			Advice: "a debug container shares the processes of a running container; look at 'kubectl describe pod " + pod.Name + "' and 'kubectl logs --previous'",
		}
	}
	return "", &Error{
		Kind:   ErrTargetNotRunning,
		Msg:    fmt.Sprintf("container %s of pod %s has not started (pod phase %s)", container, pod.Name, pod.Status.Phase),
		Advice: "wait until the pod runs, or look at 'kubectl describe pod " + pod.Name + "'",
	}
}

// Prepare finds or adds a running debug container for req and returns it.
func (d *Debugger) Prepare(ctx context.Context, req Request) (*Target, error) {
	pod := req.Pod
	ctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	container, err := ChooseContainer(pod, req.Container)
	if err != nil {
		return nil, err
	}
	targetID, err := targetStatus(pod, container)
	if err != nil {
		return nil, err
	}
	id := TargetIdentity(pod, container)
	spec := SpecOptions{
		Image: req.Image, PullPolicy: req.PullPolicy, Target: container, TargetID: targetID,
		Pod: pod.Name, Namespace: pod.Namespace, Identity: id, For: req.For, Version: req.Version,
		Idle: req.Idle, ToolboxPath: req.ToolboxPath,
	}
	build := func(p Profile) (*corev1.EphemeralContainer, error) {
		s := spec
		s.Profile, s.Name = p, "probe"
		return BuildDebugContainer(s)
	}

	profile, candidates := req.Profile, []Profile{req.Profile}
	var enforced *psaLevel // the namespace's level, when auto read it
	if profile == ProfileAuto {
		candidates = autoOrder
		if ns, err := d.Client.CoreV1().Namespaces().Get(ctx, pod.Namespace, metav1.GetOptions{}); err == nil {
			level := levelOfNamespace(ns.Labels)
			p, _, err := chooseProfile(level, pod, build)
			if err != nil {
				return nil, err
			}
			profile, candidates, enforced = p, []Profile{p}, &level
		} else {
			profile = ProfileGeneral // the namespace is not readable: learn the level from a rejection
		}
	}

	if !req.NoReuse {
		if t := findReusable(pod, spec, candidates); t != nil {
			d.progress("reusing", "reusing debug container %s (%s, uid:gid %s)", t.Debug, t.Profile, t.Identity)
			return t, nil
		}
	}

	// Only a new container needs the node's OS (a reusable one proves the node runs it) and
	// the requester's name: both questions are asked at once, a round trip each.
	who := make(chan string, 1)
	go func() { who <- d.requester(ctx, req.For) }()
	if err := d.refuseWindowsNode(ctx, pod); err != nil {
		return nil, err
	}
	spec.Name = NamePrefix + d.suffix()
	spec.Profile = profile
	spec.For = <-who
	ec, err := BuildDebugContainer(spec)
	if err != nil {
		return nil, explainBuild(err, profile, enforced, pod, spec)
	}
	d.progress("adding", "adding debug container %s to pod %s (profile %s, runs as %s)", spec.Name, pod.Name, profile, describeIdentity(ec))
	patched, err := d.add(ctx, pod, ec)
	if err != nil && req.Profile == ProfileAuto && errors.Is(err, ErrPodSecurity) {
		// The namespace was not readable: the rejection names the level; pick again.
		if level, ok := levelFromError(err); ok {
			if p, _, cerr := chooseProfile(level, pod, build); cerr == nil && p != profile {
				spec.Profile = p
				if ec, err = BuildDebugContainer(spec); err != nil {
					return nil, explainBuild(err, p, &level, pod, spec)
				}
				d.progress("adding", "namespace enforces %s: retrying with profile %s", level, p)
				profile = p
				patched, err = d.add(ctx, pod, ec)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if _, err := d.waitRunning(ctx, patched, spec.Name); err != nil {
		return nil, err
	}
	return &Target{
		Namespace: pod.Namespace, Pod: pod.Name, Container: container, Debug: spec.Name,
		Profile: profile, Identity: envOf(ec, agent.EnvIdentity), Toolbox: ec.Command[0],
	}, nil
}

// explainBuild explains a profile p that cannot debug spec's target in pod; level, when
// known, is the namespace's Pod Security level that led to p, whose advice then replaces
// the profile's own (which suggests profiles the level may not admit).
func explainBuild(err error, p Profile, level *psaLevel, pod *corev1.Pod, spec SpecOptions) error {
	if !errors.Is(err, errProfileRefused) {
		return err
	}
	e := &Error{Kind: ErrPodSecurity, Msg: fmt.Sprintf("profile %s: %v", p, err), Err: err}
	if level != nil {
		if _, ok := profileForLevel(level.Level, &spec.Identity); !ok {
			e.Msg = fmt.Sprintf("namespace %s enforces Pod Security %s, and its profile (%s) cannot debug container %s of pod %s",
				pod.Namespace, level, p, spec.Target, pod.Name)
			e.Advice = psaAdvice(level.Level, pod.Namespace, pod.Spec.NodeName, &spec.Identity)
		}
	}
	return e
}

func describeIdentity(ec *corev1.EphemeralContainer) string {
	switch k := envOf(ec, agent.EnvIdentity); k {
	case agent.IdentityRoot:
		return "root"
	case agent.IdentitySwitch:
		return "root, switching to the target's uid"
	default:
		return "uid:gid " + k
	}
}

func (d *Debugger) suffix() string {
	if d.NameSuffix != nil {
		return d.NameSuffix()
	}
	const letters = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, 5)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// findReusable returns a running ddebug container of pod with the same target (name and
// runtime ID, so not one from before a restart), image, identity and a profile among
// profiles.
func findReusable(pod *corev1.Pod, spec SpecOptions, profiles []Profile) *Target {
	running := map[string]bool{}
	for _, s := range pod.Status.EphemeralContainerStatuses {
		running[s.Name] = s.State.Running != nil
	}
	for _, p := range profiles {
		key := identityKey(p, spec.Identity)
		for i := len(pod.Spec.EphemeralContainers) - 1; i >= 0; i-- {
			ec := &pod.Spec.EphemeralContainers[i]
			if !isDebugContainer(ec) || !running[ec.Name] || ec.Image != spec.Image ||
				ec.TargetContainerName != spec.Target ||
				envOf(ec, agent.EnvContainerID) != spec.TargetID ||
				envOf(ec, agent.EnvProfile) != string(p) || envOf(ec, agent.EnvIdentity) != key {
				continue
			}
			toolbox := ""
			if len(ec.Command) > 0 {
				toolbox = ec.Command[0]
			}
			return &Target{Namespace: pod.Namespace, Pod: pod.Name, Container: spec.Target, Debug: ec.Name,
				Profile: p, Identity: key, Reused: true, Toolbox: toolbox}
		}
	}
	return nil
}

// add appends ec to the pod through the ephemeralcontainers subresource (a strategic
// merge patch, so nothing else of the pod is sent back).
func (d *Debugger) add(ctx context.Context, pod *corev1.Pod, ec *corev1.EphemeralContainer) (*corev1.Pod, error) {
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"ephemeralContainers": []*corev1.EphemeralContainer{ec}}})
	if err != nil {
		return nil, fmt.Errorf("encoding patch: %w", err)
	}
	out, err := d.Client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "ephemeralcontainers")
	if err != nil {
		err = TranslateAPIError(err, opPatchEphemeral, pod.Namespace, pod.Name)
		// Here the target is known: advise a profile that can debug it at that level.
		var e *Error
		if level, ok := levelFromError(err); ok && errors.As(err, &e) && e.Kind == ErrPodSecurity {
			id := TargetIdentity(pod, ec.TargetContainerName)
			e.Advice = psaAdvice(level.Level, pod.Namespace, pod.Spec.NodeName, &id)
		}
		return nil, err
	}
	return out, nil
}

var goneRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)container .*(not found|not running|is terminated)|cannot exec in a stopped`)
})

// Session runs command (the shell when empty) in t and returns its exit status.
func (d *Debugger) Session(ctx context.Context, t *Target, command []string, quiet bool, r ExecRequest) (int, error) {
	r.Namespace, r.Pod, r.Container = t.Namespace, t.Pod, t.Debug
	r.Command = agent.SessionCommand(t.Toolbox, quiet, command)
	err := d.Exec(ctx, r)
	if err == nil {
		return 0, nil
	}
	var ce uexec.CodeExitError
	if errors.As(err, &ce) {
		return ce.Code, nil
	}
	var cep *uexec.CodeExitError
	if errors.As(err, &cep) {
		return cep.Code, nil
	}
	if t.Reused && goneRE().MatchString(err.Error()) {
		// The agent reached its idle time between the check and the exec.
		return 0, &Error{Kind: ErrContainerExited, Msg: fmt.Sprintf("debug container %s exited before the session started", t.Debug), Err: err}
	}
	return 0, TranslateAPIError(err, opExec, t.Namespace, t.Pod)
}
