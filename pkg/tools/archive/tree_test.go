package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Create and Extract round-trip a tree with a rename of the top name, keeping modes and
// links, and Extract refuses what leaves the destination.
func TestCreateExtract(t *testing.T) {
	src := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "tree/sub"), 0o750))
	must(os.WriteFile(filepath.Join(src, "tree/a"), []byte("alpha"), 0o640))
	must(os.WriteFile(filepath.Join(src, "tree/sub/run"), []byte("#!/bin/sh\n"), 0o755))
	must(os.Symlink("/etc/passwd", filepath.Join(src, "tree/abs")))
	must(os.Symlink("sub/run", filepath.Join(src, "tree/rel")))
	must(os.Link(filepath.Join(src, "tree/a"), filepath.Join(src, "tree/hard")))

	var buf bytes.Buffer
	must(Create(context.Background(), &buf, src, []string{"tree"}, CreateOptions{Header: func(h *tar.Header) { h.Uid, h.Gid = 0, 0 }}))
	dst := t.TempDir()
	rename := func(h *tar.Header) error {
		h.Name = "copy" + strings.TrimPrefix(h.Name, "tree")
		if h.Typeflag == tar.TypeLink {
			h.Linkname = "copy" + strings.TrimPrefix(h.Linkname, "tree")
		}
		return nil
	}
	must(Extract(context.Background(), &buf, dst, ExtractOptions{Header: rename}))

	for name, want := range map[string]os.FileMode{"copy": 0o750 | os.ModeDir, "copy/sub": 0o750 | os.ModeDir, "copy/a": 0o640, "copy/sub/run": 0o755, "copy/hard": 0o640} {
		fi, err := os.Lstat(filepath.Join(dst, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode(), want)
		}
	}
	for name, want := range map[string]string{"copy/abs": "/etc/passwd", "copy/rel": "sub/run"} {
		if got, err := os.Readlink(filepath.Join(dst, name)); err != nil || got != want {
			t.Errorf("%s: link to %q (%v), want %q", name, got, err, want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dst, "copy/hard")); err != nil || string(b) != "alpha" {
		t.Errorf("copy/hard: %q, %v", b, err)
	}
	a, errA := os.Stat(filepath.Join(dst, "copy/a"))
	h, errH := os.Stat(filepath.Join(dst, "copy/hard"))
	if errA != nil || errH != nil || !os.SameFile(a, h) {
		t.Errorf("copy/hard is not a hard link of copy/a (%v, %v)", errA, errH)
	}

	// A hostile stream: an absolute name, '..', and a file written through a symlink
	// that leaves the destination. The good entry still lands.
	var evil bytes.Buffer
	tw := tar.NewWriter(&evil)
	add := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		must(tw.WriteHeader(h))
		_, err := tw.Write([]byte(body))
		must(err)
	}
	outside := t.TempDir()
	add(&tar.Header{Name: "/abs", Typeflag: tar.TypeReg}, "x")
	add(&tar.Header{Name: "../up", Typeflag: tar.TypeReg}, "x")
	add(&tar.Header{Name: "out", Typeflag: tar.TypeSymlink, Linkname: outside}, "")
	add(&tar.Header{Name: "out/escaped", Typeflag: tar.TypeReg}, "x")
	add(&tar.Header{Name: "good", Typeflag: tar.TypeReg}, "fine")
	must(tw.Close())
	dst2 := t.TempDir()
	err := Extract(context.Background(), &evil, dst2, ExtractOptions{})
	if !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("hostile archive: %v, want ErrUnsafePath", err)
	}
	for _, want := range []string{"/abs:", "../up:", "out/escaped:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("something was written outside the destination: %v", entries)
	}
	if b, err := os.ReadFile(filepath.Join(dst2, "good")); err != nil || string(b) != "fine" {
		t.Errorf("good entry: %q, %v", b, err)
	}
	// A Header hook refuses an entry.
	var one bytes.Buffer
	must(Create(context.Background(), &one, src, []string{"tree/a"}, CreateOptions{}))
	err = Extract(context.Background(), &one, t.TempDir(), ExtractOptions{Header: func(*tar.Header) error { return errors.New("no thanks") }})
	if err == nil || !strings.Contains(err.Error(), "tree/a: no thanks") {
		t.Errorf("refused by the hook: %v", err)
	}
}
