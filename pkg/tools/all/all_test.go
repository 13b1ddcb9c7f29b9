package all

import (
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// TestNames indexes every applet: two applets with one name or alias panic here.
func TestNames(t *testing.T) {
	names := tools.Names()
	for _, want := range []string{"sh", "ls", "ps", "ss", "grep", "tar", "ddebug-agent", "[", "egrep"} {
		if _, ok := tools.Lookup(want); !ok {
			t.Errorf("no applet %q among %d names", want, len(names))
		}
	}
	for _, a := range tools.Applets() {
		if a.Name == "" || a.Summary == "" || a.Run == nil {
			t.Errorf("applet %q is incomplete: %+v", a.Name, a)
		}
	}
}
