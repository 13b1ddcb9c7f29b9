package archive

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Cpio is cpio -o|-i|-t: GNU cpio's copy-out (names read from stdin, newc or odc format),
// copy-in (extract, through tar's extractor: no name leaves the directory) and list.
var Cpio = tools.Applet{Name: "cpio", Summary: "create, list and extract cpio archives", Run: runCpio}

const cpioUsage = `cpio -o|-i|-t|-p DIR [-dmuvf0] [-H newc|odc] [-F FILE] [-O FILE] [-I FILE] [-D DIR] [-R [USER][:.][GROUP]] [PATTERN]...
  -o  create: read file names from stdin, write the archive to stdout (or -F/-O FILE)
  -i  extract the archive read from stdin (or -F/-I FILE), members matching PATTERNs
  -t  list the archive's members (-v: long listing)
  -p DIR  pass-through: copy the files named on stdin into DIR
  -H FORMAT  newc (default) or odc      -0  names on stdin end with NUL
  -d  make directories as needed        -m  keep the archive's modification times
  -u  replace files even when newer     -v  list the files processed
  -f  members NOT matching the PATTERNs -D DIR  change to DIR first
  -R [USER][:.][GROUP]  -o: store these owners; -i, -p: give the files these owners (as root);
      USER: (or USER.) is USER and USER's login group
Extraction drops a leading '/' and everything up to a last '..' from names (GNU's
--no-absolute-filenames), and refuses anything reached through a symlink that leaves the
directory.`

type cpioOpts struct {
	format, file, dir          string
	makeDirs, keepMtime, uncon bool
	verbose, nonmatch, null    bool
	numeric, quiet             bool
	uid, gid                   int // -R's owners, -1 when not given
}

func runCpio(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("cpio", cpioUsage)
	create := fs.Bool('o', "create")
	extract := fs.Bool('i', "extract")
	list := fs.Bool('t', "list")
	pass := fs.Bool('p', "pass-through")
	var o cpioOpts
	fs.Func('H', "format", func(v string) error { o.format = strings.ToLower(v); return nil })
	fs.Func('F', "file", func(v string) error { o.file = v; return nil })
	fs.Func('O', "", func(v string) error { o.file = v; return nil })
	fs.Func('I', "", func(v string) error { o.file = v; return nil })
	fs.Func('D', "directory", func(v string) error { o.dir = v; return nil })
	fs.BoolFunc('d', "make-directories", func() { o.makeDirs = true })
	fs.BoolFunc('m', "preserve-modification-time", func() { o.keepMtime = true })
	fs.BoolFunc('u', "unconditional", func() { o.uncon = true })
	fs.BoolFunc('v', "verbose", func() { o.verbose = true })
	fs.BoolFunc('f', "nonmatching", func() { o.nonmatch = true })
	fs.BoolFunc('0', "null", func() { o.null = true })
	fs.BoolFunc('n', "numeric-uid-gid", func() { o.numeric = true })
	fs.BoolFunc(0, "quiet", func() { o.quiet = true })
	fs.Bool(0, "no-absolute-filenames")
	fs.Bool('a', "reset-access-time")
	fs.Bool(0, "no-preserve-owner")
	owner, ownerSet := "", false
	fs.Func('R', "owner", func(v string) error { owner, ownerSet = v, true; return nil })
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	o.uid, o.gid = -1, -1
	if ownerSet {
		var err error
		if o.uid, o.gid, err = cpioOwner(owner); err != nil {
			env.Errorf("cpio", "%s: %v\nTry 'cpio --help' for more information.", owner, err)
			return 2
		}
	}
	if *list {
		*extract = true
	}
	if *pass && !*create && !*extract {
		if len(ops) == 0 {
			env.Errorf("cpio", "Not enough arguments\nTry 'cpio --help' for more information.")
			return 2
		}
		if len(ops) > 1 {
			env.Errorf("cpio", "Too many arguments\nTry 'cpio --help' for more information.")
			return 2
		}
		return cpioPass(ctx, env, &o, ops[0])
	}
	if *create == *extract || *pass {
		env.Errorf("cpio", "You must specify one of -oipt options.\nTry 'cpio --help' for more information.")
		return 2
	}
	switch o.format {
	case "":
		o.format = "newc"
	case "newc", "odc", "crc":
	default:
		env.Errorf("cpio", "invalid archive format `%s'; valid formats are:\nnewc odc crc", o.format)
		return 2
	}
	if o.dir != "" {
		fi, err := os.Stat(env.Abs(o.dir))
		if err == nil && !fi.IsDir() {
			err = syscall.ENOTDIR
		}
		if err != nil {
			env.Errorf("cpio", "cannot change to directory `%s': %s", o.dir, tools.Reason(err))
			return 2
		}
		o.dir = env.Abs(o.dir)
	} else {
		o.dir = env.Dir
	}
	if *create {
		if o.format == "crc" {
			env.Errorf("cpio", "-H crc is read, not written (use newc or odc)")
			return 2
		}
		if len(ops) > 0 {
			env.Errorf("cpio", "Too many arguments\nTry 'cpio --help' for more information.")
			return 2
		}
	}
	// -F FILE (-O, -I) is opened here, once: created for -o, read for -i and -t.
	in, out := env.Stdin, env.Stdout
	if o.file != "" {
		open := os.Open
		if *create {
			open = os.Create
		}
		f, err := open(env.Abs(o.file))
		if err != nil {
			env.Errorf("cpio", "%s: Cannot open: %s", o.file, tools.Reason(err))
			return 2
		}
		defer f.Close()
		in, out = f, f
	}
	if *create {
		return cpioCreate(ctx, env, &o, out)
	}
	return cpioRead(ctx, env, &o, in, ops, !*list)
}

// cpioOwner parses -R's [USER][:.][GROUP] as GNU cpio does: names from /etc/passwd and
// /etc/group, or numbers; USER: is USER and USER's login group; -1 for a part not given.
func cpioOwner(spec string) (int, int, error) {
	user, group, sep := strings.Cut(spec, ":")
	if !sep {
		user, group, sep = strings.Cut(spec, ".")
	}
	if user == "" && group == "" {
		return -1, -1, errors.New("can not omit both user and group")
	}
	db := userdb.Load("/")
	uid, gid := -1, -1
	if user != "" {
		u, ok := db.LookupUser(user)
		switch {
		case !ok:
			return -1, -1, errors.New("invalid user")
		case sep && group == "" && (u.GID < 0 || u.Name != user):
			return -1, -1, errors.New("cannot get the login group of a numeric UID")
		case sep && group == "":
			gid = u.GID
		}
		uid = u.UID
	}
	if group != "" {
		g, ok := db.LookupGroup(group)
		if !ok {
			return -1, -1, errors.New("invalid group")
		}
		gid = g
	}
	return uid, gid, nil
}

// setOwner gives h -R's owners.
func (o *cpioOpts) setOwner(h *cpioHeader) {
	if o.uid >= 0 {
		h.uid = uint64(o.uid)
	}
	if o.gid >= 0 {
		h.gid = uint64(o.gid)
	}
}

// blocks prints GNU cpio's closing "N blocks" (512-byte blocks, rounded up).
func (o *cpioOpts) blocks(env *tools.Env, n int64) {
	if o.quiet {
		return
	}
	b := (n + 511) / 512
	if b == 1 {
		fmt.Fprintln(env.Stderr, "1 block")
	} else {
		fmt.Fprintf(env.Stderr, "%d blocks\n", b)
	}
}

// eachName calls fn with each file name on stdin (ended by newlines, by NULs with -0),
// for -o and -p; it returns the context's error if it ends first.
func (o *cpioOpts) eachName(ctx context.Context, env *tools.Env, fn func(given string)) error {
	sep := byte('\n')
	if o.null {
		sep = 0
	}
	in := bufio.NewReader(env.Stdin)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := in.ReadString(sep)
		if given := strings.TrimSuffix(line, string(sep)); given != "" {
			fn(given)
		}
		if err != nil {
			return nil
		}
	}
}

// cpioNoDot is name without its leading "./" (GNU cpio stores none).
func cpioNoDot(name string) string {
	for strings.HasPrefix(name, "./") && len(name) > 2 {
		name = strings.TrimLeft(name[2:], "/")
	}
	return name
}

// cpioPass is -p DIR: each file named on stdin copied below DIR as -i would extract it
// (the same checks: nothing lands outside DIR), hard links kept as links.
func cpioPass(ctx context.Context, env *tools.Env, o *cpioOpts, dest string) int {
	root, rerr := os.OpenRoot(env.Abs(dest))
	var x *extractor
	if rerr == nil {
		defer root.Close()
		x = &extractor{root: root, chown: os.Geteuid() == 0}
	}
	links := map[[3]uint64]string{}
	var copied int64
	st := 0
	if err := o.eachName(ctx, env, func(given string) {
		name := cpioNoDot(strings.TrimLeft(given, "/"))
		shown := strings.TrimSuffix(dest, "/") + "/" + name
		if e := cpioPassOne(env, x, rerr, o, given, name, shown, links, &copied); e != nil {
			env.Errorf("cpio", "%s", e)
			if !errors.Is(e, errCpioNotCreated) {
				st = 2
			}
		} else if o.verbose {
			fmt.Fprintln(env.Stderr, shown)
		}
	}); err != nil {
		env.Errorf("cpio", "%v", err)
		return 2
	}
	if x != nil {
		x.finish()
	}
	o.blocks(env, copied)
	return st
}

func cpioPassOne(env *tools.Env, x *extractor, rerr error, o *cpioOpts, given, name, shown string, links map[[3]uint64]string, copied *int64) error {
	p := env.Abs(given)
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("%s: Cannot stat: %s", given, tools.Reason(err))
	}
	if rerr != nil {
		return fmt.Errorf("%s: Cannot open: %s", shown, tools.Reason(rerr))
	}
	safe, err := cleanName(name)
	if err != nil {
		return fmt.Errorf("%s: %w", shown, err)
	}
	h := &cpioHeader{nlink: 1, mtime: fi.ModTime().Unix(), name: shown}
	sys, _ := fi.Sys().(*syscall.Stat_t)
	if sys != nil {
		h.mode, h.uid, h.gid = uint64(sys.Mode), uint64(sys.Uid), uint64(sys.Gid)
		o.setOwner(h)
		h.rdev = [2]uint64{uint64(unixMajor(uint64(sys.Rdev))), uint64(unixMinor(uint64(sys.Rdev)))}
	}
	var data io.Reader = strings.NewReader("")
	switch {
	case fi.Mode().IsRegular():
		if sys != nil && sys.Nlink > 1 {
			key := [3]uint64{uint64(sys.Dev), 0, sys.Ino}
			if first, ok := links[key]; ok {
				replaced := false
				if ofi, err := x.root.Lstat(safe); err == nil {
					replaced = true
					if !o.uncon && !ofi.ModTime().Before(fi.ModTime().Truncate(time.Second)) {
						return fmt.Errorf("%s %w: newer or same age version exists", shown, errCpioNotCreated)
					}
					if err := x.root.Remove(safe); err != nil {
						return fmt.Errorf("%s: Cannot unlink: %w", shown, rootErr(err))
					}
				}
				if err := x.root.Link(first, safe); err != nil {
					return fmt.Errorf("%s: Cannot link: %w", shown, rootErr(err))
				}
				if !replaced {
					fmt.Fprintf(env.Stderr, "cpio: %s%s linked to %s\n", shown[:len(shown)-len(name)], first, shown)
				}
				return nil
			}
			defer func() { links[key] = safe }()
		}
		f, err := tools.OpenRegular(p, fi)
		if err != nil {
			return fmt.Errorf("%s: Cannot open: %s", given, tools.Reason(err))
		}
		defer f.Close()
		h.size, data = fi.Size(), io.LimitReader(f, fi.Size())
		err = cpioExtract(x, o, h, safe, data, map[[3]uint64]*cpioLinked{})
		if err == nil {
			*copied += fi.Size()
		}
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return fmt.Errorf("%s: Cannot readlink: %s", given, tools.Reason(err))
		}
		h.size, data = int64(len(target)), strings.NewReader(target)
	}
	return cpioExtract(x, o, h, safe, data, map[[3]uint64]*cpioLinked{})
}

// cpioCreate is -o: the files named on stdin written to out.
func cpioCreate(ctx context.Context, env *tools.Env, o *cpioOpts, out io.Writer) int {
	w := &cpioWriter{w: bufio.NewWriterSize(out, 64<<10), f: cpioFormats()[o.format], o: o, links: map[[2]uint64]uint64{}}
	st := 0
	if err := o.eachName(ctx, env, func(given string) {
		name := cpioNoDot(given)
		if err := w.add(env.Abs(name), name); err != nil {
			env.Errorf("cpio", "%v", err)
			st = 2
		} else if o.verbose {
			fmt.Fprintln(env.Stderr, given)
		}
	}); err != nil {
		env.Errorf("cpio", "%v", err)
		return 2
	}
	for _, err := range w.writeHeldBack() {
		env.Errorf("cpio", "%v", err)
		st = 2
	}
	werr := w.trailer()
	if werr == nil {
		werr = w.w.Flush()
	}
	if werr != nil {
		env.Errorf("cpio", "writing archive: %v", werr)
		return 2
	}
	o.blocks(env, w.n)
	return st
}

// cpioSaferName drops what GNU cpio's --no-absolute-filenames drops: leading "/" and
// everything up to the last ".." component; it returns the name and the prefix dropped.
func cpioSaferName(name string) (string, string) {
	rest := name
	parts := strings.Split(rest, "/")
	last := -1
	for i, p := range parts {
		if p == ".." {
			last = i
		}
	}
	if last >= 0 {
		rest = strings.Join(parts[last+1:], "/")
	}
	stripped := strings.TrimLeft(rest, "/")
	prefix := name[:len(name)-len(stripped)]
	if stripped == "" {
		stripped = "."
	}
	return stripped, prefix
}

// cpioRead is -i and -t: the archive read from in, its members matching pats extracted
// or listed.
func cpioRead(ctx context.Context, env *tools.Env, o *cpioOpts, in io.Reader, pats []string, extract bool) int {
	r := &cpioReader{r: bufio.NewReaderSize(in, 64<<10)}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	var x *extractor
	if extract {
		root, err := os.OpenRoot(o.dir)
		if err != nil {
			env.Errorf("cpio", "%s: Cannot open: %s", o.dir, tools.Reason(err))
			return 2
		}
		defer root.Close()
		x = &extractor{root: root, chown: os.Geteuid() == 0}
	}
	var db *userdb.DB
	warned := map[string]bool{}
	links := map[[3]uint64]*cpioLinked{} // dev major, minor, ino
	now := time.Now()
	st := 0
	for {
		if err := ctx.Err(); err != nil {
			out.Flush()
			env.Errorf("cpio", "%v", err)
			return 2
		}
		h, odc, err := r.next()
		if err != nil {
			out.Flush()
			env.Errorf("cpio", "%v", err)
			return 2
		}
		if h.name == "TRAILER!!!" {
			break
		}
		counted := &countingReader{r: io.LimitReader(r.r, h.size)}
		var data io.Reader = counted
		matched := cpioMatch(pats, h.name) != o.nonmatch
		switch {
		case !matched:
		case !extract:
			if o.verbose {
				if db == nil && !o.numeric {
					db = userdb.Load("/")
				}
				target := ""
				if h.mode&syscall.S_IFMT == syscall.S_IFLNK {
					b, _ := io.ReadAll(data)
					target = string(b)
				}
				fmt.Fprintln(out, cpioLong(h, target, db, now))
			} else {
				fmt.Fprintln(out, h.name)
			}
		default:
			name, prefix := cpioSaferName(h.name)
			if prefix != "" && !warned[prefix] {
				warned[prefix] = true
				out.Flush()
				env.Errorf("cpio", "Removing leading `%s' from member names", prefix)
			}
			if err := cpioExtract(x, o, h, name, data, links); err != nil {
				out.Flush()
				env.Errorf("cpio", "%s", err)
				if !errors.Is(err, errCpioNotCreated) {
					st = 2
				}
			}
			if o.verbose {
				out.Flush()
				fmt.Fprintln(env.Stderr, name)
			}
		}
		_, err = io.Copy(io.Discard, data)
		r.n += counted.n
		if err == nil && counted.n < h.size {
			err = errCpioEnd
		}
		if err == nil && h.bin && h.size%2 == 1 {
			err = r.full(make([]byte, 1))
		}
		if err == nil {
			err = r.skipPad(odc)
		}
		if err != nil {
			out.Flush()
			env.Errorf("cpio", "%v", errCpioEnd)
			return 2
		}
	}
	if x != nil {
		x.finish()
	}
	out.Flush()
	o.blocks(env, r.n)
	return st
}

// cpioMatch reports whether name matches one of the patterns (all names when there are
// none); as GNU cpio's fnmatch without FNM_PATHNAME, '*' matches '/' too.
func cpioMatch(pats []string, name string) bool {
	if len(pats) == 0 {
		return true
	}
	for _, p := range pats {
		if globSlash(p, name) {
			return true
		}
	}
	return false
}

// globSlash matches name against p where '*' may also span '/'.
func globSlash(p, name string) bool {
	if p == "" {
		return name == ""
	}
	if p[0] == '*' {
		for i := 0; i <= len(name); i++ {
			if globSlash(p[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if name == "" {
		return false
	}
	if p[0] == '?' || p[0] == name[0] {
		return globSlash(p[1:], name[1:])
	}
	if p[0] == '[' {
		if end := strings.IndexByte(p[1:], ']'); end >= 0 {
			if ok, _ := path.Match(p[:end+2], name[:1]); ok {
				return globSlash(p[end+2:], name[1:])
			}
		}
	}
	return false
}

// errCpioNotCreated: an existing file is as new as the member, and -u was not given.
var errCpioNotCreated = errors.New("not created")

// cpioExtract writes one member through tar's extractor (os.Root: no escape).
// cpioLinked is a hard-linked file's names extracted so far, and whether one carried
// its data.
type cpioLinked struct {
	names   []string
	hasData bool
}

func cpioExtract(x *extractor, o *cpioOpts, h *cpioHeader, name string, data io.Reader, links map[[3]uint64]*cpioLinked) error {
	owned := *h
	o.setOwner(&owned)
	th := &tar.Header{Name: name, Mode: int64(h.mode & 0o7777), Uid: int(owned.uid), Gid: int(owned.gid),
		Size: h.size, ModTime: time.Unix(h.mtime, 0), Devmajor: int64(h.rdev[0]), Devminor: int64(h.rdev[1])}
	if !o.keepMtime {
		th.ModTime = time.Now()
	}
	switch h.mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		th.Typeflag = tar.TypeDir
	case syscall.S_IFLNK:
		th.Typeflag = tar.TypeSymlink
		b, err := io.ReadAll(data)
		if err != nil {
			return fmt.Errorf("%s: %v", h.name, errCpioEnd)
		}
		th.Linkname = string(b)
	case syscall.S_IFCHR:
		th.Typeflag = tar.TypeChar
	case syscall.S_IFBLK:
		th.Typeflag = tar.TypeBlock
	case syscall.S_IFIFO:
		th.Typeflag = tar.TypeFifo
	case syscall.S_IFREG:
		th.Typeflag = tar.TypeReg
	default:
		return fmt.Errorf("%s: unsupported file type %o", h.name, h.mode&syscall.S_IFMT)
	}
	key := [3]uint64{h.dev[0], h.dev[1], h.ino}
	linked := links[key]
	if th.Typeflag == tar.TypeReg && h.nlink > 1 && linked != nil && (h.size == 0 || linked.hasData) {
		// newc stores a hard-linked file's data once, with its last name: the others
		// (size 0) become links to the first name extracted; odc stores it with each
		// name, read once.
		th.Typeflag, th.Linkname = tar.TypeLink, linked.names[0]
	}
	if fi, err := x.root.Lstat(name); err == nil && th.Typeflag != tar.TypeDir && !o.uncon && !fi.IsDir() &&
		!fi.ModTime().Before(time.Unix(h.mtime, 0)) {
		return fmt.Errorf("%s %w: newer or same age version exists", h.name, errCpioNotCreated)
	}
	if d := path.Dir(name); !o.makeDirs && d != "." {
		if fi, err := x.root.Stat(d); err != nil || !fi.IsDir() {
			return fmt.Errorf("%s: Cannot open: No such file or directory", h.name)
		}
	}
	if err := x.entry(th, data, false); err != nil {
		return fmt.Errorf("%s: %w", h.name, err)
	}
	if h.mode&syscall.S_IFMT == syscall.S_IFREG && h.nlink > 1 {
		if linked == nil {
			linked = &cpioLinked{}
			links[key] = linked
		}
		if th.Typeflag == tar.TypeReg && h.size > 0 {
			// The data came after names made empty: link them to it now.
			for _, n := range linked.names {
				_ = x.root.Remove(n)
				_ = x.root.Link(name, n)
			}
			linked.hasData = true
		}
		linked.names = append(linked.names, name)
	}
	return nil
}

// cpioLong is GNU cpio's -tv line.
func cpioLong(h *cpioHeader, target string, db *userdb.DB, now time.Time) string {
	ms := lsMode(h.mode)
	var owner string
	if db == nil {
		owner = fmt.Sprintf("%-8d %-8d ", h.uid, h.gid)
	} else {
		u, g := db.UserOrID(int(h.uid)), db.GroupOrID(int(h.gid))
		owner = fmt.Sprintf("%-8.8s %-8.8s ", u, g)
	}
	size := fmt.Sprintf("%8d ", h.size)
	if t := h.mode & syscall.S_IFMT; t == syscall.S_IFCHR || t == syscall.S_IFBLK {
		size = fmt.Sprintf("%3d, %3d ", h.rdev[0], h.rdev[1])
	}
	mt := time.Unix(h.mtime, 0)
	ts := mt.Format("Jan _2 15:04")
	if age := now.Sub(mt); age > 6*30*24*time.Hour || age < 0 {
		ts = mt.Format("Jan _2  2006")
	}
	line := fmt.Sprintf("%s %3d %s%s%s %s", ms, h.nlink, owner, size, ts, h.name)
	if target != "" {
		line += " -> " + target
	}
	return line
}

// lsMode is ls -l's ten-character mode of a raw st_mode.
func lsMode(m uint64) string {
	b := []byte("?rwxrwxrwx")
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		b[0] = '-'
	case syscall.S_IFDIR:
		b[0] = 'd'
	case syscall.S_IFLNK:
		b[0] = 'l'
	case syscall.S_IFCHR:
		b[0] = 'c'
	case syscall.S_IFBLK:
		b[0] = 'b'
	case syscall.S_IFIFO:
		b[0] = 'p'
	case syscall.S_IFSOCK:
		b[0] = 's'
	}
	for i := 0; i < 9; i++ {
		if m&(1<<(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	set := func(bit uint64, pos int, on, off byte) {
		if m&bit != 0 {
			if b[pos] == '-' {
				b[pos] = off
			} else {
				b[pos] = on
			}
		}
	}
	set(syscall.S_ISUID, 3, 's', 'S')
	set(syscall.S_ISGID, 6, 's', 'S')
	set(syscall.S_ISVTX, 9, 't', 'T')
	return string(b)
}
