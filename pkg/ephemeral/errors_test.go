package ephemeral

import (
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestTranslateAPIError(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	rbac := apierrors.NewForbidden(pods, "web", errors.New(`User "bob" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "ns"`))
	psa := apierrors.NewForbidden(pods, "web", errors.New(`violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "ddebug-x" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "ddebug-x" must set securityContext.runAsNonRoot=true)`))
	unserved := &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 404, Reason: metav1.StatusReasonNotFound, Message: "the server could not find the requested resource"}}
	tests := []struct {
		name       string
		err        error
		op         Op
		kind       error
		wantMsg    []string
		wantAdvice []string
	}{
		{"rbac on the subresource", rbac, opPatchEphemeral, ErrForbidden,
			[]string{"bob", "patch pods/ephemeralcontainers", "namespace ns"}, []string{`verb "patch"`, "kubectl auth can-i patch pods/ephemeralcontainers -n ns"}},
		{"rbac on exec", apierrors.NewForbidden(pods, "web", errors.New(`User "bob" cannot create resource "pods/exec"`)), opExec, ErrForbidden,
			[]string{"create pods/exec"}, []string{`"pods/exec"`}},
		{"exec upgrade refused, no status", errors.New(`unable to upgrade connection: pods "web" is forbidden: User "bob" cannot create resource "pods/exec"`), opExec, ErrForbidden,
			[]string{"bob", "create pods/exec"}, nil},
		{"pod security", psa, opPatchEphemeral, ErrPodSecurity,
			[]string{"restricted:latest", "allowPrivilegeEscalation != false", "runAsNonRoot != true"}, []string{"--profile=restricted"}},
		{"privileged disallowed", apierrors.NewInvalid(schema.GroupKind{Kind: "Pod"}, "web", field.ErrorList{
			field.Forbidden(field.NewPath("spec", "ephemeralContainers").Index(0).Child("securityContext", "privileged"), "disallowed by cluster policy")}),
			opPatchEphemeral, ErrInvalid, []string{"privileged"}, []string{"--profile=netadmin"}},
		{"subresource not served", unserved, opPatchEphemeral, ErrUnsupported, []string{"ephemeral containers"}, nil},
		{"pod gone", apierrors.NewNotFound(pods, "web"), opPatchEphemeral, ErrPodNotFound, []string{"pod web not found in namespace ns"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := TranslateAPIError(tt.err, tt.op, "ns", "web")
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) {
				t.Fatalf("TranslateAPIError = %#v, want kind %v", err, tt.kind)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the cause is lost")
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("message %q lacks %q", e.Msg, w)
				}
			}
			for _, w := range tt.wantAdvice {
				if !strings.Contains(e.Advice, w) {
					t.Errorf("advice %q lacks %q", e.Advice, w)
				}
			}
		})
	}
	if err := TranslateAPIError(errors.New("connection refused"), OpGetPod, "ns", "web"); errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "get pods ns/web: connection refused") {
		t.Errorf("plain error = %v", err)
	}
	if TranslateAPIError(nil, OpGetPod, "ns", "web") != nil {
		t.Error("nil error translated into an error")
	}
}

func TestCloseNames(t *testing.T) {
	names := []string{"web-5d9f7c-abcde", "web-5d9f7c-fghij", "db-0", "webhook", "api"}
	tests := []struct {
		name string
		want []string
	}{
		{"web", []string{"web-5d9f7c-abcde", "web-5d9f7c-fghij", "webhook"}},
		{"db-1", []string{"db-0"}},
		{"apl", []string{"api"}},
		{"zzzzzz", nil},
	}
	for _, tt := range tests {
		if got := closeNames(tt.name, names, 3); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("closeNames(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPSAAdvice(t *testing.T) {
	root, user := Identity{UID: i64(0), GID: i64(0)}, Identity{UID: i64(65532), GID: i64(0)}
	tests := []struct {
		name    string
		level   string
		id      *Identity
		want    []string
		notWant string
	}{
		{"restricted, non-root target", "restricted", &user, []string{"--profile=restricted"}, "laxer"},
		{"restricted, target not known to the caller", "restricted", nil, []string{"--profile=restricted"}, "laxer"},
		{"restricted, root target", "restricted", &root,
			[]string{"runs as root, which restricted", "forbids", "no profile can debug it in this namespace", "pod-security.kubernetes.io/enforce=baseline", "kubectl ddebug node/worker-1"}, "--profile=restricted"},
		{"restricted, ids unknown", "restricted", &Identity{},
			[]string{"runAsUser and runAsGroup", "pod-security.kubernetes.io/enforce=baseline"}, "--profile=restricted"},
		{"baseline, root target", "baseline", &root, []string{"--profile=baseline"}, "laxer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := psaAdvice(tt.level, "ns", "worker-1", tt.id)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("advice %q lacks %q", got, w)
				}
			}
			if strings.Contains(got, tt.notWant) {
				t.Errorf("advice %q has %q", got, tt.notWant)
			}
		})
	}
}
