package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSumsGolden(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a": "hello\n", "b": "", "c d": strings.Repeat("x", 100000)})
	for _, tool := range []string{"md5sum", "sha1sum", "sha256sum", "sha512sum"} {
		t.Run(tool, func(t *testing.T) {
			p := gnu(t, tool, "coreutils")
			want, _ := runGNU(t, dir, "", p, "a", "b", "c d")
			got, e, st := run(t, dir, "", tool, "a", "b", "c d")
			if st != 0 {
				t.Fatalf("status %d: %s", st, e)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-gnu +ours):\n%s", d)
			}
			os.WriteFile(filepath.Join(dir, tool+".list"), []byte(got), 0o644)
			out, e, st := run(t, dir, "", tool, "-c", tool+".list")
			if st != 0 || out != "a: OK\nb: OK\nc d: OK\n" {
				t.Errorf("check: %d %q %q", st, out, e)
			}
		})
	}
	os.WriteFile(filepath.Join(dir, "a"), []byte("changed\n"), 0o644)
	out, e, st := run(t, dir, "", "sha256sum", "-c", "sha256sum.list")
	if st != 1 || !strings.Contains(out, "a: FAILED") || !strings.Contains(e, "WARNING: 1 computed checksum did NOT match") {
		t.Errorf("mismatch not reported: %d %q %q", st, out, e)
	}
}

func TestBase64(t *testing.T) {
	input := strings.Repeat("The quick brown fox\x00\xff", 20)
	p := gnu(t, "base64", "coreutils")
	for _, args := range [][]string{{}, {"-w", "0"}, {"-w10"}} {
		want, _ := runGNU(t, "", input, append([]string{p}, args...)...)
		got, _, st := run(t, "", input, append([]string{"base64"}, args...)...)
		if st != 0 || got != want {
			t.Errorf("base64 %v: got %q want %q", args, got, want)
		}
		dec, _, st := run(t, "", got, "base64", "-d")
		if st != 0 || dec != input {
			t.Errorf("decode %v: %d %q", args, st, dec)
		}
	}
	if _, _, st := run(t, "", "!!!", "base64", "-d"); st != 1 {
		t.Errorf("invalid input accepted")
	}
}

func TestGzip(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("compress me\n", 1000)
	writeFiles(t, dir, map[string]string{"f": body})
	if _, e, st := run(t, dir, "", "gzip", "f"); st != 0 {
		t.Fatalf("gzip: %s", e)
	}
	if _, err := os.Stat(filepath.Join(dir, "f")); !os.IsNotExist(err) {
		t.Errorf("original kept without -k")
	}
	if p, err := filepathLook("gzip"); err == nil {
		out, code := runGNU(t, dir, "", p, "-dc", "f.gz")
		if code != 0 || out != body {
			t.Errorf("GNU gzip cannot read ours")
		}
	}
	got, _, st := run(t, dir, "", "zcat", "f.gz")
	if st != 0 || got != body {
		t.Errorf("zcat: %d", st)
	}
	if _, e, st := run(t, dir, "", "gunzip", "-k", "f.gz"); st != 0 {
		t.Fatalf("gunzip -k: %s", e)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != body {
		t.Errorf("gunzip content wrong")
	}
	if _, err := os.Stat(filepath.Join(dir, "f.gz")); err != nil {
		t.Errorf("-k removed input")
	}
	if _, e, st := run(t, dir, "", "gunzip", "f.gz"); st != 1 || e != "gunzip: f already exists;\tnot overwritten\n" { // GNU gzip's words
		t.Errorf("overwrite without -f: %d %q", st, e)
	}
	if _, _, st := run(t, dir, "not gzip", "gzip", "-d"); st != 1 {
		t.Errorf("garbage accepted")
	}
}
