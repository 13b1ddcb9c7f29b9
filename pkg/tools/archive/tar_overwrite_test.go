package archive

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTarOverwriteAndBzip2: --overwrite writes into an existing file (its other hard
// links see the content), a file archived twice extracts, and -j (or its magic) reads
// bzip2.
func TestTarOverwriteAndBzip2(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"input": "Ok\n"})
	if err := os.Link(filepath.Join(dir, "input"), filepath.Join(dir, "input_hard")); err != nil {
		t.Fatal(err)
	}
	if _, e, st := run(t, dir, "", "tar", "cf", "test.tar", "input_hard", "input_hard"); st != 0 {
		t.Fatalf("tar cf: %s", e)
	}
	os.WriteFile(filepath.Join(dir, "input"), []byte("WRONG\n"), 0o644)
	if _, e, st := run(t, dir, "", "tar", "xf", "test.tar", "--overwrite"); st != 0 {
		t.Fatalf("tar xf --overwrite: %s", e)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "input")); string(b) != "Ok\n" {
		t.Errorf("tar --overwrite: the other link holds %q, want %q", b, "Ok\n")
	}
	// tar cf - f | bzip2, f holding "hello\n".
	bz := "\x42\x5a\x68\x39\x31\x41\x59\x26\x53\x59\xd0\x67\x4d\x0e\x00\x00\x73\xfb\x84\xc9\x10\x00\x44\x40\x00\x7f\x80\x00\x00\xe3\x44\x9e\x00\x00\x00\x80\x08\x20\x00\x54\x34\xa3\x64\x8f\x50\x34\x62\x64\xc9\xe8\x24\xa9\xe5\x03\x41\x90\x68\x34\x14\xfb\x8c\x1d\xd0\x82\xeb\x00\x48\x94\xaf\x23\xa4\x2d\x23\x52\x48\x19\x76\xc3\xd1\x9a\xb0\x53\x70\x16\x47\x33\xcf\x63\xe1\x1e\x9b\xcc\x45\x5e\xe4\x70\xf3\xef\x5a\xd7\x11\x12\x17\x5b\x31\x86\x64\x22\x20\x30\x2e\xe4\x8a\x70\xa1\x21\xa0\xce\x9a\x1c"
	for _, flags := range []string{"xjf", "xf"} {
		os.Remove(filepath.Join(dir, "f"))
		if _, e, st := run(t, dir, bz, "tar", flags, "-"); st != 0 {
			t.Fatalf("tar %s - of bzip2: status %d, %s", flags, st, e)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "hello\n" {
			t.Errorf("tar %s - of bzip2: f holds %q", flags, b)
		}
	}
}

// TestTarEmptyInput: an empty input is not an archive (GNU tar 1.34's words and status);
// two zero blocks are an empty one.
func TestTarEmptyInput(t *testing.T) {
	dir := t.TempDir()
	if _, e, st := run(t, dir, "", "tar", "xf", "-"); st != 2 || e != "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n" {
		t.Errorf("tar xf - of nothing: status %d, %q", st, e)
	}
	if _, e, st := run(t, dir, string(make([]byte, 1024)), "tar", "tf", "-"); st != 0 {
		t.Errorf("tar tf - of two zero blocks: status %d, %q", st, e)
	}
}
