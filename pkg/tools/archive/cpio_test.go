//go:build linux

package archive

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cpioTree makes the tree the cpio tests archive: files, a directory, a symlink, an
// executable, all with fixed old modification times (the -tv listing shows the year).
func cpioTree(t *testing.T, dir string) {
	t.Helper()
	writeFiles(t, dir, map[string]string{
		"src/a.txt":     "hello\n",
		"src/sub/b.txt": "world\n",
		"src/sub/x.sh":  "#!/bin/sh\n",
		"src/empty":     "",
	})
	if err := os.Chmod(filepath.Join(dir, "src/sub/x.sh"), 0o751); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "src/link")); err != nil {
		t.Fatal(err)
	}
	mt := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{"src/a.txt", "src/sub/b.txt", "src/sub/x.sh", "src/empty", "src/sub", "src"} {
		if err := os.Chtimes(filepath.Join(dir, p), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
}

const cpioNames = "src\nsrc/a.txt\nsrc/empty\nsrc/link\nsrc/sub\nsrc/sub/b.txt\nsrc/sub/x.sh\n"

// gnuCpio runs Debian's cpio in dir (with this process's TZ, as the applet uses).
func gnuCpio(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(gnu(t, "cpio", "cpio"), args...)
	cmd.Args[0] = "cpio"
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("cpio %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return o.String(), e.String(), code
}

// TestCpioGolden: archives made by ours are listed and extracted by Debian's cpio, and
// Debian's (newc, odc and its default binary format) by ours, with the same listings,
// messages and trees.
func TestCpioGolden(t *testing.T) {
	for _, format := range []string{"newc", "odc", "bin"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			cpioTree(t, dir)
			_, we, wst := gnuCpio(t, dir, "./"+cpioNames, "-ov", "-H", format, "-F", "gnu.cpio")
			if wst != 0 {
				t.Fatalf("GNU -o: %d %s", wst, we)
			}
			if format != "bin" {
				if _, e, st := run(t, dir, "./"+cpioNames, "cpio", "-ov", "-H", format, "-F", "ours.cpio"); st != wst || e != we {
					t.Errorf("ours -ov: %d %s\nDebian's %d %s", st, e, wst, we)
				}
			}
			for _, arc := range []string{"ours.cpio", "gnu.cpio"} {
				if format == "bin" && arc == "ours.cpio" {
					continue
				}
				for _, flags := range []string{"-t", "-tv", "-tvn"} {
					wo, we, wst := gnuCpio(t, dir, "", flags, "-F", arc)
					o, e, st := run(t, dir, "", "cpio", flags, "-F", arc)
					if o != wo || e != we || st != wst {
						t.Errorf("cpio %s -F %s = %d\n%s%s\nDebian's %d\n%s%s", flags, arc, st, o, e, wst, wo, we)
					}
				}
				mine, theirs := filepath.Join(dir, "mine-"+arc), filepath.Join(dir, "theirs-"+arc)
				os.Mkdir(mine, 0o755)
				os.Mkdir(theirs, 0o755)
				wo, we, wst := gnuCpio(t, theirs, "", "-idmv", "-F", "../"+arc)
				o, e, st := run(t, mine, "", "cpio", "-idmv", "-F", "../"+arc)
				if o != wo || e != we || st != wst {
					t.Errorf("cpio -idmv -F %s = %d\n%s%s\nDebian's %d\n%s%s", arc, st, o, e, wst, wo, we)
				}
				if d := cmp.Diff(treeState(t, theirs), treeState(t, mine)); d != "" {
					t.Errorf("%s extracted (-Debian's +ours):\n%s", arc, d)
				}
				if d := cmp.Diff(treeState(t, filepath.Join(dir, "src")), treeState(t, filepath.Join(mine, "src"))); d != "" {
					t.Errorf("%s extracted by ours (-original +extracted):\n%s", arc, d)
				}
				fi, err := os.Stat(filepath.Join(mine, "src/sub/b.txt"))
				if err != nil || !fi.ModTime().Equal(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)) {
					t.Errorf("-m: b.txt %v, %v", fi, err)
				}
				// Extracting again: the files are as new as the members, so nothing is
				// replaced without -u, all with it.
				for _, flags := range []string{"-idv", "-iduv"} {
					wo, we, wst := gnuCpio(t, theirs, "", flags, "-F", "../"+arc)
					o, e, st := run(t, mine, "", "cpio", flags, "-F", "../"+arc)
					if o != wo || e != we || st != wst {
						t.Errorf("again cpio %s -F %s = %d\n%s%s\nDebian's %d\n%s%s", flags, arc, st, o, e, wst, wo, we)
					}
				}
			}
		})
	}
}

// TestCpioUnsafeNames: members named with a leading '/' or '..' land inside the
// directory, as GNU cpio's --no-absolute-filenames puts them, with its messages; a
// symlink in the archive cannot carry a later member out of it.
func TestCpioUnsafeNames(t *testing.T) {
	dir := t.TempDir()
	cpioTree(t, dir)
	names := dir + "/src/a.txt\n../../src/sub/b.txt\n./../../src/link\n"
	work := filepath.Join(dir, "w", "d")
	os.MkdirAll(work, 0o755)
	if _, e, st := run(t, work, names, "cpio", "-o", "-F", "../../evil.cpio"); st != 0 {
		t.Fatalf("ours -o: %d %s", st, e)
	}
	mine, theirs := filepath.Join(dir, "mine"), filepath.Join(dir, "theirs")
	os.Mkdir(mine, 0o755)
	os.Mkdir(theirs, 0o755)
	wo, we, wst := gnuCpio(t, theirs, "", "-idv", "--no-absolute-filenames", "-F", "../evil.cpio")
	o, e, st := run(t, mine, "", "cpio", "-idv", "-F", "../evil.cpio")
	if o != wo || e != we || st != wst {
		t.Errorf("cpio -idv = %d\n%s%s\nDebian's %d\n%s%s", st, o, e, wst, wo, we)
	}
	if d := cmp.Diff(treeState(t, theirs), treeState(t, mine)); d != "" {
		t.Errorf("extracted (-Debian's +ours):\n%s", d)
	}

	// A symlink member pointing out, then a member written through it: refused.
	esc := t.TempDir()
	os.Symlink(t.TempDir(), filepath.Join(esc, "out"))
	writeFiles(t, esc, map[string]string{"outfile": "x"})
	if _, e, st := run(t, esc, "out\n", "cpio", "-o", "-F", "a.cpio"); st != 0 {
		t.Fatal(e)
	}
	// Rename the second member to out/pwned by archiving a real directory named out.
	two := t.TempDir()
	writeFiles(t, two, map[string]string{"out/pwned": "x"})
	if _, e, st := run(t, two, "out/pwned\n", "cpio", "-o", "-F", "b.cpio"); st != 0 {
		t.Fatal(e)
	}
	a, _ := os.ReadFile(filepath.Join(esc, "a.cpio"))
	b, _ := os.ReadFile(filepath.Join(two, "b.cpio"))
	// Concatenate: a's members without its trailer, then b's.
	arc := append(a[:strings.Index(string(a), "TRAILER!!!")-110], b...)
	dst := t.TempDir()
	os.WriteFile(filepath.Join(dst, "x.cpio"), arc, 0o644)
	ex := filepath.Join(dst, "ex")
	os.Mkdir(ex, 0o755)
	_, e, st = run(t, ex, "", "cpio", "-id", "-F", "../x.cpio")
	if st == 0 || !strings.Contains(e, "refusing to extract") {
		t.Errorf("escape through a symlink = %d %q, want a refusal", st, e)
	}
	target, _ := os.Readlink(filepath.Join(ex, "out"))
	if _, err := os.Stat(filepath.Join(target, "pwned")); err == nil {
		t.Errorf("a member was written through the symlink to %s", target)
	}
}

func TestCpioErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"cpio"}, "", "You must specify one of -oipt options."},
		{[]string{"cpio", "-i"}, "", "premature end of archive"},
		{[]string{"cpio", "-i"}, "garbage garbage garbage\n", "unsupported archive format"},
		{[]string{"cpio", "-o", "-H", "tar"}, "", "invalid archive format"},
		{[]string{"cpio", "-o", "-H", "crc"}, "", "-H crc is read, not written"},
		{[]string{"cpio", "-o"}, "nonexist\n", "nonexist: Cannot stat: No such file or directory"},
	} {
		_, e, st := run(t, dir, c.stdin, c.args...)
		if st != 2 || !strings.Contains(e, c.want) {
			t.Errorf("%v = %d %q, want 2 and %q", c.args, st, e, c.want)
		}
	}
}

// TestCpioPassGolden: -p copies the named files into a directory as Debian's cpio does
// (hard links kept, -u, messages and block counts), and refuses names that leave it.
func TestCpioPassGolden(t *testing.T) {
	mine, theirs := t.TempDir(), t.TempDir()
	for _, d := range []string{mine, theirs} {
		cpioTree(t, d)
		if err := os.Link(filepath.Join(d, "src/a.txt"), filepath.Join(d, "src/hard")); err != nil {
			t.Fatal(err)
		}
		os.Mkdir(filepath.Join(d, "dst"), 0o755)
	}
	names := cpioNames + "src/hard\n"
	for _, args := range [][]string{{"-pdmv", "dst"}, {"-pd", "dst"}, {"-pdu", "dst"}, {"-p"}} {
		wo, we, wst := gnuCpio(t, theirs, names, args...)
		o, e, st := run(t, mine, names, append([]string{"cpio"}, args...)...)
		if args[len(args)-1] == "-p" {
			// GNU's usage line names --usage, which ours has not: the first line only.
			we, e = strings.SplitN(we, "\n", 2)[0], strings.SplitN(e, "\n", 2)[0]
		}
		if o != wo || e != we || st != wst {
			t.Errorf("cpio %v = %d\n%s%s\nDebian's %d\n%s%s", args, st, o, e, wst, wo, we)
		}
		if d := cmp.Diff(treeState(t, theirs), treeState(t, mine)); d != "" {
			t.Errorf("cpio %v files (-Debian's +ours):\n%s", args, d)
		}
	}
	a, _ := os.Stat(filepath.Join(mine, "dst/src/a.txt"))
	h, _ := os.Stat(filepath.Join(mine, "dst/src/hard"))
	if a == nil || h == nil || !os.SameFile(a, h) {
		t.Errorf("dst/src/hard is not a hard link of dst/src/a.txt")
	}
	if _, e, st := run(t, mine, "src/a.txt\n", "cpio", "-p", "nodir"); st != 2 || !strings.Contains(e, "nodir/src/a.txt: Cannot open") {
		t.Errorf("-p into a missing directory = %d %q", st, e)
	}
	up := "../" + filepath.Base(mine) + "/src/a.txt\n"
	if _, e, st := run(t, mine, up, "cpio", "-pd", "dst"); st != 2 || !strings.Contains(e, "refusing") {
		t.Errorf("-p with '..' = %d %q, want a refusal", st, e)
	}
}

// TestCpioHardLinks: -o stores a file's hard links as GNU cpio does (one inode number, the
// real link count; newc writes the data once, with the last name read, holding the names
// back until all are read or the input ends), so that Debian's cpio lists ours as its own
// and both extract the links as links (BusyBox's "cpio extracts zero-sized hardlinks 2").
func TestCpioHardLinks(t *testing.T) {
	for _, format := range []string{"newc", "odc"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"d/empty": "", "d/nonempty": "x\n", "d/solo": "s\n", "d/trio1": "t\n", "d/p": "p\n"})
			for _, l := range [][2]string{{"empty", "empty1"}, {"nonempty", "nonempty1"}, {"trio1", "trio2"}, {"trio1", "trio3"}, {"p", "q"}, {"p", "r"}} {
				if err := os.Link(filepath.Join(dir, "d", l[0]), filepath.Join(dir, "d", l[1])); err != nil {
					t.Fatal(err)
				}
			}
			mt := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			for _, p := range []string{"d/empty", "d/nonempty", "d/solo", "d/trio1", "d/p", "d"} {
				if err := os.Chtimes(filepath.Join(dir, p), mt, mt); err != nil {
					t.Fatal(err)
				}
			}
			// trio2 is never named: its group is written when the input ends; p's three
			// names are read between others'.
			names := "d\nd/empty\nd/q\nd/nonempty1\nd/trio3\nd/p\nd/solo\nd/empty1\nd/nonempty\nd/r\nd/trio1\n"
			if _, e, st := gnuCpio(t, dir, names, "-o", "-H", format, "-F", "gnu.cpio"); st != 0 {
				t.Fatalf("GNU -o: %d %s", st, e)
			}
			if _, e, st := run(t, dir, names, "cpio", "-o", "-H", format, "-F", "ours.cpio"); st != 0 {
				t.Fatalf("ours -o: %d %s", st, e)
			}
			want, _, _ := gnuCpio(t, dir, "", "-tvn", "-F", "gnu.cpio")
			got, _, _ := gnuCpio(t, dir, "", "-tvn", "-F", "ours.cpio")
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Debian's cpio -tvn of ours (-of its own +of ours):\n%s", d)
			}
			for _, arc := range []string{"gnu.cpio", "ours.cpio"} {
				out := filepath.Join(dir, "x-"+arc)
				os.Mkdir(out, 0o755)
				if _, e, st := run(t, out, "", "cpio", "-id", "-F", "../"+arc); st != 0 {
					t.Fatalf("ours -id %s: %d %s", arc, st, e)
				}
				for _, l := range [][2]string{{"empty", "empty1"}, {"nonempty", "nonempty1"}, {"trio1", "trio3"}, {"p", "q"}, {"q", "r"}} {
					a, errA := os.Stat(filepath.Join(out, "d", l[0]))
					b, errB := os.Stat(filepath.Join(out, "d", l[1]))
					if errA != nil || errB != nil || !os.SameFile(a, b) {
						t.Errorf("%s extracted: %s and %s are not one file (%v, %v)", arc, l[0], l[1], errA, errB)
					}
				}
				if b, err := os.ReadFile(filepath.Join(out, "d/nonempty1")); string(b) != "x\n" {
					t.Errorf("%s extracted: nonempty1 holds %q, %v", arc, b, err)
				}
			}
		})
	}
}

// TestCpioOwner: -R [USER][:.][GROUP] stores those owners with -o, as Debian's cpio does
// (its -tvn listing of ours is that of its own), refuses a spec it cannot resolve with its
// words, and gives the extracted files those owners as root.
func TestCpioOwner(t *testing.T) {
	dir := t.TempDir()
	cpioTree(t, dir)
	for _, spec := range []string{"1234:5678", "daemon:", "daemon.bin", ":bin", "7", "root.1"} {
		if _, e, st := gnuCpio(t, dir, cpioNames, "-o", "-R", spec, "-F", "gnu.cpio"); st != 0 {
			t.Fatalf("GNU -o -R %s: %d %s", spec, st, e)
		}
		if _, e, st := run(t, dir, cpioNames, "cpio", "-o", "-R", spec, "-F", "ours.cpio"); st != 0 {
			t.Fatalf("ours -o -R %s: %d %s", spec, st, e)
		}
		want, _, _ := gnuCpio(t, dir, "", "-tvn", "-F", "gnu.cpio")
		got, _, _ := gnuCpio(t, dir, "", "-tvn", "-F", "ours.cpio")
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("-R %s: Debian's cpio -tvn of ours (-of its own +of ours):\n%s", spec, d)
		}
	}
	for _, spec := range []string{"", "nosuchuser", "1234:", "5:nosuchgroup", "nosuchuser:0"} {
		_, we, wst := gnuCpio(t, dir, cpioNames, "-o", "-R", spec, "-F", "gnu.cpio")
		_, e, st := run(t, dir, cpioNames, "cpio", "-o", "-R", spec, "-F", "ours.cpio")
		if first := func(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }; first(e) != first(we) || st != wst {
			t.Errorf("-R %q: %d %q, Debian's %d %q", spec, st, e, wst, we)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("extracting with -R gives the files other owners: needs root")
	}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	if _, e, st := run(t, out, "", "cpio", "-id", "-R", "7:8", "-F", "../ours.cpio"); st != 0 {
		t.Fatalf("-id -R 7:8: %d %s", st, e)
	}
	for _, p := range []string{"src", "src/a.txt", "src/link", "src/sub/x.sh"} {
		fi, err := os.Lstat(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		if sys := fi.Sys().(*syscall.Stat_t); sys.Uid != 7 || sys.Gid != 8 {
			t.Errorf("-id -R 7:8: %s owned by %d:%d", p, sys.Uid, sys.Gid)
		}
	}
}

// TestCpioTimeOutOfField: a modification time the header's field cannot hold (before
// 1970, or past odc's 11 octal digits) is cut to the field's width, as Debian's cpio
// writes it, so that its listing of ours is that of its own.
func TestCpioTimeOutOfField(t *testing.T) {
	for _, format := range []string{"newc", "odc"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"old": "o\n", "future": "f\n"})
			for name, mt := range map[string]time.Time{"old": time.Date(1960, 1, 2, 3, 4, 5, 0, time.UTC), "future": time.Date(2300, 1, 2, 3, 4, 5, 0, time.UTC)} {
				if err := os.Chtimes(filepath.Join(dir, name), mt, mt); err != nil {
					t.Fatal(err)
				}
			}
			if _, e, st := gnuCpio(t, dir, "old\nfuture\n", "-o", "-H", format, "-F", "gnu.cpio"); st != 0 {
				t.Fatalf("GNU -o: %d %s", st, e)
			}
			if _, e, st := run(t, dir, "old\nfuture\n", "cpio", "-o", "-H", format, "-F", "ours.cpio"); st != 0 {
				t.Fatalf("ours -o: %d %s", st, e)
			}
			wo, we, wst := gnuCpio(t, dir, "", "-tvn", "-F", "gnu.cpio")
			o, e, st := gnuCpio(t, dir, "", "-tvn", "-F", "ours.cpio")
			if o != wo || e != we || st != wst {
				t.Errorf("Debian's cpio -tvn of ours = %d\n%s%s\nof its own %d\n%s%s", st, o, e, wst, wo, we)
			}
		})
	}
}
