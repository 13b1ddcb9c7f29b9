package files

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFindTimesAndOwners(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"old": "o", "new": "n", "ref": "r"})
	old := time.Now().Add(-72 * time.Hour)
	os.Chtimes(filepath.Join(dir, "old"), old, old)
	ref := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "ref"), ref, ref)
	cases := []struct {
		want string
		args []string
	}{
		{"./old\n", []string{"find", ".", "-type", "f", "-mtime", "+1"}},
		{"./new\n./ref\n", []string{"find", ".", "-type", "f", "-mtime", "-1"}},
		{"./new\n", []string{"find", ".", "-type", "f", "-mmin", "-30"}},
		{"./new\n", []string{"find", ".", "-type", "f", "-newer", "ref"}},
		{"./new\x00./old\x00", []string{"find", ".", "-type", "f", "!", "-name", "ref", "-print0"}},
	}
	for _, c := range cases {
		out, e, st := run(t, dir, "", c.args...)
		if st != 0 || out != c.want {
			t.Errorf("%v: %d %q (stderr %q), want %q", c.args, st, out, e, c.want)
		}
	}
	uid := os.Geteuid()
	out, _, _ := run(t, dir, "", "find", ".", "-name", "old", "-user", "root")
	if uid == 0 && out != "./old\n" || uid != 0 && out != "" {
		t.Errorf("find -user root as uid %d: %q", uid, out)
	}
}
