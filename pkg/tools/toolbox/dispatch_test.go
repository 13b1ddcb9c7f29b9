package toolbox_test

import (
	"slices"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox"
)

// TestMainDispatch: Main sends the plugin's and ddebug's names, and any name that is no
// applet, to the command line when the binary has one; applets and ddebug-toolbox run in
// the toolbox either way.
func TestMainDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		wantCLI  []string // the name and args the command line gets; nil: not called
		wantExit int
	}{
		{[]string{"/usr/local/bin/kubectl-ddebug", "pod/web"}, []string{"kubectl-ddebug", "pod/web"}, 42},
		{[]string{"ddebug", "exec", "web"}, []string{"ddebug", "exec", "web"}, 42},
		{[]string{"/opt/kubectl-ddebug.v2", "version"}, []string{"ddebug", "version"}, 42},
		{[]string{"/bin/true"}, nil, 0},
		{[]string{"false"}, nil, 1},
		{[]string{"ddebug-toolbox", "true"}, nil, 0},
	}
	for _, tt := range tests {
		var got []string
		cli := func(name string, args []string) int {
			got = append([]string{name}, args...)
			return 42
		}
		if exit := toolbox.Main(tt.args, cli); exit != tt.wantExit || !slices.Equal(got, tt.wantCLI) {
			t.Errorf("Main(%q): exit %d, command line got %q; want %d, %q", tt.args, exit, got, tt.wantExit, tt.wantCLI)
		}
	}
	// Without a command line every name is the toolbox's: no applet of that name is 127.
	if exit := toolbox.Main([]string{"kubectl-ddebug.v2"}, nil); exit != 127 {
		t.Errorf("Main(kubectl-ddebug.v2) without a command line: exit %d, want 127", exit)
	}
}
