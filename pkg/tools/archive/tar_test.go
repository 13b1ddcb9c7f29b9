package archive

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func makeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"src/a.txt":      "hello\n",
		"src/sub/b.txt":  "world\n",
		"src/skip.log":   "noise\n",
		"src/sub/exe.sh": "#!/bin/sh\necho hi\n",
	})
	if err := os.Chmod(filepath.Join(dir, "src/sub/exe.sh"), 0o751); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "src/link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "src/a.txt"), filepath.Join(dir, "src/hard")); err != nil {
		t.Fatal(err)
	}
	mt := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "src/a.txt"), mt, mt); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTarRoundTrip(t *testing.T) {
	for _, z := range []bool{false, true} {
		dir := makeTree(t)
		flag := "-cf"
		if z {
			flag = "-czf"
		}
		if _, e, st := run(t, dir, "", "tar", flag, "out.tar", "--exclude", "*.log", "src"); st != 0 {
			t.Fatalf("create: %d %s", st, e)
		}
		dst := filepath.Join(dir, "dst")
		os.Mkdir(dst, 0o755)
		if _, e, st := run(t, dir, "", "tar", "xf", "out.tar", "-C", "dst"); st != 0 {
			t.Fatalf("extract: %d %s", st, e)
		}
		b, err := os.ReadFile(filepath.Join(dst, "src/sub/b.txt"))
		if err != nil || string(b) != "world\n" {
			t.Fatalf("b.txt = %q, %v", b, err)
		}
		if _, err := os.Stat(filepath.Join(dst, "src/skip.log")); !os.IsNotExist(err) {
			t.Errorf("excluded file extracted: %v", err)
		}
		fi, err := os.Stat(filepath.Join(dst, "src/sub/exe.sh"))
		if err != nil || fi.Mode().Perm() != 0o751 {
			t.Errorf("exe.sh mode = %v, %v", fi, err)
		}
		if l, err := os.Readlink(filepath.Join(dst, "src/link")); err != nil || l != "a.txt" {
			t.Errorf("link = %q, %v", l, err)
		}
		a, _ := os.Stat(filepath.Join(dst, "src/a.txt"))
		h, _ := os.Stat(filepath.Join(dst, "src/hard"))
		if a == nil || h == nil || !os.SameFile(a, h) {
			t.Errorf("hard link not kept")
		}
		if a != nil && !a.ModTime().Equal(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("mtime = %v", a.ModTime())
		}
	}
}

func TestTarListGNUArchive(t *testing.T) {
	gnutar := gnu(t, "tar", "tar")
	dir := makeTree(t)
	if _, code := runGNU(t, dir, "", gnutar, "-czf", "gnu.tgz", "src"); code != 0 {
		t.Fatal("gnu tar failed")
	}
	want, _ := runGNU(t, dir, "", gnutar, "-tzf", "gnu.tgz")
	got, e, st := run(t, dir, "", "tar", "-tf", "gnu.tgz")
	if st != 0 {
		t.Fatalf("tar t: %d %s", st, e)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("tar t of a GNU archive (-gnu +ours):\n%s", d)
	}
}

func TestGNUTarReadsOurs(t *testing.T) {
	gnutar := gnu(t, "tar", "tar")
	dir := makeTree(t)
	if _, e, st := run(t, dir, "", "tar", "-czf", "ours.tgz", "src"); st != 0 {
		t.Fatalf("create: %s", e)
	}
	got, code := runGNU(t, dir, "", gnutar, "-tzf", "ours.tgz")
	if code != 0 {
		t.Fatalf("gnu tar could not list our archive")
	}
	want, _, _ := run(t, dir, "", "tar", "-tzf", "ours.tgz")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("listing differs (-ours +gnu):\n%s", d)
	}
	os.Mkdir(filepath.Join(dir, "x"), 0o755)
	if _, code := runGNU(t, dir, "", gnutar, "-xzf", "ours.tgz", "-C", "x"); code != 0 {
		t.Fatalf("gnu tar could not extract our archive")
	}
	if l, err := os.Readlink(filepath.Join(dir, "x/src/link")); err != nil || l != "a.txt" {
		t.Errorf("symlink via gnu tar = %q %v", l, err)
	}
}

// hostileArchive builds an archive whose entries try to leave the destination.
func hostileArchive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	add(&tar.Header{Name: "ok.txt", Typeflag: tar.TypeReg}, "fine\n")
	add(&tar.Header{Name: "../../etc/x", Typeflag: tar.TypeReg}, "evil1\n")
	add(&tar.Header{Name: "/abs/path", Typeflag: tar.TypeReg}, "evil2\n")
	add(&tar.Header{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/"}, "")
	add(&tar.Header{Name: "link/etc/x", Typeflag: tar.TypeReg}, "evil3\n")
	add(&tar.Header{Name: "up", Typeflag: tar.TypeSymlink, Linkname: "../outside"}, "")
	add(&tar.Header{Name: "up/y", Typeflag: tar.TypeReg}, "evil4\n")
	add(&tar.Header{Name: "hl", Typeflag: tar.TypeLink, Linkname: "../outside/secret"}, "")
	tw.Close()
	return buf.Bytes()
}

func TestTarHostileArchive(t *testing.T) {
	base := t.TempDir()
	dst := filepath.Join(base, "a", "b", "dst")
	outside := filepath.Join(base, "a", "b", "outside")
	for _, d := range []string{dst, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o600)
	// Resolve "link -> /" the way the kernel would, into a sandbox root: we cannot let the
	// test write to the real /etc, so check the real /etc/x is untouched as well.
	_, etcErr := os.Stat("/etc/x")
	_, stderr, st := run(t, base, string(hostileArchive(t)), "tar", "-x", "-C", dst)
	if st == 0 {
		t.Errorf("status 0 for a hostile archive")
	}
	for _, name := range []string{"../../etc/x", "/abs/path", "link/etc/x", "up/y", "hl"} {
		if !strings.Contains(stderr, "tar: "+name+": ") {
			t.Errorf("no error reported for %s; stderr:\n%s", name, stderr)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dst, "ok.txt")); err != nil || string(b) != "fine\n" {
		t.Errorf("benign entry not extracted: %q %v", b, err)
	}
	// Nothing may exist outside dst except what the test made.
	var found []string
	filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !strings.HasPrefix(p, dst+"/") && p != dst {
			found = append(found, strings.TrimPrefix(p, base))
		}
		return nil
	})
	sort.Strings(found)
	want := []string{"", "/a", "/a/b", "/a/b/outside", "/a/b/outside/secret"}
	if d := cmp.Diff(want, found); d != "" {
		t.Errorf("files outside the destination (-want +got):\n%s", d)
	}
	if _, err := os.Stat("/etc/x"); etcErr != nil && err == nil {
		t.Errorf("/etc/x was created by the hostile archive")
	}
	if _, err := os.Stat("/abs/path"); err == nil {
		t.Errorf("/abs/path was created")
	}
}
