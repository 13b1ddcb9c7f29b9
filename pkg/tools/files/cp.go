package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Cp is cp: copy files and directories.
var Cp = tools.Applet{Name: "cp", Summary: "copy files and directories", Run: runCp}

type copier struct {
	env                        *tools.Env
	recursive, preserve, force bool
	deref                      byte // 'L' always, 'P' never, 'H' operands only; 0: 'L', or 'P' with -r (GNU)
	verbose, noClobber         bool
	parents                    bool
	// keepLinks (-d, -a, --preserve=links): a source linked more than once is copied once
	// and hard-linked for its other names, as in the source.
	keepLinks bool
	copied    map[[2]uint64]string // by device and inode: the first copy's path
}

// copyPath copies src to dst (both absolute); name is src as the user gave it, and top
// says it is an operand (which -H follows when a symbolic link).
func (c *copier) copyPath(ctx context.Context, src, dst, name string, top bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var fi fs.FileInfo
	var err error
	if c.deref == 'L' || c.deref == 'H' && top {
		fi, err = os.Stat(src)
	} else {
		fi, err = os.Lstat(src)
	}
	if err != nil {
		return fmt.Errorf("cannot stat '%s': %s", name, tools.Reason(err))
	}
	if c.keepLinks && !fi.IsDir() {
		if st := sysStat(fi); st.Nlink > 1 {
			key := [2]uint64{uint64(st.Dev), uint64(st.Ino)}
			if first, ok := c.copied[key]; ok {
				os.Remove(dst)
				if err := os.Link(first, dst); err != nil {
					return fmt.Errorf("cannot create hard link '%s' to '%s': %s", dst, first, tools.Reason(err))
				}
				return nil
			}
			if c.copied == nil {
				c.copied = map[[2]uint64]string{}
			}
			c.copied[key] = dst
		}
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
			if err := c.copyPath(ctx, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), filepath.Join(name, e.Name()), false); err != nil {
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
			// Named without -r, a FIFO or device is read, as GNU cp does.
			return c.copyFile(src, dst, name, nil)
		}
		// With -r it is made anew, never opened (a FIFO would block the copy for ever).
		st := sysStat(fi)
		if err := syscall.Mknod(dst, uint32(st.Mode), int(st.Rdev)); err != nil {
			return fmt.Errorf("cannot create special file '%s': %s", dst, tools.Reason(err))
		}
		c.attrs(dst, fi, false)
		return nil
	}
}

var errSilent = errors.New("already reported")

// copyFile copies the contents of src; regular, when given, is what stat said of it: the
// file opened must still be that regular file (a FIFO swapped in meanwhile is refused,
// without blocking).
func (c *copier) copyFile(src, dst, name string, regular fs.FileInfo) error {
	fi := regular
	var in *os.File
	var err error
	if regular != nil {
		in, err = tools.OpenRegular(src, regular)
	} else if in, err = os.Open(src); err == nil {
		fi, err = in.Stat()
	}
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

func runCp(ctx context.Context, env *tools.Env, args []string) int {
	c := &copier{env: env}
	fset := gnuflag.New("cp", `cp [-rRapfnvHLPd] [-T] [--parents] SOURCE... DEST | cp -t DIR SOURCE...
  -r/-R recursive  -a archive (-dR --preserve=all)  -p keep mode, owner, times  -f force
  -n no clobber  -P copy symlinks as links  -d -P and keep hard links  -L follow links
  -H follow links named as SOURCE  -v verbose  -T DEST is not a dir
  --parents  copy SOURCE to DIR/SOURCE, creating its directories`)
	fset.BoolFunc('r', "recursive", func() { c.recursive = true })
	fset.BoolFunc('R', "", func() { c.recursive = true })
	fset.BoolFunc('a', "archive", func() { c.recursive, c.preserve, c.deref, c.keepLinks = true, true, 'P', true })
	fset.BoolFunc('p', "", func() { c.preserve = true })
	fset.BoolFunc(0, "preserve", func() { c.preserve = true })
	fset.BoolFunc('f', "force", func() { c.force = true })
	fset.BoolFunc('n', "no-clobber", func() { c.noClobber = true })
	fset.BoolFunc('P', "no-dereference", func() { c.deref = 'P' })
	fset.BoolFunc('d', "", func() { c.deref, c.keepLinks = 'P', true })
	fset.BoolFunc('L', "dereference", func() { c.deref = 'L' })
	fset.BoolFunc('H', "", func() { c.deref = 'H' })
	fset.BoolFunc(0, "parents", func() { c.parents = true })
	fset.BoolFunc('v', "verbose", func() { c.verbose = true })
	noTarget := fset.Bool('T', "no-target-directory")
	target := fset.String('t', "target-directory", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if c.deref == 0 {
		// GNU cp follows symbolic links, but with -r copies them as links.
		c.deref = 'L'
		if c.recursive {
			c.deref = 'P'
		}
	}
	if c.parents {
		dir := *target
		if dir == "" && len(ops) > 0 {
			dir = ops[len(ops)-1]
		}
		if len(ops) > 0 && !isDir(env.Abs(dir)) {
			env.Errorf("cp", "with --parents, the destination must be a directory\nTry 'cp --help' for more information.")
			return 1
		}
	}
	return toTarget(env, "cp", ops, *target, *noTarget, func(src, dst, name string) error {
		if c.parents {
			// DIR/SOURCE, its directories made as in the source.
			dst = filepath.Join(filepath.Dir(dst), name)
			if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
				return fmt.Errorf("cannot make directory '%s': %s", filepath.Dir(dst), tools.Reason(err))
			}
		}
		return c.copyPath(ctx, src, dst, name, true)
	})
}
