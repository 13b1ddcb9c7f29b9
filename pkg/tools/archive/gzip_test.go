package archive

import (
	"os"
	"path/filepath"
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

// TestGunzipSuffixOnly: a file named only ".gz" has no name to give its output, and is
// passed over in GNU gzip's words (status 1, as ours says for every file it skips).
func TestGunzipSuffixOnly(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"t1": "HELLO\n"})
	if _, e, st := run(t, dir, "", "gzip", "t1"); st != 0 {
		t.Fatalf("gzip: %s", e)
	}
	if err := os.Rename(filepath.Join(dir, "t1.gz"), filepath.Join(dir, ".gz")); err != nil {
		t.Fatal(err)
	}
	if _, e, st := run(t, dir, "", "gunzip", ".gz"); st != 1 || e != "gunzip: .gz: unknown suffix -- ignored\n" {
		t.Errorf("gunzip .gz: status %d, %q", st, e)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gz")); err != nil {
		t.Errorf("gunzip .gz: %v", err)
	}
}
