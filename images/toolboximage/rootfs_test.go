package toolboximage

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

func TestFiles(t *testing.T) {
	files, err := Files([]byte("ELF"), []string{"ls", "sh", "ash", "[", "ls", "ddebug-toolbox"}, []byte("PEM"))
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	byPath := map[string]ocibuild.File{}
	for _, f := range files {
		if _, dup := byPath[f.Path]; dup {
			t.Errorf("%s listed twice", f.Path)
		}
		byPath[f.Path] = f
	}
	link := func(to string) ocibuild.File { return ocibuild.File{Mode: fs.ModeSymlink | 0o777, Link: to} }
	want := map[string]ocibuild.File{
		"/bin/ddebug-toolbox": {Mode: 0o755, Data: []byte("ELF")},
		"/bin/ls":             link("ddebug-toolbox"),
		"/bin/sh":             link("ddebug-toolbox"),
		"/bin/ash":            link("ddebug-toolbox"),
		"/bin/[":              link("ddebug-toolbox"),
		"/target":             link("/run/ddebug/target"),
		"/run/ddebug":         {Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		"/tmp":                {Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		CABundlePath:          {Mode: 0o644, Data: []byte("PEM")},
	}
	for p, w := range want {
		got, ok := byPath[p]
		if !ok {
			t.Errorf("%s missing", p)
			continue
		}
		got.Path = ""
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p, diff)
		}
	}
	for _, p := range []string{"/etc/passwd", "/etc/group"} {
		if len(byPath[p].Data) == 0 {
			t.Errorf("%s missing or empty", p)
		}
	}
	if got := string(byPath["/etc/passwd"].Data); !strings.Contains(got, "nobody:x:65534:65534:") {
		t.Errorf("/etc/passwd has no nobody user:\n%s", got)
	}
	if _, err := ocibuild.Build(files, ocibuild.Config{}); err != nil {
		t.Errorf("the file tree does not build: %v", err)
	}
}

func TestFilesRejects(t *testing.T) {
	tests := []struct {
		name  string
		bin   []byte
		names []string
	}{
		{"no binary", nil, []string{"ls"}},
		{"no names", []byte("x"), nil},
		{"slash in name", []byte("x"), []string{"a/b"}},
		{"dot-dot", []byte("x"), []string{".."}},
		{"empty name", []byte("x"), []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Files(tt.bin, tt.names, nil); err == nil {
				t.Errorf("Files(%q, %q) succeeded, want an error", tt.bin, tt.names)
			}
		})
	}
}
