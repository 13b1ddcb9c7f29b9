package ephemeral

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
)

// fatalWaiting is the error of a container's waiting reason that means it will not start
// without someone changing something, or nil (a switch: a map would be built at start).
func fatalWaiting(reason string) error {
	switch reason {
	case "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "RegistryUnavailable":
		return ErrImagePull
	case "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "PreStartHookError":
		return ErrCreateContainer
	}
	return nil
}

// containerState says whether the debug container name of pod runs (done), failed (err),
// or is still on its way (detail says how).
func containerState(pod *corev1.Pod, name string) (done bool, detail string, err error) {
	for _, s := range pod.Status.EphemeralContainerStatuses {
		if s.Name != name {
			continue
		}
		switch {
		case s.State.Running != nil:
			return true, "running", nil
		case s.State.Terminated != nil:
			t := s.State.Terminated
			msg := strings.TrimSpace(t.Message)
			if msg != "" {
				msg = ": " + msg
			}
			return false, "", &Error{
				Kind:   ErrContainerExited,
				Msg:    fmt.Sprintf("debug container %s exited at once (%s, exit code %d)%s", name, t.Reason, t.ExitCode, msg),
				Advice: fmt.Sprintf("is --image a ddebug toolbox image? see 'kubectl logs %s -c %s -n %s'", pod.Name, name, pod.Namespace),
			}
		case s.State.Waiting != nil:
			w := s.State.Waiting
			if kind := fatalWaiting(w.Reason); kind != nil {
				return false, "", failure(kind, debugSite(pod, name), s.Image, w.Reason, w.Message)
			}
			return false, w.Reason, nil
		}
	}
	return false, "not started yet", nil
}

// debugSite is where the debug container name of pod pulls its image.
func debugSite(pod *corev1.Pod, name string) pullSite {
	return pullSite{who: "debug container " + name, pod: pod, flag: "--image"}
}

// failure is the error of a container (at site) that will not start: its image does not
// pull (kind ErrImagePull) or the kubelet cannot create it, for reason and msg.
func failure(kind error, site pullSite, image, reason, msg string) error {
	switch kind {
	case ErrImagePull:
		return pullFailure(site, image, reason, msg)
	default:
		adv := "see 'kubectl describe pod'"
		if strings.Contains(msg, "runAsNonRoot") {
			adv = "the image runs as root where the pod requires non-root; ddebug copies the target's uid unless --profile=sysadmin/netadmin"
		}
		return &Error{Kind: ErrCreateContainer, Msg: fmt.Sprintf("the kubelet cannot create %s: %s: %s", site.who, reason, msg), Advice: adv}
	}
}

// eventFailure interprets a Warning event about the debug container name of pod.
func eventFailure(ev *corev1.Event, pod *corev1.Pod, name, image string) error {
	if ev.Type != corev1.EventTypeWarning {
		return nil
	}
	msg := ev.Message
	lower := strings.ToLower(msg + " " + ev.Reason)
	switch {
	case strings.Contains(lower, "pull") || ev.Reason == "InspectFailed" || strings.Contains(lower, "invalidimagename"):
		return failure(ErrImagePull, debugSite(pod, name), image, ev.Reason, msg)
	case ev.Reason == "Failed" || ev.Reason == "BackOff" || strings.Contains(lower, "error"):
		return failure(ErrCreateContainer, debugSite(pod, name), image, ev.Reason, msg)
	}
	return nil
}

// waitRunning watches pod (as returned by the patch) until debug container name runs,
// fails, or ctx ends; warning events about the container fail it at once, before the
// status catches up.
func (d *Debugger) waitRunning(ctx context.Context, pod *corev1.Pod, name string) (*corev1.Pod, error) {
	image := ""
	for _, ec := range pod.Spec.EphemeralContainers {
		if ec.Name == name {
			image = ec.Image
		}
	}
	done, detail, err := containerState(pod, name)
	if done || err != nil {
		return pod, err
	}
	pods := d.Client.CoreV1().Pods(pod.Namespace)
	rv := pod.ResourceVersion
	pw, err := pods.Watch(ctx, metav1.ListOptions{
		FieldSelector:   fields.OneTermEqualSelector("metadata.name", pod.Name).String(),
		ResourceVersion: rv,
	})
	if err != nil {
		return nil, TranslateAPIError(err, opWatchPods, pod.Namespace, pod.Name)
	}
	defer func() { pw.Stop() }()
	var evc <-chan watch.Event
	ew, err := d.Client.CoreV1().Events(pod.Namespace).Watch(ctx, metav1.ListOptions{
		FieldSelector: fields.AndSelectors(
			fields.OneTermEqualSelector("involvedObject.name", pod.Name),
			fields.OneTermEqualSelector("involvedObject.fieldPath", "spec.ephemeralContainers{"+name+"}"),
		).String(),
		ResourceVersion: rv,
	})
	if err == nil { // without the right to watch events, the status alone will tell
		defer ew.Stop()
		evc = ew.ResultChan()
	}
	d.progress("waiting", "waiting for debug container %s to start", name)
	last := detail
	pulling := false // the kubelet said Pulling and not yet Pulled
	for {
		select {
		case <-ctx.Done():
			if pulling {
				return nil, &Error{
					Kind: ErrTimeout,
					Msg:  fmt.Sprintf("debug container %s did not start within the timeout: the node was still pulling image %s", name, image),
					Advice: fmt.Sprintf("raise --timeout for a slow registry, or check that the node reaches %s ('kubectl describe pod %s -n %s' shows the pull)",
						registryOf(image), pod.Name, pod.Namespace),
					Err: ctx.Err(),
				}
			}
			return nil, &Error{
				Kind:   ErrTimeout,
				Msg:    fmt.Sprintf("debug container %s did not start within the timeout (last state: %s)", name, last),
				Advice: "raise --timeout, or look at 'kubectl describe pod " + pod.Name + "'",
				Err:    ctx.Err(),
			}
		case ev, ok := <-evc:
			if !ok {
				evc = nil
				continue
			}
			if e, isEvent := ev.Object.(*corev1.Event); isEvent && ev.Type != watch.Error {
				if e.InvolvedObject.Name == pod.Name && e.InvolvedObject.FieldPath == "spec.ephemeralContainers{"+name+"}" {
					if err := eventFailure(e, pod, name, image); err != nil {
						return nil, err
					}
					switch e.Reason {
					case "Pulling":
						pulling = true
					case "Pulled":
						pulling = false
					}
					if e.Type == corev1.EventTypeNormal && e.Reason == "Started" {
						// The kubelet reports Started right after the runtime started the
						// container; the status follows only at its next relist (up to 1s).
						return pod, nil
					}
					if e.Reason != "" && e.Message != "" {
						d.progress("waiting", "%s: %s", e.Reason, e.Message)
					}
				}
			}
		case ev, ok := <-pw.ResultChan():
			if !ok {
				// The server ended the watch: start again where it stopped.
				pw, err = pods.Watch(ctx, metav1.ListOptions{
					FieldSelector:   fields.OneTermEqualSelector("metadata.name", pod.Name).String(),
					ResourceVersion: rv,
				})
				if err != nil {
					return nil, TranslateAPIError(err, opWatchPods, pod.Namespace, pod.Name)
				}
				continue
			}
			switch ev.Type {
			case watch.Deleted:
				return nil, &Error{Kind: ErrPodNotFound, Msg: fmt.Sprintf("pod %s was deleted while its debug container started", pod.Name)}
			case watch.Error:
				return nil, fmt.Errorf("watching pod %s: %w", pod.Name, errorFromWatch(ev))
			}
			p, isPod := ev.Object.(*corev1.Pod)
			if !isPod || p.Name != pod.Name {
				continue
			}
			rv = p.ResourceVersion
			done, detail, err := containerState(p, name)
			if done || err != nil {
				return p, err
			}
			if detail != last {
				d.progress("waiting", "debug container %s: %s", name, detail)
				last = detail
			}
		}
	}
}

func errorFromWatch(ev watch.Event) error {
	if st, ok := ev.Object.(*metav1.Status); ok {
		return errors.New(st.Message)
	}
	return fmt.Errorf("watch error %v", ev.Object)
}

// podState says whether container of a pod ddebug made (what: "pod copy", "node pod")
// runs, or why it never will.
func podState(pod *corev1.Pod, container, what string) (bool, string, error) {
	site := func(c string) pullSite {
		s := pullSite{who: fmt.Sprintf("container %s of %s %s", c, what, pod.Name), pod: pod, flag: "--image"}
		if what == "node pod" {
			s.made, s.flag = true, "--node-image"
		}
		return s
	}
	for _, s := range pod.Status.InitContainerStatuses {
		if w := s.State.Waiting; w != nil {
			if kind := fatalWaiting(w.Reason); kind != nil {
				return false, "", failure(kind, site(s.Name), s.Image, w.Reason, w.Message)
			}
			return false, "init " + w.Reason, nil
		}
		if t := s.State.Terminated; t != nil && t.ExitCode != 0 {
			return false, "", &Error{Kind: ErrCreateContainer, Msg: fmt.Sprintf("init container %s of pod %s failed (%s, exit code %d): %s", s.Name, pod.Name, t.Reason, t.ExitCode, strings.TrimSpace(t.Message)),
				Advice: fmt.Sprintf("see 'kubectl logs %s -c %s -n %s'", pod.Name, s.Name, pod.Namespace)}
		}
	}
	for _, s := range append(append([]corev1.ContainerStatus{}, pod.Status.ContainerStatuses...), pod.Status.InitContainerStatuses...) {
		if s.Name != container {
			continue
		}
		switch {
		case s.State.Running != nil:
			return true, "running", nil
		case s.State.Terminated != nil:
			t := s.State.Terminated
			return false, "", &Error{Kind: ErrContainerExited, Msg: fmt.Sprintf("container %s of %s %s exited (%s, exit code %d)", container, what, pod.Name, t.Reason, t.ExitCode),
				Advice: fmt.Sprintf("see 'kubectl describe pod %s -n %s'", pod.Name, pod.Namespace)}
		case s.State.Waiting != nil:
			w := s.State.Waiting
			if kind := fatalWaiting(w.Reason); kind != nil {
				return false, "", failure(kind, site(s.Name), s.Image, w.Reason, w.Message)
			}
			return false, w.Reason, nil
		}
	}
	if pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded {
		return false, "", &Error{Kind: ErrContainerExited, Msg: fmt.Sprintf("%s %s ended (%s): %s", what, pod.Name, pod.Status.Phase, pod.Status.Message)}
	}
	return false, "pending", nil
}

// waitPod watches a pod ddebug made until its container runs, fails, or ctx ends.
func (d *Debugger) waitPod(ctx context.Context, pod *corev1.Pod, container, what string) error {
	w, err := d.Client.CoreV1().Pods(pod.Namespace).Watch(ctx, metav1.ListOptions{
		FieldSelector:   fields.OneTermEqualSelector("metadata.name", pod.Name).String(),
		ResourceVersion: pod.ResourceVersion,
	})
	if err != nil {
		return TranslateAPIError(err, opWatchPods, pod.Namespace, pod.Name)
	}
	defer w.Stop()
	last := ""
	for {
		running, detail, err := podState(pod, container, what)
		if running || err != nil {
			return err
		}
		if detail != last {
			d.progress("waiting", "%s %s: %s", what, pod.Name, detail)
			last = detail
		}
		select {
		case <-ctx.Done():
			return &Error{Kind: ErrTimeout, Msg: fmt.Sprintf("%s %s did not start within the timeout (last: %s)", what, pod.Name, last),
				Advice: fmt.Sprintf("see 'kubectl describe pod %s -n %s'; --timeout waits longer", pod.Name, pod.Namespace)}
		case ev, ok := <-w.ResultChan():
			if !ok {
				return &Error{Kind: ErrTimeout, Msg: fmt.Sprintf("watch of %s %s ended before it started", what, pod.Name)}
			}
			if ev.Type == watch.Error {
				return errorFromWatch(ev)
			}
			p, ok := ev.Object.(*corev1.Pod)
			if !ok || p.Name != pod.Name {
				continue
			}
			if ev.Type == watch.Deleted {
				return &Error{Kind: ErrContainerExited, Msg: fmt.Sprintf("%s %s was deleted", what, pod.Name)}
			}
			pod = p
		}
	}
}
