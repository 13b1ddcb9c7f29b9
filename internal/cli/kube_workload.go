//go:build !ddebug_host

package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/kubectl/pkg/util/podutils"
)

// The pods of a workload, as kubectl attach and kubectl logs find them
// (k8s.io/kubectl/pkg/polymorphichelpers), without that package: it brings kubectl's
// command packages and their package initialisation (describe, cmd/util, kubectl's own
// scheme), which every start of the plugin would pay.

// selectorOf returns the namespace and the pod selector of a workload: a deployment,
// replica set, stateful set, daemon set, job, replication controller or service.
func selectorOf(object runtime.Object) (string, labels.Selector, error) {
	var ns string
	var ls *metav1.LabelSelector
	switch t := object.(type) {
	case *corev1.ReplicationController:
		return t.Namespace, labels.SelectorFromSet(t.Spec.Selector), nil
	case *corev1.Service:
		if len(t.Spec.Selector) == 0 {
			return "", nil, fmt.Errorf("invalid service '%s': Service is defined without a selector", t.Name)
		}
		return t.Namespace, labels.SelectorFromSet(t.Spec.Selector), nil
	case *appsv1.Deployment:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1.ReplicaSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1.StatefulSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1.DaemonSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *batchv1.Job:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1beta2.Deployment:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1beta2.ReplicaSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1beta2.StatefulSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1beta2.DaemonSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1beta1.Deployment:
		ns, ls = t.Namespace, t.Spec.Selector
	case *appsv1beta1.StatefulSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *extensionsv1beta1.Deployment:
		ns, ls = t.Namespace, t.Spec.Selector
	case *extensionsv1beta1.ReplicaSet:
		ns, ls = t.Namespace, t.Spec.Selector
	case *extensionsv1beta1.DaemonSet:
		ns, ls = t.Namespace, t.Spec.Selector
	default:
		return "", nil, fmt.Errorf("selector for %T not implemented", object)
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return "", nil, fmt.Errorf("invalid label selector: %w", err)
	}
	return ns, sel, nil
}

// podsClient is the client of the pods API.
func podsClient(cfg *rest.Config) (corev1client.PodsGetter, error) {
	c, err := corev1client.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("making the API client: %w", err)
	}
	return c, nil
}

// attachablePod returns the pod object stands for: itself when it is a pod, else the
// most active pod of the workload (podutils.ActivePods, as kubectl attach picks it),
// waiting up to timeout for one to appear when it has none yet.
func attachablePod(ctx context.Context, client corev1client.PodsGetter, object runtime.Object, timeout time.Duration) (*corev1.Pod, error) {
	if pod, ok := object.(*corev1.Pod); ok {
		return pod, nil
	}
	ns, sel, err := selectorOf(object)
	if err != nil {
		return nil, fmt.Errorf("cannot attach to %T: %w", object, err)
	}
	opts := metav1.ListOptions{LabelSelector: sel.String()}
	list, err := client.Pods(ns).List(ctx, opts)
	if err != nil {
		return nil, err
	}
	if len(list.Items) > 0 {
		pods := make([]*corev1.Pod, len(list.Items))
		for i := range list.Items {
			pods[i] = &list.Items[i]
		}
		sort.Sort(sort.Reverse(podutils.ActivePods(pods)))
		return pods[0], nil
	}
	// None yet: watch until one is added or modified.
	opts.ResourceVersion = list.ResourceVersion
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w, err := client.Pods(ns).Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no pod of %s/%s appeared in %v: %w", ns, sel, timeout, ctx.Err())
		case ev, ok := <-w.ResultChan():
			if !ok {
				return nil, errors.New("watching for a pod: the watch closed")
			}
			if ev.Type == watch.Error {
				return nil, apierrors.FromObject(ev.Object)
			}
			if ev.Type != watch.Added && ev.Type != watch.Modified {
				continue
			}
			if pod, ok := ev.Object.(*corev1.Pod); ok {
				return pod, nil
			}
			return nil, fmt.Errorf("%#v is not a pod event", ev)
		}
	}
}
