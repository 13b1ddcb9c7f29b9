package tools

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := &Env{Stdin: strings.NewReader("stdin"), Dir: dir}
	for name, want := range map[string]string{"-": "stdin", "f": "file"} {
		r, closeIt, err := OpenInput(env, name)
		if err != nil {
			t.Fatalf("OpenInput(%q): %v", name, err)
		}
		b, _ := io.ReadAll(r)
		closeIt()
		if string(b) != want {
			t.Errorf("OpenInput(%q) read %q, want %q", name, b, want)
		}
	}
	if _, _, err := OpenInput(env, "d"); !errors.Is(err, syscall.EISDIR) || Reason(err) != "Is a directory" {
		t.Errorf("OpenInput(dir) = %v (%q), want EISDIR, Is a directory", err, Reason(err))
	}
	if _, _, err := OpenInput(env, "nofile"); Reason(err) != "No such file or directory" {
		t.Errorf("OpenInput(nofile) = %v", err)
	}
	r, closeIt, err := OpenOperand(env, "d")
	if err != nil {
		t.Fatalf("OpenOperand(dir): %v", err)
	}
	defer closeIt()
	if _, err := io.ReadAll(r); !errors.Is(err, syscall.EISDIR) {
		t.Errorf("reading OpenOperand(dir) = %v, want EISDIR", err)
	}
}
