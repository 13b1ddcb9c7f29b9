package files

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedTree makes a small tree with known sizes and times.
func fixedTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.txt":          "alpha\nbeta\ngamma\n",
		"b.log":          strings.Repeat("log line\n", 500),
		"sub/c.txt":      "one two  three\n\tfour\n",
		"sub/deep/d.go":  "package d\n",
		"sub/deep/e.txt": "",
		"Upper.TXT":      "x",
		".hidden":        "secret\n",
		"space name":     "s\n",
	})
	os.Mkdir(filepath.Join(dir, "emptydir"), 0o755)
	os.Symlink("a.txt", filepath.Join(dir, "link"))
	mt := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode()&os.ModeSymlink == 0 {
			os.Chtimes(p, mt, mt)
		}
		return nil
	})
	return dir
}

// golden runs the same command through our applet and the GNU tool and compares stdout
// and status.
func golden(t *testing.T, dir, stdin, pkg string, post func(string) string, args ...string) {
	t.Helper()
	p := gnu(t, args[0], pkg)
	want, wantSt := runGNU(t, dir, stdin, append([]string{p}, args[1:]...)...)
	got, stderr, gotSt := run(t, dir, stdin, args...)
	if post != nil {
		want, got = post(want), post(got)
	}
	if d := cmp.Diff(want, got); d != "" || wantSt != gotSt {
		t.Errorf("%v: status gnu %d ours %d (stderr %q); output (-gnu +ours):\n%s", args, wantSt, gotSt, stderr, d)
	}
}

func sortLines(s string) string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n") + "\n"
}

func TestGoldenFiles(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	t.Setenv("TZ", "UTC")
	dir := fixedTree(t)
	cases := []struct {
		name string
		pkg  string
		post func(string) string
		args []string
	}{
		{"ls -1", "coreutils", nil, []string{"ls", "-1"}},
		{"ls -1a", "coreutils", nil, []string{"ls", "-1a"}},
		{"ls -1A sub", "coreutils", nil, []string{"ls", "-1A", "sub", "a.txt"}},
		{"ls -1R", "coreutils", nil, []string{"ls", "-1R"}},
		{"ls -1F", "coreutils", nil, []string{"ls", "-1F"}},
		{"ls -1S", "coreutils", nil, []string{"ls", "-1S"}},
		{"ls -1r", "coreutils", nil, []string{"ls", "-1r"}},
		{"ls -d", "coreutils", nil, []string{"ls", "-d", "sub", "a.txt"}},
		{"ls -ln", "coreutils", nil, []string{"ls", "-ln", "sub"}},
		{"ls missing", "coreutils", nil, []string{"ls", "nope"}},
		{"wc", "coreutils", nil, []string{"wc", "a.txt", "b.log", "sub/c.txt"}},
		{"wc -l", "coreutils", nil, []string{"wc", "-l", "a.txt"}},
		{"wc -w", "coreutils", nil, []string{"wc", "-w", "sub/c.txt", "a.txt"}},
		{"wc -c missing", "coreutils", nil, []string{"wc", "-c", "a.txt", "nope"}},
		{"wc -L", "coreutils", nil, []string{"wc", "-L", "sub/c.txt"}},
		{"du -s", "coreutils", nil, []string{"du", "-s", "sub"}},
		{"du", "coreutils", sortLines, []string{"du", "sub"}},
		{"du -a", "coreutils", sortLines, []string{"du", "-a", "sub"}},
		{"du -d1", "coreutils", sortLines, []string{"du", "-d", "1", "."}},
		{"du -sh", "coreutils", nil, []string{"du", "-sh", "b.log"}},
		{"find", "findutils", sortLines, []string{"find", "."}},
		{"find -name -type f", "findutils", sortLines, []string{"find", ".", "-name", "*.txt", "-type", "f"}},
		{"find -iname", "findutils", sortLines, []string{"find", ".", "-iname", "*.txt"}},
		{"find -path", "findutils", sortLines, []string{"find", ".", "-path", "*deep*"}},
		{"find -maxdepth", "findutils", sortLines, []string{"find", ".", "-maxdepth", "1", "-type", "d"}},
		{"find -mindepth", "findutils", sortLines, []string{"find", "sub", "-mindepth", "2"}},
		{"find -empty", "findutils", sortLines, []string{"find", ".", "-empty"}},
		{"find -size", "findutils", sortLines, []string{"find", ".", "-size", "+1k"}},
		{"find -size c", "findutils", sortLines, []string{"find", ".", "-type", "f", "-size", "-10c"}},
		{"find or", "findutils", sortLines, []string{"find", ".", "(", "-name", "*.go", "-o", "-name", "*.log", ")", "-print"}},
		{"find not", "findutils", sortLines, []string{"find", ".", "!", "-name", "*.txt", "-type", "f"}},
		{"find -type l", "findutils", sortLines, []string{"find", ".", "-type", "l"}},
		{"find -perm", "findutils", sortLines, []string{"find", ".", "-perm", "-644", "-type", "f"}},
		{"find missing", "findutils", nil, []string{"find", "nope"}},
		{"find -prune", "findutils", sortLines, []string{"find", ".", "-name", "sub", "-prune", "-o", "-type", "f", "-print"}},
		{"basename", "coreutils", nil, []string{"basename", "/a/b/c.txt", ".txt"}},
		{"basename /", "coreutils", nil, []string{"basename", "/"}},
		{"dirname", "coreutils", nil, []string{"dirname", "/a/b/", "c", "/", "a//b"}},
		{"cat -n", "coreutils", nil, []string{"cat", "-n", "a.txt", "sub/c.txt"}},
		{"cat -A", "coreutils", nil, []string{"cat", "-A", "sub/c.txt"}},
		{"head -n2", "coreutils", nil, []string{"head", "-n", "2", "a.txt"}},
		{"head -c", "coreutils", nil, []string{"head", "-c", "7", "a.txt"}},
		{"head multi", "coreutils", nil, []string{"head", "-n1", "a.txt", "sub/c.txt"}},
		{"head -n -1", "coreutils", nil, []string{"head", "-n", "-1", "a.txt"}},
		{"tail", "coreutils", nil, []string{"tail", "-n", "3", "b.log"}},
		{"tail -5", "coreutils", nil, []string{"tail", "-2", "a.txt"}},
		{"tail +2", "coreutils", nil, []string{"tail", "-n", "+2", "a.txt"}},
		{"tail -c", "coreutils", nil, []string{"tail", "-c", "5", "a.txt"}},
		{"hexdump -C", "bsdextrautils", nil, []string{"hexdump", "-C", "sub/c.txt"}},
		{"hexdump -C big", "bsdextrautils", nil, []string{"hexdump", "-C", "b.log"}},
		{"xxd", "xxd", nil, []string{"xxd", "sub/c.txt"}},
		{"xxd -p", "xxd", nil, []string{"xxd", "-p", "b.log"}},
		{"xxd -g1", "xxd", nil, []string{"xxd", "-g1", "-c8", "a.txt"}},
		{"strings", "binutils", nil, []string{"strings", "-n", "3", "sub/c.txt"}},
		{"stat -c", "coreutils", nil, []string{"stat", "-c", "%n %s %a %A %F %h %Y", "a.txt", "sub", "link"}},
		{"realpath", "coreutils", func(s string) string { return strings.ReplaceAll(s, dir, "D") }, []string{"realpath", "link", "sub/../a.txt"}},
		{"readlink -f", "coreutils", func(s string) string { return strings.ReplaceAll(s, dir, "D") }, []string{"readlink", "-f", "link", "sub/nothere"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { golden(t, dir, "", c.pkg, c.post, c.args...) })
	}
}
