package files

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileMagic(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"s.sh": "#!/bin/sh\necho\n", "t.txt": "hi\n", "b.bin": "\x00\x01\x02", "e": ""})
	os.Chmod(filepath.Join(dir, "s.sh"), 0o755)
	os.Symlink("t.txt", filepath.Join(dir, "l"))
	self, _ := os.Executable()
	cases := map[string]string{
		"s.sh":  "POSIX shell script, ASCII text executable",
		"t.txt": "ASCII text",
		"b.bin": "data",
		"e":     "empty",
		"l":     "symbolic link to t.txt",
		".":     "directory",
		self:    "ELF 64-bit LSB",
	}
	for name, want := range cases {
		out, _, _ := run(t, dir, "", "file", "-b", name)
		if !strings.HasPrefix(out, want) {
			t.Errorf("file %s = %q, want prefix %q", name, out, want)
		}
	}
	out, _, _ := run(t, dir, "", "file", "-b", self)
	if !strings.Contains(out, "statically linked") && !strings.Contains(out, "dynamically linked") {
		t.Errorf("file on the test binary does not say how it is linked: %q", out)
	}
	out, _, _ = run(t, dir, "", "file", "-b", "/bin/ls")
	if !strings.Contains(out, "interpreter /lib") {
		t.Errorf("file /bin/ls: no interpreter in %q", out)
	}
}
