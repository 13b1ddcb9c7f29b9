package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestRunWritesTaggedImage(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "pause")
	if err := os.WriteFile(bin, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pause.tar")
	const ref = "registry.k8s.io/pause:3.10.2"
	err := run([]string{"-o", out, "-ref", ref, "-entrypoint", "/pause -v", "-user", "65535:65535", "/pause=" + bin})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(out, &tag)
	if err != nil {
		t.Fatalf("the tarball has no image %s: %v", ref, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/pause", "-v"}, cf.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint (-want +got):\n%s", diff)
	}
	if cf.Config.User != "65535:65535" {
		t.Errorf("user = %q, want 65535:65535", cf.Config.User)
	}
}

func TestRunRejects(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.tar")
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("f"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"no output", []string{"-ref", "a/b:1", "/x=" + file}},
		{"no ref", []string{"-o", out, "/x=" + file}},
		{"no files", []string{"-o", out, "-ref", "a/b:1"}},
		{"not a pair", []string{"-o", out, "-ref", "a/b:1", "/x"}},
		{"missing host file", []string{"-o", out, "-ref", "a/b:1", "/x=/nonexistent/file"}},
		{"bad ref", []string{"-o", out, "-ref", "UPPER/case:1", "/x=" + file}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := run(tt.args); err == nil {
				t.Errorf("run(%q) succeeded", tt.args)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("run(%q) wrote %s", tt.args, out)
			}
		})
	}
}
