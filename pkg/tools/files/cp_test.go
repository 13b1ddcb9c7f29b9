package files

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCpDereference: -H follows the links named as operands only, -L every link, -P none,
// the last of them given winning (GNU); without any, cp follows links, and -r copies them
// as links.
func TestCpDereference(t *testing.T) {
	cases := []struct {
		flags []string
		links []string // the copies that must be symbolic links; the others must not
	}{
		{[]string{"-R"}, []string{"file_symlink", "dir_symlink", "dir/file_symlink"}},
		{[]string{"-RH"}, []string{"dir/file_symlink"}},
		{[]string{"-RL"}, nil},
		{[]string{"-RHL"}, nil},
		{[]string{"-RLH"}, []string{"dir/file_symlink"}},
		{[]string{"-RHP"}, []string{"file_symlink", "dir_symlink", "dir/file_symlink"}},
	}
	for _, c := range cases {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"src/file": "f", "src/dir/file": "g"})
		for link, to := range map[string]string{"src/file_symlink": "file", "src/dir_symlink": "dir", "src/dir/file_symlink": "file"} {
			if err := os.Symlink(to, filepath.Join(dir, link)); err != nil {
				t.Fatal(err)
			}
		}
		os.Mkdir(filepath.Join(dir, "dst"), 0o755)
		args := append(append([]string{"cp"}, c.flags...), "src/file", "src/file_symlink", "src/dir", "src/dir_symlink", "dst")
		if _, e, st := run(t, dir, "", args...); st != 0 {
			t.Fatalf("%v: status %d, %s", args, st, e)
		}
		for _, p := range []string{"file_symlink", "dir_symlink", "dir/file_symlink"} {
			isLink := mode(t, filepath.Join(dir, "dst", p))&os.ModeSymlink != 0
			want := false
			for _, l := range c.links {
				want = want || l == p
			}
			if isLink != want {
				t.Errorf("cp %v: %s a link: %v, want %v", c.flags, p, isLink, want)
			}
		}
	}
}

// TestCpParentsAndHardLinks: --parents copies to DIR/SOURCE; -d keeps two names of one
// file one file.
func TestCpParentsAndHardLinks(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"foo/bar/baz/file": "x", "a": "a"})
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	os.Mkdir(filepath.Join(dir, "e"), 0o755)
	if err := os.Link(filepath.Join(dir, "a"), filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	if _, e, st := run(t, dir, "", "cp", "--parents", "foo/bar/baz/file", "d"); st != 0 {
		t.Fatalf("cp --parents: %s", e)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "d/foo/bar/baz/file")); string(b) != "x" {
		t.Errorf("cp --parents: %q, %v", b, err)
	}
	if _, e, st := run(t, dir, "", "cp", "--parents", "a", "a2"); st != 1 || e != "cp: with --parents, the destination must be a directory\nTry 'cp --help' for more information.\n" {
		t.Errorf("cp --parents to a file: status %d, %q", st, e)
	}
	if _, e, st := run(t, dir, "", "cp", "-d", "a", "b", "e"); st != 0 {
		t.Fatalf("cp -d: %s", e)
	}
	a, _ := os.Stat(filepath.Join(dir, "e/a"))
	b, _ := os.Stat(filepath.Join(dir, "e/b"))
	if a == nil || b == nil || !os.SameFile(a, b) {
		t.Errorf("cp -d: e/a and e/b are not one file")
	}
}
