package sed

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSedInPlace(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "hello world\n"})
	if _, e, st := run(t, dir, "", "sed", "-i.bak", "s/world/there/", "f"); st != 0 {
		t.Fatalf("sed -i: %s", e)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f"))
	bak, _ := os.ReadFile(filepath.Join(dir, "f.bak"))
	if string(got) != "hello there\n" || string(bak) != "hello world\n" {
		t.Errorf("sed -i: %q, backup %q", got, bak)
	}
	if _, _, st := run(t, dir, "", "sed", "s/a/b", "f"); st != 1 {
		t.Errorf("bad script: status %d", st)
	}
}
