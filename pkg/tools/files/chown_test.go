package files

import (
	"os"
	"path/filepath"
	"testing"
)

func TestChownNeedsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "x"})
	if _, e, st := run(t, dir, "", "chown", "1234:5678", "f"); st != 0 {
		t.Fatalf("chown: %s", e)
	}
	fi, _ := os.Stat(filepath.Join(dir, "f"))
	if s := sysStat(fi); s.Uid != 1234 || s.Gid != 5678 {
		t.Errorf("owner %d:%d", s.Uid, s.Gid)
	}
	if _, e, st := run(t, dir, "", "chown", "root:root", "f"); st != 0 {
		t.Fatalf("chown by name: %s", e)
	}
	fi, _ = os.Stat(filepath.Join(dir, "f"))
	if s := sysStat(fi); s.Uid != 0 || s.Gid != 0 {
		t.Errorf("owner after root:root %d:%d", s.Uid, s.Gid)
	}
	if _, _, st := run(t, dir, "", "chown", "no-such-user-xyz", "f"); st != 1 {
		t.Errorf("unknown user accepted")
	}
}
