package ephemeral

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// Annotations of a pod copy (kubectl ddebug --copy-to).
const (
	// copyOfAnnotation names the pod a copy was made of.
	copyOfAnnotation = "ddebug.kubectl-ddebug.io/copy-of"
	// copyTargetAnnotation names the container that runs the toolbox instead of its command.
	copyTargetAnnotation = "ddebug.kubectl-ddebug.io/target"
	// copyCommandAnnotation is the target's original command line (for the user to start it).
	copyCommandAnnotation = "ddebug.kubectl-ddebug.io/original-command"
	// forAnnotation is who made a pod ddebug created (a copy, a node pod).
	forAnnotation = "ddebug.kubectl-ddebug.io/for"

	// copyToolboxDir is where the toolbox binary lands in the copy (an emptyDir).
	copyToolboxDir    = "/ddebug"
	copyVolume        = "ddebug-toolbox"
	copyInitContainer = "ddebug-install"
)

// opCreatePod and opDeletePod are the operations of --copy-to.
var (
	opCreatePod = Op{"create", "pods"}
	opDeletePod = Op{"delete", "pods"}
)

// ErrCopyExists is returned when the copy's name is taken by a pod that is not a copy of
// the same pod.
var ErrCopyExists = errors.New("pod of that name exists")

// PodCopyOptions is what BuildPodCopy needs; it makes no API call.
type PodCopyOptions struct {
	// Name is the copy's name; Container the target container (already chosen).
	Name, Container string
	// Image is the toolbox image (its binary at ToolboxPath, agent.DefaultToolboxPath
	// when ""); PullPolicy defaults to IfNotPresent.
	Image, ToolboxPath string
	PullPolicy         corev1.PullPolicy
	// Idle is how long the copy's target waits (the toolbox's sleep) before the pod ends.
	Idle time.Duration
	// For is who asks, as the kubeconfig names them; PrepareCopy records the API server's
	// name for the user instead when it gives one (WhoAmI).
	For string
}

// toolboxInCopy is the toolbox's path in the copy's target container.
const toolboxInCopy = copyToolboxDir + "/ddebug-toolbox"

// BuildPodCopy returns a copy of pod for debugging a container that cannot run: the
// target keeps its image, volumes, environment and security context but runs the toolbox
// (`sleep`) instead of its command, so sessions exec'd into it see its own filesystem at
// /. The toolbox binary arrives through an init container into an emptyDir. Labels,
// annotations, owner references and probes are dropped (no Service sends it traffic, no
// controller adopts it, nothing restarts it), the node is left to the scheduler and the
// pod never restarts.
func BuildPodCopy(pod *corev1.Pod, o PodCopyOptions) (*corev1.Pod, error) {
	if o.Name == "" || o.Image == "" || o.Container == "" {
		return nil, errors.New("building pod copy: name, image and container are required")
	}
	if o.Name == pod.Name {
		return nil, fmt.Errorf("building pod copy: the copy needs a name other than %s", pod.Name)
	}
	toolbox := o.ToolboxPath
	if toolbox == "" {
		toolbox = agent.DefaultToolboxPath
	}
	pull := o.PullPolicy
	if pull == "" {
		pull = corev1.PullIfNotPresent
	}
	idle := o.Idle
	if idle <= 0 {
		idle = agent.DefaultIdle
	}
	spec := pod.Spec.DeepCopy()
	spec.NodeName = ""
	spec.EphemeralContainers = nil
	spec.RestartPolicy = corev1.RestartPolicyNever
	spec.Overhead = nil // set again by RuntimeClass admission, which refuses a preset one
	for _, v := range spec.Volumes {
		if v.Name == copyVolume {
			return nil, fmt.Errorf("building pod copy: pod %s already has a volume %s", pod.Name, copyVolume)
		}
	}
	spec.Volumes = append(spec.Volumes, corev1.Volume{Name: copyVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	var target *corev1.Container
	for i := range spec.Containers {
		c := &spec.Containers[i]
		c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = nil, nil, nil
		if c.Name == o.Container {
			target = c
		}
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = nil, nil, nil
		if c.Name == o.Container {
			target = c
		}
	}
	if target == nil {
		return nil, fmt.Errorf("building pod copy: pod %s has no container %q", pod.Name, o.Container)
	}
	original := strings.Join(append(append([]string{}, target.Command...), target.Args...), " ")
	if original == "" {
		original = "(the image's entrypoint)"
	}
	target.Command = []string{toolboxInCopy, "sleep", fmt.Sprintf("%ds", int(idle.Seconds()))}
	target.Args = nil
	target.TTY, target.Stdin, target.StdinOnce = false, false, false
	target.VolumeMounts = append(target.VolumeMounts, corev1.VolumeMount{Name: copyVolume, MountPath: copyToolboxDir, ReadOnly: true})
	install := corev1.Container{
		Name:            copyInitContainer,
		Image:           o.Image,
		ImagePullPolicy: pull,
		Command:         []string{toolbox, "cp", "-p", toolbox, toolboxInCopy},
		VolumeMounts:    []corev1.VolumeMount{{Name: copyVolume, MountPath: copyToolboxDir}},
		// The target's own settings, so the namespace's Pod Security level that admits
		// the target admits the installer too.
		SecurityContext: target.SecurityContext.DeepCopy(),
	}
	spec.InitContainers = append([]corev1.Container{install}, spec.InitContainers...)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      o.Name,
			Namespace: pod.Namespace,
			Annotations: map[string]string{
				copyOfAnnotation:      pod.Name,
				copyTargetAnnotation:  o.Container,
				copyCommandAnnotation: original,
				forAnnotation:         o.For,
			},
		},
		Spec: *spec,
	}, nil
}

// CopyTarget is a pod copy whose target runs the toolbox.
type CopyTarget struct {
	Namespace, Pod, Container string
	// Original is the target's original command line.
	Original string
	Reused   bool
}

// PrepareCopy creates the copy of pod that o describes (or reuses a running copy of the
// same pod and container under that name) and waits until its target runs.
func (d *Debugger) PrepareCopy(ctx context.Context, pod *corev1.Pod, o PodCopyOptions) (*CopyTarget, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	pods := d.Client.CoreV1().Pods(pod.Namespace)
	ct := &CopyTarget{Namespace: pod.Namespace, Pod: o.Name, Container: o.Container}
	if cur, err := pods.Get(ctx, o.Name, metav1.GetOptions{}); err == nil {
		if cur.Annotations[copyOfAnnotation] != pod.Name || cur.Annotations[copyTargetAnnotation] != o.Container {
			return nil, &Error{Kind: ErrCopyExists, Msg: fmt.Sprintf("pod %s exists and is not a ddebug copy of %s (container %s)", o.Name, pod.Name, o.Container),
				Advice: "pick another --copy-to name, or delete that pod"}
		}
		if running, _, _ := podState(cur, o.Container, "pod copy"); running {
			ct.Original, ct.Reused = cur.Annotations[copyCommandAnnotation], true
			d.progress("reusing", "reusing pod copy %s", o.Name)
			return ct, nil
		}
		return nil, &Error{Kind: ErrCopyExists, Msg: fmt.Sprintf("pod copy %s exists but its container %s does not run (phase %s)", o.Name, o.Container, cur.Status.Phase),
			Advice: fmt.Sprintf("delete it ('kubectl delete pod %s -n %s') or pick another --copy-to name", o.Name, pod.Namespace)}
	} else if !apierrors.IsNotFound(err) {
		return nil, TranslateAPIError(err, OpGetPod, pod.Namespace, o.Name)
	}
	o.For = d.requester(ctx, o.For)
	cp, err := BuildPodCopy(pod, o)
	if err != nil {
		return nil, err
	}
	ct.Original = cp.Annotations[copyCommandAnnotation]
	d.progress("creating", "creating pod %s, a copy of %s whose container %s runs the toolbox", o.Name, pod.Name, o.Container)
	created, err := pods.Create(ctx, cp, metav1.CreateOptions{})
	if err != nil {
		return nil, TranslateAPIError(err, opCreatePod, pod.Namespace, o.Name)
	}
	if err := d.waitPod(ctx, created, o.Container, "pod copy"); err != nil {
		return ct, err
	}
	return ct, nil
}

// CopySession runs command (the toolbox shell when empty) in the copy's target: toolbox
// applets first, else the target's own programs on its PATH.
func (d *Debugger) CopySession(ctx context.Context, t *CopyTarget, command []string, r ExecRequest) (int, error) {
	r.Namespace, r.Pod, r.Container = t.Namespace, t.Pod, t.Container
	if len(command) == 0 {
		r.Command = []string{toolboxInCopy, "sh"}
	} else {
		r.Command = append([]string{toolboxInCopy, "env"}, command...)
	}
	return d.execStatus(ctx, r)
}

// DeleteCopy deletes the pod copy at once (--rm).
func (d *Debugger) DeleteCopy(ctx context.Context, t *CopyTarget) error {
	return d.deletePodNow(ctx, t.Namespace, t.Pod)
}
