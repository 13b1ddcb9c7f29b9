package ephemeral

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// Node debugging (kubectl ddebug node/NAME): a pod on that node in the host's PID,
// network and IPC namespaces, privileged, whose sessions chroot into the host's root
// (/proc/1/root) and carry ddebug's own command line, to enter any container of the node
// through the container runtime (the node image).
const (
	// nodeAnnotation names the node a node pod debugs; its presence marks the pod as ddebug's.
	nodeAnnotation = "ddebug.kubectl-ddebug.io/node"
	// nodePodPrefix starts the name of every node pod.
	nodePodPrefix = "ddebug-node-"
	// nodeContainer is the node pod's one container.
	nodeContainer = "ddebug"
	// nodeHostMount is where the node pod mounts the host's / (hostPath), the root of its
	// sessions where /proc/1/root cannot be entered.
	nodeHostMount  = "/host"
	nodeHostVolume = "host-root"
	// criSocketAnnotation is where kubeadm records a node's CRI socket.
	criSocketAnnotation = "kubeadm.alpha.kubernetes.io/cri-socket"
)

// ErrNodeNotFound is the kind of the error for a node that does not exist.
var ErrNodeNotFound = errors.New("node not found")

// opGetNode is the operation that reads the node.
var opGetNode = Op{"get", "nodes"}

// NodePodOptions is what buildNodePod needs; it makes no API call.
type NodePodOptions struct {
	// Node to debug; Name and Namespace of the pod (nodePodName when Name is "").
	Node, Name, Namespace string
	// Image is the node image (the toolbox image with ddebug's command line in it).
	Image       string
	ToolboxPath string
	PullPolicy  corev1.PullPolicy
	// Idle is how long the pod lives without a session.
	Idle time.Duration
	// RuntimeEndpoint is the node's CRI socket (CONTAINER_RUNTIME_ENDPOINT in sessions), if known.
	RuntimeEndpoint string
	// For is who asks, as the kubeconfig names them (PrepareNode records the API server's
	// name instead when it gives one: WhoAmI); Version the plugin's version.
	For, Version string
}

// nodePodName is a fresh name for a node pod: nodePodPrefix, the node's name (cut to fit)
// and a random suffix.
func nodePodName(node string) string {
	var b [3]byte
	rand.Read(b[:])
	suffix := "-" + hex.EncodeToString(b[:])
	base := nodePodPrefix + node
	if max := validation.DNS1123SubdomainMaxLength - len(suffix); len(base) > max {
		base = strings.TrimRight(base[:max], "-.")
	}
	return base + suffix
}

// buildNodePod returns the pod that debugs o.Node: pinned to it, tolerating every taint,
// in the host's PID, network and IPC namespaces, privileged and root (entering the host's
// root and other containers' namespaces takes that), without a service account token, and
// never restarted, with the host's / mounted at nodeHostMount. Its process is the toolbox
// agent with the host's PID 1 as target.
func buildNodePod(o NodePodOptions) (*corev1.Pod, error) {
	if o.Node == "" || o.Image == "" || o.Namespace == "" {
		return nil, errors.New("building node pod: node, image and namespace are required")
	}
	name := o.Name
	if name == "" {
		name = nodePodName(o.Node)
	}
	pull := o.PullPolicy
	if pull == "" {
		pull = corev1.PullIfNotPresent
	}
	env := []corev1.EnvVar{
		{Name: agent.EnvTargetPID, Value: "1"},
		{Name: agent.EnvTargetRoot, Value: nodeHostMount},
		{Name: agent.EnvTarget, Value: "node/" + o.Node},
		{Name: agent.EnvIdentity, Value: agent.IdentityRoot},
		{Name: agent.EnvProfile, Value: "node"},
		{Name: agent.EnvFor, Value: o.For},
		{Name: agent.EnvVersion, Value: o.Version},
	}
	if o.RuntimeEndpoint != "" {
		env = append(env, corev1.EnvVar{Name: "CONTAINER_RUNTIME_ENDPOINT", Value: o.RuntimeEndpoint})
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   o.Namespace,
			Labels:      map[string]string{"app.kubernetes.io/managed-by": "kubectl-ddebug"},
			Annotations: map[string]string{nodeAnnotation: o.Node, forAnnotation: o.For},
		},
		Spec: corev1.PodSpec{
			NodeName:                      o.Node,
			HostPID:                       true,
			HostNetwork:                   true,
			HostIPC:                       true,
			RestartPolicy:                 corev1.RestartPolicyNever,
			AutomountServiceAccountToken:  ptr(false),
			EnableServiceLinks:            ptr(false),
			Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			TerminationGracePeriodSeconds: ptr(int64(0)),
			Volumes: []corev1.Volume{{Name: nodeHostVolume, VolumeSource: corev1.VolumeSource{
				HostPath: &corev1.HostPathVolumeSource{Path: "/", Type: ptr(corev1.HostPathDirectory)}}}},
			Containers: []corev1.Container{{
				Name:            nodeContainer,
				Image:           o.Image,
				ImagePullPolicy: pull,
				Command:         agent.AgentCommand(o.ToolboxPath, o.Idle),
				Env:             env,
				// No mount propagation: it needs / to be a shared mount on the host, which it
				// is not everywhere; the session sees the host's mounts of its start.
				VolumeMounts:             []corev1.VolumeMount{{Name: nodeHostVolume, MountPath: nodeHostMount}},
				TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
				SecurityContext: &corev1.SecurityContext{
					Privileged: ptr(true), RunAsUser: ptr(int64(0)), RunAsGroup: ptr(int64(0)), RunAsNonRoot: ptr(false),
				},
			}},
		},
	}, nil
}

// NodeTarget is a running node pod.
type NodeTarget struct {
	Node, Namespace, Pod string
}

// PrepareNode checks the node exists, creates the node pod and waits until it runs. On
// an error after the pod was created, the target is returned too, for the caller to delete.
func (d *Debugger) PrepareNode(ctx context.Context, o NodePodOptions) (*NodeTarget, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	node, err := d.Client.CoreV1().Nodes().Get(ctx, o.Node, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil, d.nodeNotFound(ctx, o.Node, err)
	case err != nil:
		return nil, translateNodeError(err, opGetNode, o)
	}
	if o.RuntimeEndpoint == "" {
		o.RuntimeEndpoint = node.Annotations[criSocketAnnotation]
	}
	if os := node.Status.NodeInfo.OperatingSystem; os != "" && os != "linux" {
		return nil, &Error{Kind: ErrWindows, Msg: fmt.Sprintf("node %s runs %s; ddebug debugs Linux nodes", o.Node, os)}
	}
	o.For = d.requester(ctx, o.For)
	pod, err := buildNodePod(o)
	if err != nil {
		return nil, err
	}
	d.progress("creating", "creating pod %s on node %s (host PID and network namespaces, privileged)", pod.Name, o.Node)
	created, err := d.Client.CoreV1().Pods(o.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return nil, translateNodeError(err, opCreatePod, o)
	}
	t := &NodeTarget{Node: o.Node, Namespace: o.Namespace, Pod: created.Name}
	return t, d.waitPod(ctx, created, nodeContainer, "node pod")
}

func (d *Debugger) nodeNotFound(ctx context.Context, name string, err error) error {
	e := &Error{Kind: ErrNodeNotFound, Msg: "node " + name + " not found", Err: err,
		Advice: "'kubectl get nodes' lists them"}
	if list, lerr := d.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); lerr == nil {
		var names []string
		for _, n := range list.Items {
			names = append(names, n.Name)
		}
		if close := closeNames(name, names, 3); len(close) > 0 {
			e.Advice = "did you mean " + strings.Join(close, ", ") + "?"
		}
	}
	return e
}

// translateNodeError is TranslateAPIError with the advice that fits a node pod: it is
// privileged by nature, so no profile makes Pod Security admit it.
func translateNodeError(err error, op Op, o NodePodOptions) error {
	msg := err.Error()
	if m := psaRE().FindStringSubmatch(msg); m != nil {
		return &Error{Kind: ErrPodSecurity, Err: err,
			Msg: fmt.Sprintf("pod security admission (%s:%s in namespace %s) refused the node pod, which must be privileged: %s", m[1], m[2], o.Namespace, m[3]),
			Advice: "run it in a namespace whose pod-security.kubernetes.io/enforce level is privileged (-n NAMESPACE), " +
				"e.g. 'kubectl label ns NAMESPACE pod-security.kubernetes.io/enforce=privileged'"}
	}
	if apierrors.IsForbidden(err) && strings.Contains(msg, "privileged") {
		return &Error{Kind: ErrForbidden, Err: err, Msg: "the cluster refused the privileged node pod: " + msg,
			Advice: "node debugging needs privileged pods (kube-apiserver --allow-privileged, and a policy that admits them in this namespace)"}
	}
	if apierrors.IsInvalid(err) && strings.Contains(msg, "privileged") {
		return &Error{Kind: ErrInvalid, Err: err, Msg: "the API server refused the node pod: " + msg,
			Advice: "this cluster forbids privileged containers (kube-apiserver --allow-privileged=false); node debugging needs them"}
	}
	if op == opGetNode {
		return TranslateAPIError(err, op, "(cluster scope)", o.Node)
	}
	return TranslateAPIError(err, op, o.Namespace, o.Name)
}

// NodeSession runs the toolbox shell (command empty) or command in the node pod, chrooted
// into the host's root.
func (d *Debugger) NodeSession(ctx context.Context, t *NodeTarget, toolboxPath string, command []string, quiet bool, r ExecRequest) (int, error) {
	r.Namespace, r.Pod, r.Container = t.Namespace, t.Pod, nodeContainer
	r.Command = agent.SessionCommand(toolboxPath, quiet, command)
	return d.execStatus(ctx, r)
}

// DeleteNode deletes the node pod at once.
func (d *Debugger) DeleteNode(ctx context.Context, t *NodeTarget) error {
	return d.deletePodNow(ctx, t.Namespace, t.Pod)
}
