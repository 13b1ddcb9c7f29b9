package all

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// TestReadmeApplets keeps the README's list of applets true: every applet `help` shows,
// and each of its aliases, is named there, and nothing else is.
func TestReadmeApplets(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- applets:")
	section, _, ok2 := strings.Cut(rest, "<!-- /applets -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no <!-- applets: ... --> ... <!-- /applets --> section")
	}
	_, section, _ = strings.Cut(section, "-->")
	var listed []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	var want []string
	for _, a := range tools.Applets() {
		if !a.Hidden {
			want = append(want, a.Name)
			want = append(want, a.Aliases...)
		}
	}
	sort.Strings(listed)
	sort.Strings(want)
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("README.md's applets (-registered +listed):\n%s", diff)
	}
}
