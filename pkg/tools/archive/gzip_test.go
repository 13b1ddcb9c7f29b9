package archive

import (
	"strings"
	"testing"
)

// TestGunzipExisting: an existing output file is not overwritten, in GNU gzip's words, with
// the name as given.
func TestGunzipExisting(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"t1": "HELLO\n"})
	if _, e, st := run(t, dir, "", "gzip", "-k", "t1"); st != 0 {
		t.Fatalf("gzip -k: %s", e)
	}
	if _, e, st := run(t, dir, "", "gunzip", "./t1.gz"); st == 0 || !strings.Contains(e, "gunzip: ./t1 already exists;\tnot overwritten\n") {
		t.Errorf("gunzip over an existing file: status %d, %q", st, e)
	}
}
