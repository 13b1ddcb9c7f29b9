package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Cp is cp: copy files and directories.
var Cp = tools.Applet{Name: "cp", Summary: "copy files and directories", Run: runCp}

// Mv is mv: move or rename files.
var Mv = tools.Applet{Name: "mv", Summary: "move or rename files", Run: runMv}

// Rm is rm: remove files or directories.
var Rm = tools.Applet{Name: "rm", Summary: "remove files or directories", Run: runRm}

// Mkdir is mkdir: make directories.
var Mkdir = tools.Applet{Name: "mkdir", Summary: "make directories", Run: runMkdir}

// Rmdir is rmdir: remove empty directories.
var Rmdir = tools.Applet{Name: "rmdir", Summary: "remove empty directories", Run: runRmdir}

// Touch is touch: change file timestamps, creating files.
var Touch = tools.Applet{Name: "touch", Summary: "change file timestamps, creating files", Run: runTouch}

// Chmod is chmod: change file modes.
var Chmod = tools.Applet{Name: "chmod", Summary: "change file modes", Run: runChmod}

// Chown is chown: change file owner and group.
var Chown = tools.Applet{Name: "chown", Summary: "change file owner and group", Run: runChown}

// Ln is ln: make links between files.
var Ln = tools.Applet{Name: "ln", Summary: "make links between files", Run: runLn}

// Readlink is readlink: print the target of a symbolic link.
var Readlink = tools.Applet{Name: "readlink", Summary: "print the target of a symbolic link", Run: runReadlink}

// Realpath is realpath: print the resolved absolute path.
var Realpath = tools.Applet{Name: "realpath", Summary: "print the resolved absolute path", Run: runRealpath}

// Basename is basename: strip directory and suffix from a name.
var Basename = tools.Applet{Name: "basename", Summary: "strip directory and suffix from a name", Run: runBasename}

// Dirname is dirname: strip the last component from a name.
var Dirname = tools.Applet{Name: "dirname", Summary: "strip the last component from a name", Run: runDirname}

// Tee is tee: copy stdin to stdout and files.
var Tee = tools.Applet{Name: "tee", Summary: "copy stdin to stdout and files", Run: runTee}

type copier struct {
	env                        *tools.Env
	recursive, preserve, force bool
	noDeref, verbose           bool
	noClobber                  bool
}

// copyPath copies src to dst (both absolute); name is src as the user gave it.
func (c *copier) copyPath(ctx context.Context, src, dst, name string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var fi fs.FileInfo
	var err error
	if c.noDeref {
		fi, err = os.Lstat(src)
	} else {
		fi, err = os.Stat(src)
	}
	if err != nil {
		return fmt.Errorf("cannot stat '%s': %s", name, tools.Reason(err))
	}
	if dfi, err := os.Stat(dst); err == nil && os.SameFile(fi, dfi) {
		return fmt.Errorf("'%s' and '%s' are the same file", name, dst)
	}
	if c.verbose {
		fmt.Fprintf(c.env.Stdout, "'%s' -> '%s'\n", name, dst)
	}
	switch {
	case fi.IsDir():
		if !c.recursive {
			return fmt.Errorf("-r not specified; omitting directory '%s'", name)
		}
		if err := os.Mkdir(dst, fi.Mode().Perm()|0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cannot create directory '%s': %s", dst, tools.Reason(err))
		}
		ents, err := os.ReadDir(src)
		if err != nil {
			return fmt.Errorf("cannot access '%s': %s", name, tools.Reason(err))
		}
		var first error
		for _, e := range ents {
			if err := c.copyPath(ctx, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), filepath.Join(name, e.Name())); err != nil {
				c.env.Errorf("cp", "%v", err)
				first = errSilent
			}
		}
		if err := os.Chmod(dst, goMode(unixMode(fi.Mode()))); err != nil && first == nil {
			first = err
		}
		c.attrs(dst, fi, false)
		return first
	case fi.Mode()&fs.ModeSymlink != 0:
		t, err := os.Readlink(src)
		if err != nil {
			return fmt.Errorf("cannot read symbolic link '%s': %s", name, tools.Reason(err))
		}
		if _, err := os.Lstat(dst); err == nil {
			os.Remove(dst)
		}
		if err := os.Symlink(t, dst); err != nil {
			return fmt.Errorf("cannot create symbolic link '%s': %s", dst, tools.Reason(err))
		}
		c.attrs(dst, fi, true)
		return nil
	case fi.Mode().IsRegular():
		return c.copyFile(src, dst, name, fi)
	default:
		if !c.recursive {
			return c.copyFile(src, dst, name, fi)
		}
		st := sysStat(fi)
		if err := syscall.Mknod(dst, uint32(st.Mode), int(st.Rdev)); err != nil {
			return fmt.Errorf("cannot create special file '%s': %s", dst, tools.Reason(err))
		}
		c.attrs(dst, fi, false)
		return nil
	}
}

var errSilent = errors.New("already reported")

func (c *copier) copyFile(src, dst, name string, fi fs.FileInfo) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("cannot open '%s' for reading: %s", name, tools.Reason(err))
	}
	defer in.Close()
	if c.noClobber {
		if _, err := os.Lstat(dst); err == nil {
			return nil
		}
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil && c.force {
		os.Remove(dst)
		out, err = os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	}
	if err != nil {
		return fmt.Errorf("cannot create regular file '%s': %s", dst, tools.Reason(err))
	}
	_, err = io.Copy(out, in) // uses copy_file_range where possible
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("error copying '%s' to '%s': %s", name, dst, tools.Reason(err))
	}
	c.attrs(dst, fi, false)
	return nil
}

// attrs copies mode, owner and times with -p/-a.
func (c *copier) attrs(dst string, fi fs.FileInfo, link bool) {
	if !c.preserve {
		return
	}
	st := sysStat(fi)
	if link {
		_ = os.Lchown(dst, int(st.Uid), int(st.Gid))
		return
	}
	_ = os.Chown(dst, int(st.Uid), int(st.Gid))
	_ = os.Chmod(dst, goMode(unixMode(fi.Mode())))
	_ = os.Chtimes(dst, tsTime(atim(st)), fi.ModTime())
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func runCp(ctx context.Context, env *tools.Env, args []string) int {
	c := &copier{env: env}
	fset := gnuflag.New("cp", `cp [-rRapfnvPLd] [-T] SOURCE... DEST
  -r/-R recursive  -a archive (-rpP)  -p keep mode, owner, times  -f force
  -n no clobber  -P/-d copy symlinks as links  -L follow links  -v verbose  -T DEST is not a dir`)
	fset.BoolFunc('r', "recursive", func() { c.recursive = true })
	fset.BoolFunc('R', "", func() { c.recursive = true })
	fset.BoolFunc('a', "archive", func() { c.recursive, c.preserve, c.noDeref = true, true, true })
	fset.BoolFunc('p', "", func() { c.preserve = true })
	fset.BoolFunc(0, "preserve", func() { c.preserve = true })
	fset.BoolFunc('f', "force", func() { c.force = true })
	fset.BoolFunc('n', "no-clobber", func() { c.noClobber = true })
	fset.BoolFunc('P', "no-dereference", func() { c.noDeref = true })
	fset.BoolFunc('d', "", func() { c.noDeref = true })
	fset.BoolFunc('L', "dereference", func() { c.noDeref = false })
	fset.BoolFunc('v', "verbose", func() { c.verbose = true })
	noTarget := fset.Bool('T', "no-target-directory")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if c.recursive && !c.noDeref {
		// GNU cp -r copies symlinks found inside the tree as links.
		c.noDeref = true
	}
	return twoOperand(env, "cp", ops, *noTarget, func(src, dst, name string) error {
		return c.copyPath(ctx, src, dst, name)
	})
}

// twoOperand runs op for SOURCE DEST or SOURCE... DIR, as cp, mv and ln take them.
func twoOperand(env *tools.Env, name string, ops []string, noTarget bool, op func(src, dst, name string) error) int {
	if len(ops) == 0 {
		env.Errorf(name, "missing file operand\nTry '%s --help' for more information.", name)
		return 2
	}
	if len(ops) == 1 {
		env.Errorf(name, "missing destination file operand after '%s'\nTry '%s --help' for more information.", ops[0], name)
		return 2
	}
	dest := env.Abs(ops[len(ops)-1])
	srcs := ops[:len(ops)-1]
	toDir := !noTarget && isDir(dest)
	if len(srcs) > 1 && !toDir {
		env.Errorf(name, "target '%s' is not a directory", ops[len(ops)-1])
		return 1
	}
	st := 0
	for _, s := range srcs {
		d := dest
		if toDir {
			d = filepath.Join(dest, filepath.Base(strings.TrimRight(s, "/")))
		}
		if err := op(env.Abs(s), d, s); err != nil {
			if err != errSilent {
				env.Errorf(name, "%v", err)
			}
			st = 1
		}
	}
	return st
}

func runMv(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mv", "mv [-fnvT] SOURCE... DEST")
	fset.Bool('f', "force")
	fset.Bool('i', "interactive")
	noClobber := fset.Bool('n', "no-clobber")
	verbose := fset.Bool('v', "verbose")
	noTarget := fset.Bool('T', "no-target-directory")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	return twoOperand(env, "mv", ops, *noTarget, func(src, dst, name string) error {
		if *noClobber {
			if _, err := os.Lstat(dst); err == nil {
				return nil
			}
		}
		if _, err := os.Lstat(src); err != nil {
			return fmt.Errorf("cannot stat '%s': %s", name, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "renamed '%s' -> '%s'\n", name, dst)
		}
		err := os.Rename(src, dst)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EXDEV) {
			return fmt.Errorf("cannot move '%s' to '%s': %s", name, dst, tools.Reason(err))
		}
		// Across file systems: copy everything, then remove the source.
		c := &copier{env: env, recursive: true, preserve: true, noDeref: true, force: true}
		if err := c.copyPath(ctx, src, dst, name); err != nil {
			return err
		}
		if err := os.RemoveAll(src); err != nil {
			return fmt.Errorf("cannot remove '%s': %s", name, tools.Reason(err))
		}
		return nil
	})
}

func runRm(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("rm", "rm [-rRfdv] FILE...")
	recursive := fset.Bool('r', "recursive")
	fset.BoolFunc('R', "", func() { *recursive = true })
	force := fset.Bool('f', "force")
	dirs := fset.Bool('d', "dir")
	verbose := fset.Bool('v', "verbose")
	fset.Bool('i', "")
	fset.Bool(0, "one-file-system")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 && !*force {
		env.Errorf("rm", "missing operand\nTry 'rm --help' for more information.")
		return 2
	}
	st := 0
	for _, op := range ops {
		if ctx.Err() != nil {
			return 1
		}
		base := filepath.Base(strings.TrimRight(op, "/"))
		if base == "." || base == ".." {
			env.Errorf("rm", "refusing to remove '.' or '..' directory: skipping '%s'", op)
			st = 1
			continue
		}
		p := env.Abs(op)
		if filepath.Clean(p) == "/" {
			env.Errorf("rm", "it is dangerous to operate recursively on '/'")
			st = 1
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil {
			if !*force {
				env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
				st = 1
			}
			continue
		}
		if fi.IsDir() && !*recursive {
			if *dirs {
				if err := os.Remove(p); err != nil {
					env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
					st = 1
				}
				continue
			}
			env.Errorf("rm", "cannot remove '%s': Is a directory", op)
			st = 1
			continue
		}
		if fi.IsDir() {
			if err := os.RemoveAll(p); err != nil {
				env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
				st = 1
			}
		} else if err := os.Remove(p); err != nil {
			env.Errorf("rm", "cannot remove '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "removed '%s'\n", op)
		}
	}
	return st
}

func runMkdir(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mkdir", "mkdir [-pv] [-m MODE] DIR...")
	parents := fset.Bool('p', "parents")
	verbose := fset.Bool('v', "verbose")
	modeArg, modeSet := fset.StringSet('m', "mode", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("mkdir", "missing operand\nTry 'mkdir --help' for more information.")
		return 2
	}
	var mode uint32 = 0o777
	if *modeSet {
		m, err := parseMode(*modeArg, 0o777, true)
		if err != nil {
			env.Errorf("mkdir", "%v", err)
			return 1
		}
		mode = m
	}
	st := 0
	for _, op := range ops {
		p := env.Abs(op)
		var err error
		if *parents {
			err = os.MkdirAll(p, 0o777)
		} else {
			err = os.Mkdir(p, 0o777)
		}
		if err != nil {
			env.Errorf("mkdir", "cannot create directory '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if *modeSet {
			if err := os.Chmod(p, goMode(mode)); err != nil {
				env.Errorf("mkdir", "cannot set permissions of '%s': %s", op, tools.Reason(err))
				st = 1
			}
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "mkdir: created directory '%s'\n", op)
		}
	}
	return st
}

func runRmdir(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("rmdir", "rmdir [-p] DIR...")
	parents := fset.Bool('p', "parents")
	fset.Bool(0, "ignore-fail-on-non-empty")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := 0
	for _, op := range ops {
		d := strings.TrimRight(op, "/")
		for {
			if err := os.Remove(env.Abs(d)); err != nil {
				env.Errorf("rmdir", "failed to remove '%s': %s", d, tools.Reason(err))
				st = 1
				break
			}
			if !*parents {
				break
			}
			d = filepath.Dir(d)
			if d == "." || d == "/" {
				break
			}
		}
	}
	return st
}

func runTouch(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("touch", `touch [-acm] [-d DATE] [-r FILE] FILE...
  -c do not create  -d DATE use DATE (RFC 3339, "2006-01-02 15:04:05", @EPOCH)  -r FILE use its time`)
	noCreate := fset.Bool('c', "no-create")
	fset.Bool('a', "")
	fset.Bool('m', "")
	date := fset.String('d', "date", "")
	ref := fset.String('r', "reference", "")
	stamp := fset.String('t', "", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("touch", "missing file operand")
		return 2
	}
	t := time.Now()
	switch {
	case *ref != "":
		fi, err := os.Stat(env.Abs(*ref))
		if err != nil {
			env.Errorf("touch", "failed to get attributes of '%s': %s", *ref, tools.Reason(err))
			return 1
		}
		t = fi.ModTime()
	case *date != "":
		var err error
		if t, err = parseDate(*date); err != nil {
			env.Errorf("touch", "invalid date format '%s'", *date)
			return 1
		}
	case *stamp != "":
		var err error
		if t, err = time.ParseInLocation("200601021504.05", *stamp, time.Local); err != nil {
			if t, err = time.ParseInLocation("200601021504", *stamp, time.Local); err != nil {
				env.Errorf("touch", "invalid date format '%s'", *stamp)
				return 1
			}
		}
	}
	st := 0
	for _, op := range ops {
		p := env.Abs(op)
		if _, err := os.Stat(p); err != nil {
			if *noCreate {
				continue
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o666)
			if err != nil {
				env.Errorf("touch", "cannot touch '%s': %s", op, tools.Reason(err))
				st = 1
				continue
			}
			f.Close()
		}
		if err := os.Chtimes(p, t, t); err != nil {
			env.Errorf("touch", "setting times of '%s': %s", op, tools.Reason(err))
			st = 1
		}
	}
	return st
}

func parseDate(s string) (time.Time, error) {
	if strings.HasPrefix(s, "@") {
		n, err := strconv.ParseInt(s[1:], 10, 64)
		return time.Unix(n, 0), err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// walkOps calls fn for each operand and, with recursive, everything below it.
func walkOps(ctx context.Context, env *tools.Env, name string, ops []string, recursive bool, fn func(p, shown string) error) int {
	st := 0
	for _, op := range ops {
		p := env.Abs(op)
		if !recursive {
			if err := fn(p, op); err != nil {
				env.Errorf(name, "%v", err)
				st = 1
			}
			continue
		}
		err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			shown := op + strings.TrimPrefix(q, p)
			if err != nil {
				env.Errorf(name, "cannot access '%s': %s", shown, tools.Reason(err))
				st = 1
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 && q != p {
				return nil
			}
			if err := fn(q, shown); err != nil {
				env.Errorf(name, "%v", err)
				st = 1
			}
			return nil
		})
		if err != nil {
			st = 1
		}
	}
	return st
}

func runChmod(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("chmod", "chmod [-Rv] MODE FILE...   (MODE: 755, u+x, go-w, a=rX, ...)")
	recursive := fset.Bool('R', "recursive")
	verbose := fset.Bool('v', "verbose")
	fset.Bool('f', "silent")
	// A mode such as -w or -x looks like an option: take it out first.
	var mode string
	rest := []string{}
	for _, a := range args[1:] {
		if mode == "" && len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "rwxXst") == "" && strings.ContainsAny(a[1:], "wxXst") {
			mode = a
			continue
		}
		rest = append(rest, a)
	}
	ops, rc := fset.Parse(env, rest)
	if rc >= 0 {
		return rc
	}
	if mode == "" {
		if len(ops) == 0 {
			env.Errorf("chmod", "missing operand")
			return 2
		}
		mode, ops = ops[0], ops[1:]
	}
	if len(ops) == 0 {
		env.Errorf("chmod", "missing operand after '%s'", mode)
		return 2
	}
	if _, err := parseMode(mode, 0, false); err != nil {
		env.Errorf("chmod", "%v", err)
		return 1
	}
	return walkOps(ctx, env, "chmod", ops, *recursive, func(p, shown string) error {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("cannot access '%s': %s", shown, tools.Reason(err))
		}
		m, _ := parseMode(mode, unixMode(fi.Mode()), fi.IsDir())
		if err := os.Chmod(p, goMode(m)); err != nil {
			return fmt.Errorf("changing permissions of '%s': %s", shown, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "mode of '%s' changed to %04o (%s)\n", shown, m, modeString(goMode(m))[1:])
		}
		return nil
	})
}

func runChown(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("chown", "chown [-Rhv] USER[:GROUP] FILE...   (names from /etc/passwd and /etc/group of the root)")
	recursive := fset.Bool('R', "recursive")
	noDeref := fset.Bool('h', "no-dereference")
	verbose := fset.Bool('v', "verbose")
	fset.Bool('f', "silent")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) < 2 {
		env.Errorf("chown", "missing operand")
		return 2
	}
	spec := ops[0]
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if !hasGroup {
		userPart, groupPart, hasGroup = strings.Cut(spec, ".")
		if !hasGroup {
			userPart, groupPart = spec, ""
		}
	}
	db := userdb.Load("/")
	uid, gid := -1, -1
	if userPart != "" {
		u, ok := db.LookupUser(userPart)
		if !ok {
			env.Errorf("chown", "invalid user: '%s'", spec)
			return 1
		}
		uid = u.UID
		if hasGroup && groupPart == "" && u.GID >= 0 {
			gid = u.GID
		}
	}
	if groupPart != "" {
		g, ok := lookupGroup(db, groupPart)
		if !ok {
			env.Errorf("chown", "invalid group: '%s'", spec)
			return 1
		}
		gid = g
	}
	return walkOps(ctx, env, "chown", ops[1:], *recursive, func(p, shown string) error {
		var err error
		if *noDeref {
			err = os.Lchown(p, uid, gid)
		} else {
			err = os.Chown(p, uid, gid)
		}
		if err != nil {
			return fmt.Errorf("changing ownership of '%s': %s", shown, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "ownership of '%s' retained as %s\n", shown, spec)
		}
		return nil
	})
}

func runLn(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("ln", "ln [-sfnvT] TARGET... LINK_NAME|DIR")
	symbolic := fset.Bool('s', "symbolic")
	force := fset.Bool('f', "force")
	noDeref := fset.Bool('n', "no-dereference")
	verbose := fset.Bool('v', "verbose")
	noTarget := fset.Bool('T', "no-target-directory")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 1 {
		ops = append(ops, filepath.Base(ops[0]))
	}
	if *noDeref && len(ops) == 2 {
		if fi, err := os.Lstat(env.Abs(ops[1])); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			*noTarget = true
		}
	}
	// ln's targets are kept as written (a symlink's text), so use ops directly.
	i := 0
	return twoOperand(env, "ln", ops, *noTarget, func(_, dst, _ string) error {
		target := ops[i]
		i++
		if *force {
			if fi, err := os.Lstat(dst); err == nil && !fi.IsDir() {
				os.Remove(dst)
			}
		}
		var err error
		if *symbolic {
			err = os.Symlink(target, dst)
		} else {
			err = os.Link(env.Abs(target), dst)
		}
		if err != nil {
			kind := "hard link"
			if *symbolic {
				kind = "symbolic link"
			}
			return fmt.Errorf("failed to create %s '%s': %s", kind, dst, tools.Reason(err))
		}
		if *verbose {
			fmt.Fprintf(env.Stdout, "'%s' -> '%s'\n", dst, target)
		}
		return nil
	})
}

// resolve returns the canonical path of p, following every symlink. With missingOK the
// last component may be missing (readlink -f); all components may with allMissing (-m).
func resolve(p string, missingOK bool) (string, error) {
	p = filepath.Clean(p)
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := "/"
	links := 0
	for i := 0; i < len(parts); i++ {
		part := parts[i]
		if part == "" || part == "." {
			continue
		}
		if part == ".." {
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, part)
		fi, err := os.Lstat(next)
		if err != nil {
			if missingOK && i == len(parts)-1 && errors.Is(err, fs.ErrNotExist) {
				return next, nil
			}
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		links++
		if links > 40 {
			return "", syscall.ELOOP
		}
		t, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(t) {
			cur = "/"
		}
		rest := append(strings.Split(strings.TrimPrefix(filepath.Clean(t), "/"), "/"), parts[i+1:]...)
		parts, i = rest, -1
	}
	return cur, nil
}

func runReadlink(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("readlink", "readlink [-fenq] FILE...")
	canon := fset.Bool('f', "canonicalize")
	existing := fset.Bool('e', "canonicalize-existing")
	fset.BoolFunc('m', "canonicalize-missing", func() { *canon = true })
	noNewline := fset.Bool('n', "no-newline")
	fset.Bool('q', "quiet")
	fset.Bool('s', "silent")
	verbose := fset.Bool('v', "verbose")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := 0
	for _, op := range ops {
		var out string
		var err error
		if *canon || *existing {
			out, err = resolve(env.Abs(op), !*existing)
		} else {
			out, err = os.Readlink(env.Abs(op))
		}
		if err != nil {
			if *verbose {
				env.Errorf("readlink", "%s: %s", op, tools.Reason(err))
			}
			st = 1
			continue
		}
		fmt.Fprint(env.Stdout, out)
		if !*noNewline || len(ops) > 1 {
			fmt.Fprintln(env.Stdout)
		}
	}
	return st
}

func runRealpath(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("realpath", "realpath [-em] FILE...")
	existing := fset.Bool('e', "canonicalize-existing")
	fset.Bool('m', "canonicalize-missing")
	fset.Bool('s', "strip")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := 0
	for _, op := range ops {
		out, err := resolve(env.Abs(op), !*existing)
		if err != nil {
			env.Errorf("realpath", "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		fmt.Fprintln(env.Stdout, out)
	}
	return st
}

func runBasename(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("basename", "basename NAME [SUFFIX] | basename -a [-s SUFFIX] NAME...")
	multi := fset.Bool('a', "multiple")
	suffix, hasSuffix := fset.StringSet('s', "suffix", "")
	zero := fset.Bool('z', "zero")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("basename", "missing operand")
		return 2
	}
	if *hasSuffix {
		*multi = true
	}
	if !*multi {
		if len(ops) > 2 {
			env.Errorf("basename", "extra operand '%s'", ops[2])
			return 2
		}
		if len(ops) == 2 {
			*suffix = ops[1]
		}
		ops = ops[:1]
	}
	end := "\n"
	if *zero {
		end = "\x00"
	}
	for _, op := range ops {
		b := op
		if t := strings.TrimRight(b, "/"); t != "" {
			b = filepath.Base(t)
		} else if b != "" {
			b = "/"
		}
		if *suffix != "" && b != *suffix && strings.HasSuffix(b, *suffix) {
			b = strings.TrimSuffix(b, *suffix)
		}
		fmt.Fprint(env.Stdout, b+end)
	}
	return 0
}

func runDirname(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("dirname", "dirname NAME...")
	zero := fset.Bool('z', "zero")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("dirname", "missing operand")
		return 2
	}
	end := "\n"
	if *zero {
		end = "\x00"
	}
	for _, op := range ops {
		d := strings.TrimRight(op, "/")
		switch {
		case d == "" && op != "":
			d = "/"
		case !strings.Contains(d, "/"):
			d = "."
		default:
			d = strings.TrimRight(d[:strings.LastIndexByte(d, '/')], "/")
			if d == "" {
				d = "/"
			}
		}
		fmt.Fprint(env.Stdout, d+end)
	}
	return 0
}

func runTee(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("tee", "tee [-ai] [FILE]...")
	appendTo := fset.Bool('a', "append")
	fset.Bool('i', "ignore-interrupts")
	fset.Bool('p', "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if *appendTo {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	tw := &teeWriter{env: env, outs: []teeOut{{"'standard output'", env.Stdout}}}
	for _, op := range ops {
		f, err := os.OpenFile(env.Abs(op), flag, 0o666)
		if err != nil {
			env.Errorf("tee", "%s: %s", op, tools.Reason(err))
			tw.failed = true
			continue
		}
		defer f.Close()
		tw.outs = append(tw.outs, teeOut{op, f})
	}
	if _, err := tools.CopyContext(ctx, tw, env.Stdin); err != nil && err != errTeeNoOutput && ctx.Err() == nil {
		env.Errorf("tee", "%v", tools.Reason(err))
		tw.failed = true
	}
	if tw.failed {
		return 1
	}
	return 0
}

type teeOut struct {
	name string
	w    io.Writer
}

var errTeeNoOutput = errors.New("no output left")

// teeWriter writes to every output; one that fails is reported and dropped, and the
// others go on (io.MultiWriter would stop them all at the first error, as GNU tee does not).
type teeWriter struct {
	env    *tools.Env
	outs   []teeOut
	failed bool
}

func (t *teeWriter) Write(p []byte) (int, error) {
	live := t.outs[:0]
	for _, o := range t.outs {
		if _, err := o.w.Write(p); err != nil {
			t.env.Errorf("tee", "%s: %s", o.name, tools.Reason(err))
			t.failed = true
			continue
		}
		live = append(live, o)
	}
	t.outs = live
	if len(t.outs) == 0 {
		return 0, errTeeNoOutput
	}
	return len(p), nil
}
