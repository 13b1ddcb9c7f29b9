package files

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestWalkersSpecialFiles: du, find -exec and cp -r over a tree holding FIFOs, sockets
// and devices (what a hostile target shows) finish and treat them as GNU does: du and find
// only stat them, cp -r makes them anew, never opening one.
func TestWalkersSpecialFiles(t *testing.T) {
	dir := toolstest.SpecialTree(t)
	toolstest.GoldenWithin(t, 5*time.Second, dir, "coreutils", toolstest.SortLines, "du", "-a", "a")
	toolstest.GoldenWithin(t, 5*time.Second, dir, "findutils", toolstest.SortLines, "find", "a", "-exec", "echo", "found", "{}", ";")

	_, stderr, st := toolstest.RunWithin(t, 5*time.Second, dir, "", "cp", "-r", "a", "ours")
	_, gnuErr, gnuSt := toolstest.RunGNUWithin(t, 5*time.Second, dir, toolstest.GNU(t, "cp", "coreutils"), "-r", "a", "gnu")
	if st != gnuSt {
		t.Errorf("cp -r: status %d (stderr %q), GNU %d (stderr %q)", st, stderr, gnuSt, gnuErr)
	}
	if d := cmp.Diff(treeTypes(t, filepath.Join(dir, "gnu")), treeTypes(t, filepath.Join(dir, "ours"))); d != "" {
		t.Errorf("cp -r copy (-gnu +ours):\n%s", d)
	}
}

// treeTypes lists a tree as "path type [device numbers or contents]".
func treeTypes(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := rel + " " + fi.Mode().Type().String()
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += " " + strings.TrimSpace(string(b))
		case fi.Mode()&fs.ModeDevice != 0:
			line += fmt.Sprintf(" %d", fi.Sys().(*syscall.Stat_t).Rdev)
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
