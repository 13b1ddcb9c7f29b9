package ephemeral

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestChooseProfile(t *testing.T) {
	tests := []struct {
		name       string
		labels     map[string]string
		uid, gid   int64
		want       Profile
		wantBroken string
	}{
		{"no label: privileged admits general", nil, 65532, 0, ProfileGeneral, ""},
		{"privileged", map[string]string{labelEnforce: "privileged"}, 0, 0, ProfileGeneral, ""},
		{"baseline forbids SYS_PTRACE", map[string]string{labelEnforce: "baseline"}, 65532, 0, ProfileBaseline, ""},
		{"baseline with a root target", map[string]string{labelEnforce: "baseline"}, 0, 0, ProfileBaseline, ""},
		{"restricted", map[string]string{labelEnforce: "restricted"}, 65532, 0, ProfileRestricted, ""},
		{"restricted pinned to a version", map[string]string{labelEnforce: "restricted", labelEnforceVersion: "v1.30"}, 65532, 65532, ProfileRestricted, ""},
		{"restricted cannot debug a root target", map[string]string{labelEnforce: "restricted"}, 0, 0, ProfileRestricted, "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := runningPod(t, tt.uid, tt.gid)
			id := TargetIdentity(pod, "app")
			build := func(p Profile) (*corev1.EphemeralContainer, error) {
				return BuildDebugContainer(SpecOptions{Name: "ddebug-x", Image: "i", Target: "app", TargetID: testID, Profile: p, Identity: id})
			}
			got, broken, err := chooseProfile(levelOfNamespace(tt.labels), pod, build)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("profile = %s, want %s (broken: %v)", got, tt.want, broken)
			}
			if joined := strings.Join(broken, "; "); (tt.wantBroken == "") != (joined == "") || !strings.Contains(joined, tt.wantBroken) {
				t.Errorf("broken = %q, want it to mention %q", joined, tt.wantBroken)
			}
		})
	}
}

func TestCheckNamesTheRule(t *testing.T) {
	pod := runningPod(t, 65532, 0)
	ec, err := BuildDebugContainer(SpecOptions{Name: "ddebug-x", Image: "i", Target: "app", TargetID: testID, Profile: ProfileGeneral, Identity: TargetIdentity(pod, "app")})
	if err != nil {
		t.Fatal(err)
	}
	broken, err := checkLevel(psaLevel{Level: "baseline"}, pod, ec)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(broken, "; "); !strings.Contains(got, "SYS_PTRACE") {
		t.Errorf("baseline check of general = %q, want SYS_PTRACE named", got)
	}
	if _, err := checkLevel(psaLevel{Level: "bogus"}, pod, ec); err == nil {
		t.Error("checkLevel with level bogus succeeded")
	}
}

func TestParseProfile(t *testing.T) {
	for _, p := range Profiles {
		if got, err := ParseProfile(string(p)); err != nil || got != p {
			t.Errorf("ParseProfile(%q) = %q, %v", p, got, err)
		}
	}
	if _, err := ParseProfile("legacy"); err == nil || !strings.Contains(err.Error(), "restricted") {
		t.Errorf("ParseProfile(legacy) err = %v, want the list of profiles", err)
	}
}
