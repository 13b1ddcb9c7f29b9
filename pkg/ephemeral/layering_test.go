package ephemeral

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering keeps the faces apart: pkg/ephemeral never reaches pkg/nsenter, and the
// agent (part of the toolbox) never reaches Kubernetes.
func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral", []string{"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"}},
		{"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent", []string{"k8s.io/", "github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"}},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tt.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", tt.pkg, dep)
				}
			}
		}
	}
}
