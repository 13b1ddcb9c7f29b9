package ephemeral

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Sentinels for errors.Is on an *Error.
var (
	ErrPodNotFound      = errors.New("pod not found")
	ErrTargetNotRunning = errors.New("target container not running")
	ErrWindows          = errors.New("windows pods are not supported")
	ErrForbidden        = errors.New("forbidden")
	ErrPodSecurity      = errors.New("rejected by pod security admission")
	ErrUnsupported      = errors.New("ephemeral containers not available")
	ErrImagePull        = errors.New("image pull failed")
	ErrCreateContainer  = errors.New("debug container could not be created")
	ErrContainerExited  = errors.New("debug container exited")
	ErrTimeout          = errors.New("timed out")
	ErrNoSuchContainer  = errors.New("no such container in the pod")
	ErrInvalid          = errors.New("debug container refused by the API server")
)

// Error is a failure explained in plain words, with what to do about it.
type Error struct {
	// Kind is one of the sentinel errors above (errors.Is matches it).
	Kind error
	// Msg says what happened; Advice what to do (may be empty).
	Msg, Advice string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap gives errors.Is/As both the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Op is an API operation, to name in a 403: the verb and the resource.
type Op struct {
	Verb, Resource string
}

// The operations ddebug needs.
var (
	OpGetPod         = Op{"get", "pods"}
	opPatchEphemeral = Op{"patch", "pods/ephemeralcontainers"}
	opExec           = Op{"create", "pods/exec"}
	opWatchPods      = Op{"watch", "pods"}
)

var psaRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`violates PodSecurity "([a-z]+):([^"]+)": (.*)$`)
})

// TranslateAPIError turns an API error from op on pod ns/name into an *Error with advice;
// other errors come back wrapped with what was being done.
func TranslateAPIError(err error, op Op, ns, pod string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	msg := err.Error()
	if m := psaRE().FindStringSubmatch(msg); m != nil {
		return &Error{
			Kind:   ErrPodSecurity,
			Msg:    fmt.Sprintf("pod security admission (%s:%s in namespace %s) refused the debug container: %s", m[1], m[2], ns, m[3]),
			Advice: psaAdvice(m[1], ns, "", nil),
			Err:    err,
		}
	}
	var status apierrors.APIStatus
	hasStatus := errors.As(err, &status)
	switch {
	case apierrors.IsForbidden(err) || (!hasStatus && strings.Contains(msg, "forbidden")):
		who := ""
		if m := regexp.MustCompile(`User "([^"]*)" cannot`).FindStringSubmatch(msg); m != nil {
			who = " (" + m[1] + ")"
		}
		return &Error{
			Kind: ErrForbidden,
			Msg:  fmt.Sprintf("you%s may not %s %s in namespace %s", who, op.Verb, op.Resource, ns),
			Advice: fmt.Sprintf("ask for a Role granting verb %q on %q (kubectl auth can-i %s %s -n %s)",
				op.Verb, op.Resource, op.Verb, op.Resource, ns),
			Err: err,
		}
	case apierrors.IsInvalid(err) && op == opPatchEphemeral:
		e := &Error{Kind: ErrInvalid, Msg: "the API server refused the debug container: " + msg, Err: err}
		if strings.Contains(msg, "privileged") && strings.Contains(msg, "disallowed by cluster policy") {
			e.Advice = "this cluster forbids privileged containers (kube-apiserver --allow-privileged=false): " +
				"use --profile=netadmin (root with NET_ADMIN, NET_RAW and SYS_PTRACE, not privileged)"
		}
		return e
	case apierrors.IsNotFound(err) && op == opPatchEphemeral && isUnservedSubresource(status):
		return &Error{
			Kind:   ErrUnsupported,
			Msg:    "this cluster does not serve pods/ephemeralcontainers: ephemeral containers are disabled or not supported",
			Advice: "ephemeral containers need Kubernetes 1.23 or later with the EphemeralContainers feature on",
			Err:    err,
		}
	case apierrors.IsNotFound(err):
		return &Error{Kind: ErrPodNotFound, Msg: fmt.Sprintf("pod %s not found in namespace %s", pod, ns), Err: err}
	}
	return fmt.Errorf("%s %s %s/%s: %w", op.Verb, op.Resource, ns, pod, err)
}

// isUnservedSubresource: a 404 from a missing subresource carries no details naming the
// pod, unlike a 404 for a missing pod.
func isUnservedSubresource(status apierrors.APIStatus) bool {
	if status == nil {
		return false
	}
	s := status.Status()
	return s.Reason == metav1.StatusReasonNotFound && (s.Details == nil || s.Details.Name == "")
}

// profileForLevel returns the profile that passes the Pod Security level for a target
// that runs as id, and false when none does: restricted forbids root and must copy the
// target's uid. A nil id (the caller does not know the target) assumes a non-root target.
func profileForLevel(level string, id *Identity) (Profile, bool) {
	switch level {
	case "restricted":
		if id != nil && (!id.Known() || *id.UID == 0) {
			return "", false
		}
		return ProfileRestricted, true
	case "baseline":
		return ProfileBaseline, true
	}
	return ProfileGeneral, true
}

// psaAdvice is the advice after Pod Security level in namespace ns refused a debug
// container: the profile that passes it, or, when none can debug the target (id; nil:
// not known here) there, what would. node is the pod's node, "" when unknown.
func psaAdvice(level, ns, node string, id *Identity) string {
	if p, ok := profileForLevel(level, id); ok {
		return fmt.Sprintf("use --profile=%s (or --profile=auto), which passes the %s level", p, level)
	}
	if node == "" {
		node = "NODE"
	}
	elsewhere := fmt.Sprintf("a laxer level would (pod-security.kubernetes.io/enforce=baseline on namespace %s, then --profile=baseline), "+
		"or debug its node from a namespace that admits privileged pods: kubectl ddebug node/%s -n NAMESPACE, then 'ddebug exec'", ns, node)
	if id.Known() {
		return fmt.Sprintf("the target runs as root, which %s (enforced on namespace %s) forbids, so no profile can debug it in this namespace; %s", level, ns, elsewhere)
	}
	return fmt.Sprintf("%s (enforced on namespace %s) needs the target's uid, which the API does not report: set runAsUser and runAsGroup (non-root) on the pod; or %s",
		level, ns, elsewhere)
}

// levelFromError returns the Pod Security level named in a rejection, if any.
func levelFromError(err error) (psaLevel, bool) {
	var e *Error
	if errors.As(err, &e) && e.Err != nil {
		err = e.Err
	}
	m := psaRE().FindStringSubmatch(err.Error())
	if m == nil {
		return psaLevel{}, false
	}
	return psaLevel{Level: m[1], Version: m[2]}, true
}
