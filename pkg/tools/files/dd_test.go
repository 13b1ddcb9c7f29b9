//go:build linux

package files

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDdGolden runs dd and GNU dd with the same operands in two directories: standard
// output, the files written, the status, and the record counts and byte count of the
// statistics (the time and rate differ) must be the same.
func TestDdGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dd := gnu(t, "dd", "coreutils")
	input := strings.Repeat("Hello World 0123456789\n", 100)
	files := map[string]string{"in": input, "small": "abcdefg", "old": strings.Repeat("x", 3000)}
	for _, args := range [][]string{
		{"dd"}, {"dd", "if=in"}, {"dd", "if=in", "of=out"}, {"dd", "if=in", "bs=100", "count=3"},
		{"dd", "if=in", "bs=1k", "count=1"}, {"dd", "if=in", "ibs=7", "obs=100", "count=20"},
		{"dd", "if=in", "ibs=100", "obs=7", "of=out"}, {"dd", "if=in", "skip=2", "bs=1000"},
		{"dd", "if=in", "skip=5", "iflag=skip_bytes", "count=10", "iflag=count_bytes"},
		{"dd", "if=small", "of=old", "seek=1", "bs=10"}, {"dd", "if=small", "of=old", "seek=1", "bs=10", "conv=notrunc"},
		{"dd", "if=small", "of=old", "seek=5", "oflag=seek_bytes", "conv=notrunc"}, {"dd", "if=small", "of=old", "oflag=append", "conv=notrunc"},
		{"dd", "if=small", "bs=4", "conv=sync"}, {"dd", "if=small", "conv=ucase"}, {"dd", "if=in", "conv=lcase,swab", "count=1"},
		{"dd", "if=small", "of=old", "conv=excl"}, {"dd", "if=small", "of=new", "conv=nocreat"},
		{"dd", "if=in", "bs=2x50", "count=1", "status=noxfer"}, {"dd", "if=in", "status=none", "bs=10", "count=2"},
		{"dd", "if=in", "count=0"}, {"dd", "if=nofile"}, {"dd", "bogus=1"}, {"dd", "bs=x"}, {"dd", "conv=nope"},
		{"dd", "if=small", "of=out", "conv=fsync"}, {"dd", "if=/dev/zero", "bs=1M", "count=2", "of=/dev/null"},
		{"dd", "if=in", "bs=512", "count=2", "iflag=fullblock"},
		{"dd", "if=small", "bs=1E"}, {"dd", "if=small", "bs=1P"}, {"dd", "if=small", "obs=7E"}, // buffers past any memory
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			mine, theirs := t.TempDir(), t.TempDir()
			writeFiles(t, mine, files)
			writeFiles(t, theirs, files)
			cmd := exec.Command(dd, args[1:]...)
			cmd.Dir, cmd.Stdin, cmd.Args[0] = theirs, strings.NewReader(input), "dd"
			var o, e strings.Builder
			cmd.Stdout, cmd.Stderr = &o, &e
			wantCode := 0
			if err := cmd.Run(); err != nil {
				wantCode = err.(*exec.ExitError).ExitCode()
			}
			got, stderr, code := run(t, mine, input, args...)
			if got != o.String() || code != wantCode {
				t.Errorf("%v = %d %q, GNU %d %q", args, code, got, wantCode, o.String())
			}
			if d := cmp.Diff(ddStats(e.String()), ddStats(stderr)); d != "" {
				t.Errorf("%v stderr (-GNU +ours):\n%s", args, d)
			}
			if d := cmp.Diff(dirFiles(t, theirs), dirFiles(t, mine)); d != "" {
				t.Errorf("%v files (-GNU +ours):\n%s", args, d)
			}
		})
	}
}

// ddStats cuts the time and rate off dd's last line of statistics.
func ddStats(s string) string {
	if i := strings.Index(s, " copied, "); i >= 0 {
		return s[:i]
	}
	return s
}

// TestDdFromDevice copies whole blocks from a device into a file, and prints GNU's
// statistics with SI and IEC sizes.
func TestDdFromDevice(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := run(t, dir, "", "dd", "if=/dev/zero", "of="+filepath.Join(dir, "z"), "bs=4k", "count=3")
	fi, err := os.Stat(filepath.Join(dir, "z"))
	if code != 0 || err != nil || fi.Size() != 12288 || !strings.HasPrefix(stderr, "3+0 records in\n3+0 records out\n12288 bytes (12 kB, 12 KiB) copied, ") {
		t.Errorf("dd from /dev/zero: %d %v %q", code, err, stderr)
	}
}
