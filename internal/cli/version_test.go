package cli

import "testing"

// TestDefaultNodeImage: a release pins both images by digest; a build that pins only the
// toolbox (or nothing) gets the node image by the toolbox's tag, never with the
// toolbox's digest.
func TestDefaultNodeImage(t *testing.T) {
	saved, savedNode := DefaultImage, DefaultNodeImage
	t.Cleanup(func() { DefaultImage, DefaultNodeImage = saved, savedNode })
	tests := []struct{ image, node, want string }{
		{"ghcr.io/kubectl-ddebug/toolbox:v1.2.3", "", "ghcr.io/kubectl-ddebug/toolbox:v1.2.3-node"},
		{"r.test/toolbox:v1.2.3@sha256:aaaa", "", "r.test/toolbox:v1.2.3-node"},
		{"r.test/toolbox:v1.2.3@sha256:aaaa", "r.test/toolbox:v1.2.3-node@sha256:bbbb", "r.test/toolbox:v1.2.3-node@sha256:bbbb"},
	}
	for _, tt := range tests {
		DefaultImage, DefaultNodeImage = tt.image, tt.node
		if got := defaultNodeImage(); got != tt.want {
			t.Errorf("DefaultImage %q, DefaultNodeImage %q: node image %q, want %q", tt.image, tt.node, got, tt.want)
		}
	}
}
