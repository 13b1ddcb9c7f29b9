package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
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

// TestTarListLikeGNU: tar -tv prints times in the zone TZ names (a POSIX TZ string too),
// a hard link as "hrw-..." NAME link to TARGET, and the owner and size column 19 wide,
// widening for good once an entry needs more, as GNU tar 1.34 does.
func TestTarListLikeGNU(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mt := time.Date(2008, 7, 19, 13, 2, 37, 0, time.UTC)
	for _, h := range []*tar.Header{
		{Name: "d/", Typeflag: tar.TypeDir, Mode: 0o755, Uname: "root", Gname: "root", ModTime: mt},
		{Name: "d/f", Typeflag: tar.TypeReg, Mode: 0o644, Size: 2, Uname: "root", Gname: "root", ModTime: mt},
		{Name: "d/h", Typeflag: tar.TypeLink, Linkname: "d/f", Mode: 0o644, Uname: "root", Gname: "root", ModTime: mt},
		{Name: "d/s", Typeflag: tar.TypeSymlink, Linkname: "f", Mode: 0o777, Uname: "root", Gname: "root", ModTime: mt},
		{Name: "d/big", Typeflag: tar.TypeReg, Mode: 0o600, Size: 1, Uname: "someuser", Gname: "somegroup", ModTime: mt},
		{Name: "d/g", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1, Uname: "root", Gname: "root", ModTime: mt},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write(bytes.Repeat([]byte("x"), int(h.Size)))
		}
	}
	tw.Close()
	var out, errb bytes.Buffer
	env := &tools.Env{Stdin: &buf, Stdout: &out, Stderr: &errb, Dir: t.TempDir(), Environ: []string{"TZ=UTC-2"}}
	if st := Tar.Run(context.Background(), env, []string{"tar", "tvf", "-"}); st != 0 {
		t.Fatalf("tar tvf: status %d, %s", st, errb.String())
	}
	want := `drwxr-xr-x root/root         0 2008-07-19 15:02 d/
-rw-r--r-- root/root         2 2008-07-19 15:02 d/f
hrw-r--r-- root/root         0 2008-07-19 15:02 d/h link to d/f
lrwxrwxrwx root/root         0 2008-07-19 15:02 d/s -> f
-rw------- someuser/somegroup 1 2008-07-19 15:02 d/big
-rw-r--r-- root/root          1 2008-07-19 15:02 d/g
`
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("tar tvf (-want +got):\n%s", d)
	}
}

// TestTarCreateStripsDotDot: tar c removes every name's part up to its last ".." (and
// the leading '/'), saying so once per part, as GNU tar: the archive extracts below the
// directory it is extracted in.
func TestTarCreateStripsDotDot(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"w/in/file": "Ok\n"})
	_, e, st := run(t, filepath.Join(dir, "w"), "", "tar", "cf", "t.tar", "./../w/in/../in")
	if st != 0 || e != "tar: Removing leading `./../w/in/../' from member names\n" {
		t.Fatalf("tar cf: status %d, stderr %q", st, e)
	}
	out, e, st := run(t, filepath.Join(dir, "w"), "", "tar", "tf", "t.tar")
	if d := cmp.Diff("in/\nin/file\n", out); d != "" || st != 0 {
		t.Errorf("tar tf: status %d, %s, (-want +got):\n%s", st, e, d)
	}
}

// TestTarHardLinkedSymlink: a symbolic link with two names is stored once, its second name
// a hard link to the first, as GNU tar stores every non-directory with more than one name.
func TestTarHardLinkedSymlink(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	if err := os.Symlink("target", filepath.Join(dir, "d/soft")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "d/soft"), filepath.Join(dir, "soft")); err != nil {
		t.Fatal(err)
	}
	if _, e, st := run(t, dir, "", "tar", "cf", "t.tar", "d/soft", "soft"); st != 0 {
		t.Fatalf("tar cf: %d %s", st, e)
	}
	f, err := os.Open(filepath.Join(dir, "t.tar"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var got []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		got = append(got, fmt.Sprintf("%s %c %s", h.Name, h.Typeflag, h.Linkname))
	}
	if d := cmp.Diff([]string{"d/soft 2 target", "soft 1 d/soft"}, got); d != "" {
		t.Errorf("members (-want +got):\n%s", d)
	}
}
