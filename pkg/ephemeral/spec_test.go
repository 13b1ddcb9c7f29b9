package ephemeral

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent"
)

func TestBuildDebugContainerFull(t *testing.T) {
	got, err := BuildDebugContainer(SpecOptions{
		Name: "ddebug-abcde", Image: "toolbox:1", Profile: ProfileRestricted, Target: "app", TargetID: testID,
		Pod: "web", Namespace: "ns", Identity: Identity{UID: i64(65532), GID: i64(0)}, For: "alice", Version: "1.2.3",
		Idle: 5 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &corev1.EphemeralContainer{
		TargetContainerName: "app",
		EphemeralContainerCommon: corev1.EphemeralContainerCommon{
			Name:                     "ddebug-abcde",
			Image:                    "toolbox:1",
			ImagePullPolicy:          corev1.PullIfNotPresent,
			Command:                  []string{"/bin/ddebug-toolbox", "ddebug-agent", "--idle", "5m0s"},
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
			Env: []corev1.EnvVar{
				{Name: agent.EnvContainer, Value: "app"},
				{Name: agent.EnvContainerID, Value: testID},
				{Name: agent.EnvPod, Value: "web"},
				{Name: agent.EnvNamespace, Value: "ns"},
				{Name: agent.EnvTarget, Value: "web/app"},
				{Name: agent.EnvIdentity, Value: "65532:0"},
				{Name: agent.EnvProfile, Value: "restricted"},
				{Name: agent.EnvFor, Value: "alice"},
				{Name: agent.EnvVersion, Value: "1.2.3"},
			},
			SecurityContext: &corev1.SecurityContext{
				RunAsUser:                i64(65532),
				RunAsGroup:               i64(0),
				RunAsNonRoot:             ptr(true),
				AllowPrivilegeEscalation: ptr(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BuildDebugContainer (-want +got):\n%s", diff)
	}
	if !isDebugContainer(got) {
		t.Error("isDebugContainer = false for our own container")
	}
}

func TestBuildDebugContainerProfiles(t *testing.T) {
	known := Identity{UID: i64(65532), GID: i64(65532), Source: "status"}
	root := Identity{UID: i64(0), GID: i64(0), Source: "status"}
	tests := []struct {
		name     string
		profile  Profile
		id       Identity
		wantErr  error
		wantSC   *corev1.SecurityContext
		identity string
	}{
		{"general copies ids, adds SYS_PTRACE", ProfileGeneral, known, nil, &corev1.SecurityContext{
			RunAsUser: i64(65532), RunAsGroup: i64(65532),
			Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"SYS_PTRACE"}},
		}, "65532:65532"},
		{"baseline copies ids only", ProfileBaseline, known, nil, &corev1.SecurityContext{
			RunAsUser: i64(65532), RunAsGroup: i64(65532),
		}, "65532:65532"},
		{"baseline with unknown ids runs root that switches", ProfileBaseline, Identity{}, nil, &corev1.SecurityContext{
			RunAsUser: i64(0), RunAsGroup: i64(0), RunAsNonRoot: ptr(false),
		}, agent.IdentitySwitch},
		{"general with a root target", ProfileGeneral, root, nil, &corev1.SecurityContext{
			RunAsUser: i64(0), RunAsGroup: i64(0),
			Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"SYS_PTRACE"}},
		}, "0:0"},
		{"restricted refuses a root target", ProfileRestricted, root, errProfileRefused, nil, ""},
		{"restricted refuses unknown ids", ProfileRestricted, Identity{}, errProfileRefused, nil, ""},
		{"sysadmin is privileged root", ProfileSysadmin, known, nil, &corev1.SecurityContext{
			RunAsUser: i64(0), RunAsGroup: i64(0), RunAsNonRoot: ptr(false), Privileged: ptr(true),
		}, agent.IdentityRoot},
		{"netadmin is root with network caps", ProfileNetadmin, known, nil, &corev1.SecurityContext{
			RunAsUser: i64(0), RunAsGroup: i64(0), RunAsNonRoot: ptr(false),
			Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "NET_RAW", "SYS_PTRACE"}},
		}, agent.IdentityRoot},
		{"auto is not concrete", ProfileAuto, known, errAny, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ec, err := BuildDebugContainer(SpecOptions{Name: "ddebug-x", Image: "i", Target: "app", TargetID: testID, Profile: tt.profile, Identity: tt.id})
			if tt.wantErr != nil {
				if err == nil || (tt.wantErr != errAny && !errors.Is(err, tt.wantErr)) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSC, ec.SecurityContext); diff != "" {
				t.Errorf("securityContext (-want +got):\n%s", diff)
			}
			if got := envOf(ec, agent.EnvIdentity); got != tt.identity {
				t.Errorf("identity = %q, want %q", got, tt.identity)
			}
		})
	}
}

var errAny = errors.New("any error")

func TestBuildDebugContainerRequiresFields(t *testing.T) {
	for _, o := range []SpecOptions{
		{Image: "i", Target: "app", Profile: ProfileGeneral},
		{Name: "n", Target: "app", Profile: ProfileGeneral},
		{Name: "n", Image: "i", Profile: ProfileGeneral},
	} {
		if _, err := BuildDebugContainer(o); err == nil {
			t.Errorf("BuildDebugContainer(%+v) succeeded", o)
		}
	}
}

func TestTargetIdentity(t *testing.T) {
	pod := func(psc *corev1.PodSecurityContext, csc *corev1.SecurityContext, user *corev1.ContainerUser) *corev1.Pod {
		return &corev1.Pod{
			Spec:   corev1.PodSpec{SecurityContext: psc, Containers: []corev1.Container{{Name: "app", SecurityContext: csc}}},
			Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "app", User: user}}},
		}
	}
	tests := []struct {
		name string
		pod  *corev1.Pod
		want string
		src  string
	}{
		{"the kubelet's report wins", pod(&corev1.PodSecurityContext{RunAsUser: i64(1), RunAsGroup: i64(1)}, nil,
			&corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: 65532, GID: 0}}), "65532:0", "status"},
		{"pod securityContext", pod(&corev1.PodSecurityContext{RunAsUser: i64(1000), RunAsGroup: i64(2000)}, nil, nil), "1000:2000", "securityContext"},
		{"container overrides pod", pod(&corev1.PodSecurityContext{RunAsUser: i64(1000), RunAsGroup: i64(2000)},
			&corev1.SecurityContext{RunAsUser: i64(7)}, nil), "7:2000", "securityContext"},
		{"runAsUser alone leaves the gid to the image", pod(&corev1.PodSecurityContext{RunAsUser: i64(1000)}, nil, nil), "unknown", ""},
		{"nothing", pod(nil, nil, nil), "unknown", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TargetIdentity(tt.pod, "app")
			if got.String() != tt.want || got.Source != tt.src {
				t.Errorf("TargetIdentity = %s (%q), want %s (%q)", got, got.Source, tt.want, tt.src)
			}
		})
	}
}
