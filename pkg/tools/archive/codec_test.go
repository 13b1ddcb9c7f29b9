//go:build linux

package archive

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestXzBzip2Golden compares xz, unxz, xzcat, bzip2, bunzip2 and bzcat with xz-utils'
// and bzip2's: decompressing what they wrote (files, -c, -k, -t, stdin), and the
// messages and statuses of missing files, existing outputs, wrong suffixes, data that
// is not compressed and directories. What ours compresses, theirs must decompress to
// the original, at every level.
func TestXzBzip2Golden(t *testing.T) {
	data := strings.Repeat("the quick brown fox jumps over the lazy dog\n", 2000)
	for _, tc := range []struct{ tool, un, cat, suffix, pkg string }{
		{"xz", "unxz", "xzcat", ".xz", "xz-utils"}, {"bzip2", "bunzip2", "bzcat", ".bz2", "bzip2"},
	} {
		tool := gnu(t, tc.tool, tc.pkg)
		src := t.TempDir()
		writeFiles(t, src, map[string]string{"a.txt": data})
		shell(t, src, tool+" -k a.txt && cp a.txt"+tc.suffix+" c"+tc.suffix+" && printf junk > j"+tc.suffix+" && printf plain > b")
		arch, _ := os.ReadFile(filepath.Join(src, "a.txt"+tc.suffix))
		setup := func(dir string) {
			writeFiles(t, dir, map[string]string{"a.txt": data, "a.txt" + tc.suffix: string(arch), "c" + tc.suffix: string(arch),
				"j" + tc.suffix: "junk", "b": "plain", "d/x": ""})
			os.Remove(filepath.Join(dir, "a.txt"))
		}
		for _, args := range [][]string{
			{tc.tool, "-d", "a.txt" + tc.suffix}, {tc.un, "c" + tc.suffix}, {tc.un, "-k", "a.txt" + tc.suffix, "c" + tc.suffix},
			{tc.cat, "c" + tc.suffix}, {tc.tool, "-dc", "a.txt" + tc.suffix}, {tc.tool, "-t", "c" + tc.suffix}, {tc.un, "-t", "j" + tc.suffix},
			{tc.un, "nofile"}, {tc.tool, "nofile"}, {tc.un, "j" + tc.suffix}, {tc.un, "b"}, {tc.tool, "a.txt" + tc.suffix}, {tc.tool, "d"},
			{tc.un, "-f", "c" + tc.suffix}, {tc.tool, "-dc", "j" + tc.suffix},
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				if _, err := exec.LookPath(args[0]); err != nil {
					t.Skipf("%s not installed", args[0])
				}
				goldenTree(t, tc.pkg, setup, "", args...)
			})
		}
		// An existing output is kept.
		t.Run(tc.tool+" exists", func(t *testing.T) {
			goldenTree(t, tc.pkg, func(dir string) {
				writeFiles(t, dir, map[string]string{"a.txt": data, "a.txt" + tc.suffix: "old"})
			}, "", tc.tool, "a.txt")
		})
		// The existing output is named as the operand was given.
		t.Run(tc.un+" exists ./", func(t *testing.T) {
			goldenTree(t, tc.pkg, func(dir string) {
				writeFiles(t, dir, map[string]string{"c": "old", "c" + tc.suffix: string(arch)})
			}, "", tc.un, "./c"+tc.suffix)
		})
		t.Run(tc.un+" stdin", func(t *testing.T) { goldenTree(t, tc.pkg, func(string) {}, string(arch), tc.un) })
		t.Run(tc.un+" stdin junk", func(t *testing.T) { goldenTree(t, tc.pkg, func(string) {}, "junk", tc.un) })
		// Ours compresses, theirs decompresses.
		for _, level := range []string{"-1", "-6", "-9"} {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"a.txt": data, "e": ""})
			if _, stderr, code := run(t, dir, "", tc.tool, level, "a.txt", "e"); code != 0 {
				t.Fatalf("%s %s: %d %s", tc.tool, level, code, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "a.txt")); err == nil {
				t.Errorf("%s %s kept a.txt", tc.tool, level)
			}
			out, err := exec.Command(tool, "-dc", filepath.Join(dir, "a.txt"+tc.suffix), filepath.Join(dir, "e"+tc.suffix)).Output()
			if err != nil || string(out) != data {
				t.Errorf("%s -dc of our %s %s: %v, %d bytes, want %d", tc.tool, tc.tool, level, err, len(out), len(data))
			}
			stdout, _, _ := run(t, dir, data, tc.tool, level)
			cmd := exec.Command(tool, "-dc")
			cmd.Stdin = strings.NewReader(stdout)
			if out, err := cmd.Output(); err != nil || string(out) != data {
				t.Errorf("%s -dc of our %s %s from stdin: %v", tc.tool, tc.tool, level, err)
			}
		}
	}
}
