package ephemeral

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

// OpListPods is listing pods (kubectl ddebug list without a pod).
var OpListPods = Op{"list", "pods"}

// DebugContainer is one ddebug container found on a pod: what BuildDebugContainer wrote
// into its spec, and its state from the pod's status.
type DebugContainer struct {
	Namespace, Pod, Name string
	// Target is the target container, Image the toolbox image.
	Target, Image string
	// Profile, Identity (agent.EnvIdentity), For (who added it) and Version (of the
	// plugin that added it), as recorded in its environment.
	Profile, Identity, For, Version string
	// State is "running", "waiting" or "terminated"; Reason the kubelet's reason for the
	// latter two ("" when the status does not know the container yet).
	State, Reason string
	// Started is when it started (zero when it never did), Finished when it ended.
	Started, Finished time.Time
	// ExitCode is its exit status once terminated.
	ExitCode int32
}

// debugContainers returns the ddebug containers of pod, in the order they started.
// Ephemeral containers of other tools (kubectl debug) are left out.
func debugContainers(pod *corev1.Pod) []DebugContainer {
	statuses := map[string]*corev1.ContainerStatus{}
	for i := range pod.Status.EphemeralContainerStatuses {
		s := &pod.Status.EphemeralContainerStatuses[i]
		statuses[s.Name] = s
	}
	var out []DebugContainer
	for i := range pod.Spec.EphemeralContainers {
		ec := &pod.Spec.EphemeralContainers[i]
		if !isDebugContainer(ec) {
			continue
		}
		dc := DebugContainer{
			Namespace: pod.Namespace, Pod: pod.Name, Name: ec.Name,
			Target: ec.TargetContainerName, Image: ec.Image,
			Profile: envOf(ec, agent.EnvProfile), Identity: envOf(ec, agent.EnvIdentity),
			For: envOf(ec, agent.EnvFor), Version: envOf(ec, agent.EnvVersion),
			State: "waiting",
		}
		if s := statuses[ec.Name]; s != nil {
			switch st := s.State; {
			case st.Running != nil:
				dc.State, dc.Started = "running", st.Running.StartedAt.Time
			case st.Terminated != nil:
				dc.State, dc.Reason, dc.ExitCode = "terminated", st.Terminated.Reason, st.Terminated.ExitCode
				dc.Started, dc.Finished = st.Terminated.StartedAt.Time, st.Terminated.FinishedAt.Time
			case st.Waiting != nil:
				dc.Reason = st.Waiting.Reason
			}
		}
		out = append(out, dc)
	}
	// The spec's order is not the order they were added (a strategic merge patch puts
	// the new one first): order by start, those not started yet last.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Started, out[j].Started
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.Before(b)
	})
	return out
}

// ListOptions selects the pods whose debug containers List returns.
type ListOptions struct {
	// Namespace is where to look ("" with AllNamespaces).
	Namespace string
	// Pod, when set, is the one pod to look at; else every pod matching Selector.
	Pod string
	// Selector is a label selector (kubectl's -l syntax).
	Selector      string
	AllNamespaces bool
}

// List returns the ddebug containers of the selected pods, sorted by namespace, pod and
// start.
func (d *Debugger) List(ctx context.Context, o ListOptions) ([]DebugContainer, error) {
	if o.Pod != "" {
		pod, err := d.Client.CoreV1().Pods(o.Namespace).Get(ctx, o.Pod, metav1.GetOptions{})
		if err != nil {
			if e := TranslateAPIError(err, OpGetPod, o.Namespace, o.Pod); isKind(e, ErrPodNotFound) {
				return nil, PodNotFound(ctx, d.Client, o.Namespace, o.Pod)
			} else {
				return nil, e
			}
		}
		return debugContainers(pod), nil
	}
	ns := o.Namespace
	if o.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	pods, err := d.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: o.Selector})
	if err != nil {
		err = TranslateAPIError(err, OpListPods, ns, "")
		if e, ok := err.(*Error); ok && e.Kind == ErrForbidden && o.AllNamespaces {
			e.Msg = strings.Replace(e.Msg, "in namespace ", "in all namespaces", 1)
			e.Advice = "-A needs a ClusterRole granting verb \"list\" on \"pods\"; without -A, ddebug list looks at one namespace (-n)"
		}
		return nil, err
	}
	items := pods.Items
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Namespace != items[j].Namespace {
			return items[i].Namespace < items[j].Namespace
		}
		return items[i].Name < items[j].Name
	})
	var out []DebugContainer
	for i := range items {
		out = append(out, debugContainers(&items[i])...)
	}
	return out, nil
}

func isKind(err, kind error) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == kind
}

// Age formats how long ago t was, as kubectl does (5s, 3m, 2h, 4d); "-" for a zero t.
func Age(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "0s"
	case d < 2*time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < 2*time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
