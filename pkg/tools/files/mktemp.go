package files

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Mktemp is mktemp [-dqtu] [-p DIR] [--suffix=SUFF] [TEMPLATE]: create a file (or, with -d,
// a directory) of a unique name and print it, as GNU mktemp. The X's that end TEMPLATE
// (tmp.XXXXXXXXXX by default, in $TMPDIR or /tmp) are replaced by random letters and digits.
//
//	-d  a directory   -q  no message on failure   -u  only print a name (unsafe)
//	-p DIR, --tmpdir[=DIR]  TEMPLATE is relative to DIR ($TMPDIR, /tmp)   -t  the same, old style
var Mktemp = tools.Applet{Name: "mktemp", Summary: "create a temporary file or directory", Run: runMktemp}

const mktempUsage = `mktemp [OPTION]... [TEMPLATE]
  -d, --directory     create a directory, not a file
  -u, --dry-run       do not create anything; merely print a name (unsafe)
  -q, --quiet         suppress diagnostics about file/dir-creation failure
      --suffix=SUFF   append SUFF to TEMPLATE; SUFF must not contain a slash
  -p DIR, --tmpdir[=DIR]  interpret TEMPLATE relative to DIR ($TMPDIR if set, else /tmp)
  -t                  interpret TEMPLATE as a single file name component relative to a directory`

func runMktemp(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("mktemp", mktempUsage)
	dir := fset.Bool('d', "directory")
	dry := fset.Bool('u', "dry-run")
	quiet := fset.Bool('q', "quiet")
	suffix, suffixSet := fset.StringSet(0, "suffix", "")
	tmpdir, tmpdirSet := fset.StringSet('p', "tmpdir", "")
	old := fset.Bool('t', "")
	// --tmpdir's argument is optional: alone, it means $TMPDIR or /tmp.
	argv := append([]string(nil), args[1:]...)
	for i, a := range argv {
		if a == "--" {
			break
		}
		if a == "--tmpdir" {
			argv[i] = "--tmpdir="
		}
	}
	ops, rc := fset.Parse(env, argv)
	if rc >= 0 {
		return rc
	}
	fail := func(format string, a ...any) int {
		if !*quiet {
			env.Errorf("mktemp", format, a...)
		}
		return 1
	}
	if len(ops) > 1 {
		env.Errorf("mktemp", "too many templates")
		fmt.Fprintln(env.Stderr, "Try 'mktemp --help' for more information.")
		return 1
	}
	template := "tmp.XXXXXXXXXX"
	useDir := *tmpdirSet || *old
	if len(ops) == 1 {
		template = ops[0]
	} else {
		useDir = true
	}
	if *suffixSet {
		if strings.Contains(*suffix, "/") {
			env.Errorf("mktemp", "invalid suffix '%s', contains directory separator", *suffix)
			return 1
		}
		if !strings.HasSuffix(template, "X") {
			env.Errorf("mktemp", "with --suffix, template '%s' must end in X", template)
			return 1
		}
	}
	base := template
	suff := *suffix
	if !*suffixSet {
		if i := strings.LastIndexByte(template, 'X'); i >= 0 {
			base, suff = template[:i+1], template[i+1:]
		}
	}
	xs := len(base) - len(strings.TrimRight(base, "X"))
	if xs < 3 {
		env.Errorf("mktemp", "too few X's in template '%s'", template+*suffix)
		return 1
	}
	if useDir {
		d := *tmpdir
		if *old {
			d = env.Getenv("TMPDIR")
			if d == "" {
				d = *tmpdir
			}
		} else if d == "" {
			d = env.Getenv("TMPDIR")
		}
		if d == "" {
			d = "/tmp"
		}
		if len(ops) == 1 && filepath.IsAbs(template) {
			env.Errorf("mktemp", "invalid template, '%s'; with --tmpdir, it may not be absolute", template)
			return 1
		}
		if *old && strings.Contains(template, "/") {
			env.Errorf("mktemp", "invalid template, '%s', contains directory separator", template)
			return 1
		}
		if !strings.HasSuffix(d, "/") {
			d += "/"
		}
		base = d + base
	}
	stem := base[:len(base)-xs]
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var err error
	for try := 0; try < 100; try++ {
		rnd := make([]byte, xs)
		if _, err := rand.Read(rnd); err != nil {
			return fail("%v", err)
		}
		for i, b := range rnd {
			rnd[i] = letters[int(b)%len(letters)]
		}
		name := stem + string(rnd) + suff
		p := env.Abs(name)
		switch {
		case *dry:
			if _, err = os.Lstat(p); err == nil {
				err = fs.ErrExist
			} else if errors.Is(err, fs.ErrNotExist) {
				err = nil
			}
		case *dir:
			err = os.Mkdir(p, 0o700)
		default:
			var f *os.File
			if f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
				err = f.Close()
			}
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			break
		}
		fmt.Fprintln(env.Stdout, name)
		return 0
	}
	what := "file"
	if *dir {
		what = "directory"
	}
	return fail("failed to create %s via template '%s': %s", what, base+suff, tools.Reason(err))
}
