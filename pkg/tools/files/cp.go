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
	fset := gnuflag.New("cp", `cp [-rRapfnvPLd] [-T] SOURCE... DEST | cp -t DIR SOURCE...
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
	target := fset.String('t', "target-directory", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if c.recursive && !c.noDeref {
		// GNU cp -r copies symlinks found inside the tree as links.
		c.noDeref = true
	}
	return toTarget(env, "cp", ops, *target, *noTarget, func(src, dst, name string) error {
		return c.copyPath(ctx, src, dst, name)
	})
}
