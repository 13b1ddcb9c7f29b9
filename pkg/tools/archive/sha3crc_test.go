//go:build linux

package archive

import (
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// TestSha3sumCrc32Golden compares sha3sum with Debian's (libdigest-sha3-perl) for every
// size, checking, and a missing file; crc32 with Debian's (libarchive-zip-perl) for one
// and several files (its message for a missing file, and status 0 then, are not copied:
// ours says it as the *sum applets do and exits 1).
func TestSha3sumCrc32Golden(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a": "hello\n", "b": strings.Repeat("x", 100000), "e": ""})
	for _, args := range [][]string{
		{"sha3sum", "a"}, {"sha3sum", "a", "b", "e"}, {"sha3sum", "-a", "256", "a"}, {"sha3sum", "-a", "384", "b"}, {"sha3sum", "-a", "512", "e", "a"},
		{"sha3sum"}, {"sha3sum", "a", "nofile"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { toolstest.Golden(t, dir, "from stdin\n", "libdigest-sha3-perl", nil, args...) })
	}
	sums, _, _ := run(t, dir, "", "sha3sum", "-a", "256", "a", "b")
	writeFiles(t, dir, map[string]string{"sums": sums, "badsums": strings.Replace(sums, sums[:4], "0000", 1)})
	for _, args := range [][]string{{"sha3sum", "-a", "256", "-c", "sums"}, {"sha3sum", "-a", "256", "-c", "badsums"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { toolstest.Golden(t, dir, "", "libdigest-sha3-perl", nil, args...) })
	}
	for _, args := range [][]string{{"crc32", "a"}, {"crc32", "b"}, {"crc32", "e"}, {"crc32", "a", "b", "e"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { toolstest.Golden(t, dir, "", "libarchive-zip-perl", nil, args...) })
	}
	if out, _, code := run(t, dir, "hello\n", "crc32"); out != "363a3020\n" || code != 0 {
		t.Errorf("crc32 of stdin = %d %q", code, out)
	}
	if _, stderr, code := run(t, dir, "", "crc32", "nofile"); code != 1 || stderr != "crc32: nofile: No such file or directory\n" {
		t.Errorf("crc32 nofile = %d %q", code, stderr)
	}
}
