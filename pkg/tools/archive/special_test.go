package archive

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestTarSpecialFiles: tar c of a tree holding FIFOs, sockets and devices (what a hostile
// target shows) archives FIFOs and devices as entries, unopened, and ignores sockets with
// GNU tar's warning; GNU tar lists the same members with the same types.
func TestTarSpecialFiles(t *testing.T) {
	dir := toolstest.SpecialTree(t)
	gnuTar := toolstest.GNU(t, "tar", "tar")
	_, stderr, st := toolstest.RunWithin(t, 5*time.Second, dir, "", "tar", "cf", "ours.tar", "a")
	_, gnuErr, gnuSt := toolstest.RunGNUWithin(t, 5*time.Second, dir, gnuTar, "cf", "gnu.tar", "a")
	if st != gnuSt || !strings.Contains(stderr, "tar: a/sock: socket ignored") {
		t.Errorf("tar c: status %d, stderr %q; GNU: status %d, stderr %q", st, stderr, gnuSt, gnuErr)
	}
	members := func(archive string) []string {
		out, _, st := toolstest.RunGNUWithin(t, 5*time.Second, dir, gnuTar, "tvf", filepath.Join(dir, archive))
		if st != 0 {
			t.Fatalf("tar tvf %s: status %d", archive, st)
		}
		var m []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			m = append(m, f[0][:1]+" "+f[len(f)-1]) // the type letter and the name
		}
		sort.Strings(m)
		return m
	}
	if d := cmp.Diff(members("gnu.tar"), members("ours.tar")); d != "" {
		t.Errorf("members (-gnu +ours):\n%s", d)
	}
}
