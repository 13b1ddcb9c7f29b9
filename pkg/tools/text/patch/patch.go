package patch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Patch is patch: apply unified and context diffs as GNU patch does (offsets, fuzz, rejects, its
// messages and exit codes). It never asks: where GNU patch would ask on a terminal it
// answers as GNU patch does without one.
var Patch = tools.Applet{Name: "patch", Summary: "apply a diff to files", Run: runPatch}

const patchUsage = `patch [-pN] [-RNEfst] [--dry-run] [-F N] [-i PATCHFILE] [-o OUTFILE] [-d DIR] [FILE [PATCHFILE]]
  -p N  strip N leading components from file names (default: the base name)
  -R  reverse the patch      -N  --forward: skip patches that seem reversed or applied
  -i PATCHFILE  read the patch from PATCHFILE (default stdin)
  -o OUTFILE    write the result to OUTFILE instead of patching in place
  -E  remove files left empty   -F N  maximum fuzz (default 2)   --dry-run  change nothing
  -s  silent   -f  force: assume the patch is not reversed   -t  batch: assume it is
  -d DIR  change to DIR first   --no-backup-if-mismatch  no FILE.orig when a hunk is off
Failed hunks are saved to FILE.rej (exit status 1). Unified and context diffs.`

type patchOpts struct {
	strip                   int
	reverse, forward, force bool
	batch, dryRun, silent   bool
	removeEmpty, noBackup   bool
	maxFuzz                 int
	out, dir, file          string
}

func runPatch(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("patch", patchUsage)
	o := patchOpts{strip: -1, maxFuzz: 2}
	fs.Func('p', "strip", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("strip count %s is not a number", v)
		}
		o.strip = n
		return nil
	})
	fs.Func('F', "fuzz", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("fuzz factor %s is not a number", v)
		}
		o.maxFuzz = n
		return nil
	})
	fs.BoolFunc('R', "reverse", func() { o.reverse = true })
	fs.BoolFunc('N', "forward", func() { o.forward = true })
	fs.BoolFunc('f', "force", func() { o.force = true })
	fs.BoolFunc('t', "batch", func() { o.batch = true })
	fs.BoolFunc(0, "dry-run", func() { o.dryRun = true })
	fs.BoolFunc('s', "silent", func() { o.silent = true })
	fs.BoolFunc(0, "quiet", func() { o.silent = true })
	fs.BoolFunc('E', "remove-empty-files", func() { o.removeEmpty = true })
	fs.BoolFunc(0, "no-backup-if-mismatch", func() { o.noBackup = true })
	fs.Bool(0, "backup-if-mismatch")
	fs.Bool('u', "unified")
	fs.Func('i', "input", func(v string) error { o.file = v; return nil })
	fs.Func('o', "output", func(v string) error { o.out = v; return nil })
	fs.Func('d', "directory", func(v string) error { o.dir = v; return nil })
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) > 2 {
		env.Errorf("patch", "**** extra operand %s\npatch: Try 'patch --help' for more information.", ops[2])
		return 2
	}
	target := ""
	if len(ops) > 0 {
		target = ops[0]
	}
	if len(ops) > 1 {
		o.file = ops[1]
	}
	dir := env.Dir
	if o.dir != "" {
		dir = env.Abs(o.dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			env.Errorf("patch", "**** Can't change to directory %s : %s", o.dir, tools.Reason(errOr(err, errors.New("not a directory"))))
			return 2
		}
	}
	var in io.Reader = env.Stdin
	if o.file != "" && o.file != "-" {
		f, err := os.Open(env.Abs(o.file))
		if err != nil {
			env.Errorf("patch", "**** Can't open patch file %s : %s", o.file, tools.Reason(err))
			return 2
		}
		defer f.Close()
		in = f
	}
	patches, sawText, err := parsePatch(in)
	if err != nil {
		env.Errorf("patch", "**** %v", err)
		return 2
	}
	if len(patches) == 0 {
		if sawText {
			env.Errorf("patch", "**** Only garbage was found in the patch input.")
			return 2
		}
		return 0
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	p := &patcher{env: env, o: &o, out: out, dir: dir}
	st := 0
	for _, fp := range patches {
		if err := ctx.Err(); err != nil {
			out.Flush()
			env.Errorf("patch", "%v", err)
			return 2
		}
		if r := p.apply(fp, target); r > st {
			st = r
		}
	}
	return st
}

func errOr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}
