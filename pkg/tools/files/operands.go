package files

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// twoOperand runs op for SOURCE DEST or SOURCE... DIR, as cp, mv and ln take them.
func twoOperand(env *tools.Env, name string, ops []string, noTarget bool, op func(src, dst, name string) error) int {
	return toTarget(env, name, ops, "", noTarget, op)
}

// toTarget is twoOperand with -t DIR (--target-directory): when target is not empty,
// every operand is a SOURCE moved or copied into the directory target.
func toTarget(env *tools.Env, name string, ops []string, target string, noTarget bool, op func(src, dst, name string) error) int {
	if target != "" {
		if len(ops) == 0 {
			env.Errorf(name, "missing file operand\nTry '%s --help' for more information.", name)
			return 2
		}
		fi, err := os.Stat(env.Abs(target))
		if err == nil && !fi.IsDir() {
			err = syscall.ENOTDIR
		}
		if err != nil {
			env.Errorf(name, "target directory '%s': %s", target, tools.Reason(err))
			return 1
		}
		ops = append(ops[:len(ops):len(ops)], target)
	}
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
