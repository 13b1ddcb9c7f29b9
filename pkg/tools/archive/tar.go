package archive

import (
	"archive/tar"
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixtz"
)

// Tar is tar: create, list and extract tar archives.
var Tar = tools.Applet{Name: "tar", Summary: "create, list and extract tar archives", Run: runTar}

const tarUsage = `tar -c|-x|-t [-zjvpOk] [--overwrite] [-f FILE|-] [-C DIR] [--exclude PATTERN] [FILE]...
  -c  create   -x  extract   -t  list
  -z  gzip   -j  bzip2, when reading (both detected automatically when reading)
  -k  keep existing files   --overwrite  write into existing files instead of replacing them
  -f FILE  archive (default -, stdin/stdout)   -C DIR  change to DIR first
  -v  verbose  -O  extract to stdout   --exclude PATTERN  skip matching names
Extraction refuses absolute names, '..' and anything reached through a symlink that
leaves the destination.`

type tarOpts struct {
	verbose, gz, toStdout, keepOld bool
	bz2, overwrite                 bool
	file, dir                      string
	excludes                       []string
}

func runTar(ctx context.Context, env *tools.Env, args []string) int {
	fsx := gnuflag.New("tar", tarUsage)
	create := fsx.Bool('c', "create")
	extract := fsx.Bool('x', "extract")
	fsx.BoolFunc(0, "get", func() { *extract = true })
	list := fsx.Bool('t', "list")
	var o tarOpts
	fsx.BoolFunc('z', "gzip", func() { o.gz = true })
	fsx.BoolFunc(0, "gunzip", func() { o.gz = true })
	fsx.BoolFunc('j', "bzip2", func() { o.bz2 = true })
	fsx.BoolFunc(0, "overwrite", func() { o.overwrite = true })
	fsx.BoolFunc('v', "verbose", func() { o.verbose = true })
	fsx.BoolFunc('O', "to-stdout", func() { o.toStdout = true })
	fsx.BoolFunc('k', "keep-old-files", func() { o.keepOld = true })
	fsx.Bool('p', "preserve-permissions")
	fsx.Bool(0, "same-owner")
	fsx.Bool(0, "no-same-owner")
	fsx.Bool(0, "numeric-owner")
	fsx.Bool('o', "")
	fsx.Func('f', "file", func(v string) error { o.file = v; return nil })
	fsx.Func('C', "directory", func(v string) error { o.dir = v; return nil })
	fsx.Func(0, "exclude", func(v string) error { o.excludes = append(o.excludes, v); return nil })
	a := args[1:]
	// Old-style "tar xzf f.tgz": the first word is a bundle of flags without a dash.
	if len(a) > 0 && a[0] != "" && !strings.HasPrefix(a[0], "-") {
		a = append([]string{"-" + a[0]}, a[1:]...)
	}
	ops, rc := fsx.Parse(env, a)
	if rc >= 0 {
		return rc
	}
	n := 0
	for _, b := range []bool{*create, *extract, *list} {
		if b {
			n++
		}
	}
	if n != 1 {
		env.Errorf("tar", "you must specify exactly one of the '-c', '-x', '-t' options\nTry 'tar --help' for more information.")
		return 2
	}
	if o.file == "" {
		o.file = "-"
	}
	if o.dir == "" {
		o.dir = env.Dir
	} else {
		o.dir = env.Abs(o.dir)
	}
	switch {
	case *create:
		if o.bz2 {
			env.Errorf("tar", "-j: bzip2 is read, not written (use -z)")
			return 2
		}
		if len(ops) == 0 {
			env.Errorf("tar", "cowardly refusing to create an empty archive")
			return 2
		}
		return tarCreate(ctx, env, &o, ops)
	case *extract:
		return tarRead(ctx, env, &o, ops, true)
	default:
		return tarRead(ctx, env, &o, ops, false)
	}
}

func excluded(excludes []string, name string) bool {
	name = strings.TrimSuffix(name, "/")
	base := path.Base(name)
	for _, p := range excludes {
		p = strings.TrimSuffix(p, "/")
		if ok, _ := path.Match(p, base); ok {
			return true
		}
		if ok, _ := path.Match(p, name); ok {
			return true
		}
		// A pattern also excludes everything below a matching directory.
		for d := path.Dir(name); d != "." && d != "/"; d = path.Dir(d) {
			if ok, _ := path.Match(p, d); ok {
				return true
			}
			if ok, _ := path.Match(p, path.Base(d)); ok {
				return true
			}
		}
	}
	return false
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func tarCreate(ctx context.Context, env *tools.Env, o *tarOpts, ops []string) int {
	var out io.WriteCloser
	if o.file == "-" {
		out = nopWriteCloser{env.Stdout}
	} else {
		f, err := os.Create(env.Abs(o.file))
		if err != nil {
			env.Errorf("tar", "%s: Cannot open: %s", o.file, tools.Reason(err))
			return 2
		}
		out = f
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	var w io.Writer = bw
	var gz *gzip.Writer
	if o.gz {
		gz = gzip.NewWriter(bw)
		w = gz
	}
	tw := tar.NewWriter(w)
	verbose := env.Stdout
	if o.file == "-" {
		verbose = env.Stderr
	}
	st := 0
	links := map[[2]uint64]string{}
	warned := map[string]bool{} // the leading parts removed from names, each said once
	for _, op := range ops {
		root := op
		if !filepath.IsAbs(root) {
			root = filepath.Join(o.dir, op)
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			// A member below an operand is named OPERAND/SUB, the operand as written (GNU
			// tar: ./a/file, ../d/../e/file), what memberName then strips.
			rel := op
			if p != root {
				rel = strings.TrimSuffix(op, "/") + "/" + strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
			}
			name, prefix := memberName(filepath.ToSlash(rel))
			if prefix != "" && !warned[prefix] {
				env.Errorf("tar", "Removing leading `%s' from member names", prefix)
				warned[prefix] = true
			}
			if err != nil {
				env.Errorf("tar", "%s: Cannot stat: %s", rel, tools.Reason(err))
				st = 2
				return nil
			}
			if excluded(o.excludes, name) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if err := addTarEntry(tw, p, name, links); errors.Is(err, errSocketIgnored) {
				env.Errorf("tar", "%s: socket ignored", rel)
				return nil
			} else if err != nil {
				env.Errorf("tar", "%s: %v", rel, err)
				st = 2
				return nil
			}
			if o.verbose {
				n := name
				if d.IsDir() && !strings.HasSuffix(n, "/") {
					n += "/"
				}
				fmt.Fprintln(verbose, n)
			}
			return nil
		})
		if err != nil {
			env.Errorf("tar", "%v", err)
			st = 2
		}
	}
	if err := tw.Close(); err != nil && st == 0 {
		env.Errorf("tar", "writing archive: %v", err)
		st = 2
	}
	if gz != nil {
		if err := gz.Close(); err != nil && st == 0 {
			env.Errorf("tar", "writing archive: %v", err)
			st = 2
		}
	}
	if err := bw.Flush(); err != nil && st == 0 {
		env.Errorf("tar", "writing archive: %v", err)
		st = 2
	}
	if err := out.Close(); err != nil && st == 0 {
		env.Errorf("tar", "writing archive: %v", err)
		st = 2
	}
	return st
}

// memberName is the name GNU tar stores for a file named name, and the leading part it
// removed: everything up to the last ".." component, then any leading '/' (tar cf x.tar
// ./../d/../e stores "e", which extracts below the directory it is extracted in).
func memberName(name string) (member, prefix string) {
	cut := 0
	for i := 0; i < len(name); {
		j := strings.IndexByte(name[i:], '/')
		end := len(name)
		if j >= 0 {
			end = i + j
		}
		if name[i:end] == ".." {
			cut = end
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	for cut < len(name) && name[cut] == '/' {
		cut++
	}
	member = name[cut:]
	if member == "" {
		member = "."
	}
	return member, name[:cut]
}

// errSocketIgnored: a socket has no place in an archive; GNU tar says so and goes on.
var errSocketIgnored = errors.New("socket ignored")

// addTarEntry writes the header of p, and its contents when it is a regular file: a FIFO
// or device becomes a header alone, never opened, and the regular file opened must still
// be the one stat saw (a FIFO swapped in behind the walk is refused without blocking).
func addTarEntry(tw headerWriter, p, name string, links map[[2]uint64]string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("Cannot stat: %s", tools.Reason(err))
	}
	if fi.Mode()&fs.ModeSocket != 0 {
		return errSocketIgnored
	}
	target := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, err = os.Readlink(p); err != nil {
			return fmt.Errorf("Cannot readlink: %s", tools.Reason(err))
		}
	}
	hdr, err := tar.FileInfoHeader(fi, target)
	if err != nil {
		return err
	}
	hdr.Name = name
	if fi.IsDir() && !strings.HasSuffix(hdr.Name, "/") {
		hdr.Name += "/"
	}
	hdr.Format = tar.FormatGNU
	if len(name) > 100 || len(target) > 100 {
		hdr.Format = tar.FormatUnknown
	}
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	// Any name of a file with more than one (a symlink, a FIFO, a device too) after the
	// first is a hard link to that first, as GNU tar stores them.
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok && !fi.IsDir() && sys.Nlink > 1 {
		key := [2]uint64{uint64(sys.Dev), sys.Ino}
		if first, ok := links[key]; ok {
			hdr.Typeflag = tar.TypeLink
			hdr.Linkname = first
			hdr.Size = 0
			return tw.WriteHeader(hdr)
		}
		links[key] = name
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := tools.OpenRegular(p, fi)
	if err != nil {
		return fmt.Errorf("Cannot open: %s", tools.Reason(err))
	}
	defer f.Close()
	if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
		return fmt.Errorf("Read error: %v", err)
	}
	return nil
}

// openArchive opens the archive for reading, undoing gzip when asked or detected.
func openArchive(env *tools.Env, o *tarOpts) (io.Reader, func(), error) {
	// A directory opens, and fails when read, as GNU's.
	in, closer, err := tools.OpenOperand(env, o.file)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: Cannot open: %s", o.file, tools.Reason(err))
	}
	br := bufio.NewReaderSize(in, 64<<10)
	magic, _ := br.Peek(3)
	if o.bz2 || string(magic) == "BZh" {
		return bzip2.NewReader(br), closer, nil
	}
	if o.gz || (len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closer()
			return nil, nil, fmt.Errorf("reading gzip stream: %v", err)
		}
		return zr, closer, nil
	}
	return br, closer, nil
}

func tarRead(ctx context.Context, env *tools.Env, o *tarOpts, ops []string, extract bool) int {
	in, closer, err := openArchive(env, o)
	if err != nil {
		env.Errorf("tar", "%v", err)
		return 2
	}
	defer closer()
	var x *extractor
	if extract && !o.toStdout {
		root, err := os.OpenRoot(o.dir)
		if err != nil {
			env.Errorf("tar", "%s: Cannot open: %s", o.dir, tools.Reason(err))
			return 2
		}
		defer root.Close()
		x = &extractor{root: root, chown: os.Geteuid() == 0, overwrite: o.overwrite}
	}
	counted := &countingReader{r: in}
	tr := tar.NewReader(counted)
	st := 0
	matched := make([]bool, len(ops))
	list := newLister(env)
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			env.Errorf("tar", "%v", err)
			return 2
		}
		hdr, err := tr.Next()
		if err == io.EOF && first && counted.n == 0 {
			// An empty input is no archive (GNU tar); two zero blocks are an empty one.
			env.Errorf("tar", "This does not look like a tar archive\ntar: Exiting with failure status due to previous errors")
			return 2
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			env.Errorf("tar", "reading archive: %v", err)
			return 2
		}
		if excluded(o.excludes, hdr.Name) || !selected(ops, matched, hdr.Name) {
			continue
		}
		switch {
		case !extract:
			if o.verbose {
				fmt.Fprintln(env.Stdout, list.line(hdr))
			} else {
				fmt.Fprintln(env.Stdout, hdr.Name)
			}
		case o.toStdout:
			if hdr.Typeflag == tar.TypeReg {
				if _, err := io.Copy(env.Stdout, tr); err != nil {
					env.Errorf("tar", "%s: %v", hdr.Name, err)
					st = 2
				}
			}
		default:
			if o.verbose {
				fmt.Fprintln(env.Stdout, hdr.Name)
			}
			if err := x.entry(hdr, tr, o.keepOld); err != nil {
				env.Errorf("tar", "%s: %v", hdr.Name, err)
				st = 2
			}
		}
	}
	if x != nil {
		x.finish()
	}
	for i, ok := range matched {
		if !ok {
			env.Errorf("tar", "%s: Not found in archive", ops[i])
			st = 2
		}
	}
	if st != 0 {
		env.Errorf("tar", "Exiting with failure status due to previous errors")
	}
	return st
}

func selected(ops []string, matched []bool, name string) bool {
	if len(ops) == 0 {
		return true
	}
	name = strings.TrimSuffix(name, "/")
	for i, op := range ops {
		op = strings.TrimSuffix(op, "/")
		if name == op || strings.HasPrefix(name, op+"/") {
			matched[i] = true
			return true
		}
	}
	return false
}

// lister prints tar -tv lines as GNU tar does: times in the zone TZ names, and the owner
// and size column at least 19 wide, widening for good once a line needs more.
type lister struct {
	loc   *time.Location
	width int
}

func newLister(env *tools.Env) *lister {
	tz, set := env.LookupEnv("TZ")
	return &lister{loc: posixtz.ForTZ(tz, set), width: 19}
}

func (l *lister) line(h *tar.Header) string {
	mode := fs.FileMode(h.Mode).Perm()
	var t byte = '-'
	switch h.Typeflag {
	case tar.TypeDir:
		t = 'd'
	case tar.TypeSymlink:
		t = 'l'
	case tar.TypeChar:
		t = 'c'
	case tar.TypeBlock:
		t = 'b'
	case tar.TypeFifo:
		t = 'p'
	case tar.TypeLink:
		t = 'h'
	}
	ms := []byte(mode.String())
	ms[0] = t
	owner := h.Uname
	if owner == "" {
		owner = fmt.Sprint(h.Uid)
	}
	group := h.Gname
	if group == "" {
		group = fmt.Sprint(h.Gid)
	}
	og := owner + "/" + group
	size := fmt.Sprint(h.Size)
	if h.Typeflag == tar.TypeChar || h.Typeflag == tar.TypeBlock {
		size = fmt.Sprintf("%d,%d", h.Devmajor, h.Devminor)
	}
	if n := len(og) + 1 + len(size); n > l.width {
		l.width = n
	}
	line := fmt.Sprintf("%s %s %*s %s %s", ms, og, l.width-len(og)-1, size, h.ModTime.In(l.loc).Format("2006-01-02 15:04"), h.Name)
	switch h.Typeflag {
	case tar.TypeSymlink:
		line += " -> " + h.Linkname
	case tar.TypeLink:
		line += " link to " + h.Linkname
	}
	return line
}

// extractor writes entries below root. Every file operation goes through os.Root, which
// refuses any path (or symlink met on the way) that leaves the directory; names that are
// absolute or contain ".." are refused before that.
type extractor struct {
	root  *os.Root
	chown bool
	dirs  []*tar.Header
	// overwrite (--overwrite): an existing regular file is written into, not replaced, so
	// that its other hard links see the new content (GNU tar).
	overwrite bool
}

// ErrUnsafePath is returned for archive entries that would land outside the destination.
var ErrUnsafePath = errors.New("refusing to extract: path leaves the destination directory")

func cleanName(name string) (string, error) {
	if name == "" {
		return "", ErrUnsafePath
	}
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("%w (absolute name)", ErrUnsafePath)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", fmt.Errorf("%w (contains '..')", ErrUnsafePath)
		}
	}
	c := path.Clean(name)
	if c == "." {
		return ".", nil
	}
	return c, nil
}

func (x *extractor) entry(h *tar.Header, r io.Reader, keepOld bool) error {
	name, err := cleanName(h.Name)
	if err != nil {
		return err
	}
	if d := path.Dir(name); d != "." {
		if err := x.root.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("Cannot mkdir: %w", rootErr(err))
		}
	}
	mode := fs.FileMode(h.Mode).Perm()
	if h.Mode&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if h.Mode&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if h.Mode&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	if h.Typeflag == tar.TypeLink {
		// A file archived twice comes back as a hard link to itself: it is there already.
		if old, err := cleanName(h.Linkname); err == nil && old == name {
			return nil
		}
	}
	inPlace := false
	if h.Typeflag != tar.TypeDir && name != "." {
		if fi, err := x.root.Lstat(name); err == nil {
			if keepOld {
				return fmt.Errorf("Cannot open: File exists")
			}
			inPlace = x.overwrite && fi.Mode().IsRegular() && (h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeRegA)
			if !inPlace && !fi.IsDir() {
				if err := x.root.Remove(name); err != nil {
					return fmt.Errorf("Cannot unlink: %w", rootErr(err))
				}
			}
		}
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if err := x.root.Mkdir(name, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("Cannot mkdir: %w", rootErr(err))
		}
		if fi, err := x.root.Lstat(name); err != nil || !fi.IsDir() {
			return fmt.Errorf("Cannot mkdir: not a directory")
		}
		hc := *h
		hc.Name = name
		x.dirs = append(x.dirs, &hc)
		return nil
	case tar.TypeReg, tar.TypeRegA:
		flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if inPlace {
			flags = os.O_WRONLY | os.O_TRUNC
		}
		f, err := x.root.OpenFile(name, flags, 0o600)
		if err != nil {
			return fmt.Errorf("Cannot open: %w", rootErr(err))
		}
		_, cerr := io.Copy(f, r)
		if err := f.Close(); cerr == nil {
			cerr = err
		}
		if cerr != nil {
			return fmt.Errorf("Cannot write: %w", cerr)
		}
	case tar.TypeSymlink:
		if err := x.root.Symlink(h.Linkname, name); err != nil {
			return fmt.Errorf("Cannot create symlink to '%s': %w", h.Linkname, rootErr(err))
		}
		x.owner(name, h, true)
		return nil
	case tar.TypeLink:
		old, err := cleanName(h.Linkname)
		if err != nil {
			return fmt.Errorf("hard link target: %w", err)
		}
		if err := x.root.Link(old, name); err != nil {
			return fmt.Errorf("Cannot hard link to '%s': %w", h.Linkname, rootErr(err))
		}
		return nil
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		if err := x.mknod(name, h); err != nil {
			return fmt.Errorf("Cannot mknod: %w", rootErr(err))
		}
	case tar.TypeXGlobalHeader:
		return nil
	default:
		return fmt.Errorf("unsupported entry type %q", h.Typeflag)
	}
	x.owner(name, h, false)
	if err := x.root.Chmod(name, mode); err != nil {
		return fmt.Errorf("Cannot change mode: %w", rootErr(err))
	}
	if err := x.root.Chtimes(name, h.ModTime, h.ModTime); err != nil {
		return fmt.Errorf("Cannot utime: %w", rootErr(err))
	}
	return nil
}

func (x *extractor) owner(name string, h *tar.Header, link bool) {
	if !x.chown {
		return
	}
	if link {
		_ = x.root.Lchown(name, h.Uid, h.Gid)
		return
	}
	_ = x.root.Chown(name, h.Uid, h.Gid)
}

// mknod creates a device or fifo: os.Root has no Mknod, so the parent is opened through
// the root (checked) and the node made with mknodat relative to it.
func (x *extractor) mknod(name string, h *tar.Header) error {
	dir, err := x.root.Open(path.Dir(name))
	if err != nil {
		return err
	}
	defer dir.Close()
	mode := uint32(h.Mode & 0o7777)
	switch h.Typeflag {
	case tar.TypeChar:
		mode |= syscall.S_IFCHR
	case tar.TypeBlock:
		mode |= syscall.S_IFBLK
	default:
		mode |= syscall.S_IFIFO
	}
	return mknodat(int(dir.Fd()), path.Base(name), mode, h.Devmajor, h.Devminor)
}

// finish sets directory modes and times once their contents are written, deepest first.
func (x *extractor) finish() {
	for i := len(x.dirs) - 1; i >= 0; i-- {
		h := x.dirs[i]
		x.owner(h.Name, h, false)
		_ = x.root.Chmod(h.Name, fs.FileMode(h.Mode).Perm())
		_ = x.root.Chtimes(h.Name, h.ModTime, h.ModTime)
	}
}

// rootErr turns os.Root's escape error into the package's sentinel.
func rootErr(err error) error {
	if err != nil && strings.Contains(err.Error(), "path escapes from parent") {
		return fmt.Errorf("%w (through a symlink)", ErrUnsafePath)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errors.New(tools.Reason(pe.Err))
	}
	return err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
