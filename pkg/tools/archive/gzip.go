package archive

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Gzip is gzip: compress files.
var Gzip = tools.Applet{Name: "gzip", Summary: "compress files", Run: runGzip}

// Gunzip is gunzip: decompress gzip files.
var Gunzip = tools.Applet{Name: "gunzip", Summary: "decompress gzip files", Run: runGzip}

// Zcat is zcat: decompress gzip files to stdout.
var Zcat = tools.Applet{Name: "zcat", Summary: "decompress gzip files to stdout", Run: runGzip}

const gzipUsage = `gzip [-cdfkt1-9] [FILE]...   (gunzip = gzip -d, zcat = gzip -dc)
  -c  write to stdout, keep files   -d  decompress   -k  keep input files
  -f  overwrite existing output     -1..-9  compression level`

func runGzip(ctx context.Context, env *tools.Env, args []string) int {
	name := filepath.Base(args[0])
	fs := gnuflag.New(name, gzipUsage)
	stdout := fs.Bool('c', "stdout")
	decompress := fs.Bool('d', "decompress")
	keep := fs.Bool('k', "keep")
	force := fs.Bool('f', "force")
	test := fs.Bool('t', "test")
	fs.Bool('n', "no-name")
	fs.Bool('q', "quiet")
	level := gzip.DefaultCompression
	for i := 1; i <= 9; i++ {
		l := i
		fs.BoolFunc(rune('0'+i), "", func() { level = l })
	}
	fs.BoolFunc(0, "fast", func() { level = 1 })
	fs.BoolFunc(0, "best", func() { level = 9 })
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	switch name {
	case "gunzip":
		*decompress = true
	case "zcat":
		*decompress, *stdout = true, true
	}
	if *test {
		*decompress, *stdout = true, true
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	st := 0
	for _, op := range ops {
		if err := ctx.Err(); err != nil {
			return 1
		}
		var out io.Writer = env.Stdout
		if *test {
			out = io.Discard
		}
		if op == "-" {
			if err := gzipStream(out, env.Stdin, *decompress, level); err != nil {
				env.Errorf(name, "stdin: %v", err)
				st = 1
			}
			continue
		}
		if err := gzipFile(env, op, out, *stdout, *decompress, *keep, *force, level); err != nil {
			env.Errorf(name, "%v", err)
			st = 1
		}
	}
	return st
}

func gzipStream(w io.Writer, r io.Reader, decompress bool, level int) error {
	if decompress {
		zr, err := gzip.NewReader(bufio.NewReaderSize(r, 64<<10))
		if err != nil {
			return fmt.Errorf("not in gzip format")
		}
		defer zr.Close()
		_, err = io.Copy(w, zr)
		return err
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	return zw.Close()
}

func gzipFile(env *tools.Env, op string, stdout io.Writer, toStdout, decompress, keep, force bool, level int) error {
	src := env.Abs(op)
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%s: %s", op, tools.Reason(err))
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fmt.Errorf("%s: %s", op, tools.Reason(err))
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory -- ignored", op)
	}
	if toStdout {
		if err := gzipStream(stdout, in, decompress, level); err != nil {
			return fmt.Errorf("%s: %v", op, err)
		}
		return nil
	}
	var dst string
	switch {
	case !decompress:
		if strings.HasSuffix(src, ".gz") {
			return fmt.Errorf("%s already has .gz suffix -- unchanged", op)
		}
		dst = src + ".gz"
	case strings.HasSuffix(src, ".gz"):
		dst = strings.TrimSuffix(src, ".gz")
	case strings.HasSuffix(src, ".tgz"):
		dst = strings.TrimSuffix(src, ".tgz") + ".tar"
	default:
		return fmt.Errorf("%s: unknown suffix -- ignored", op)
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	out, err := os.OpenFile(dst, flag, fi.Mode().Perm())
	if errors.Is(err, fs.ErrExist) {
		// GNU gzip's words, the name as the user gave it.
		shown := op[:len(op)-len(filepath.Base(op))] + filepath.Base(dst)
		return fmt.Errorf("%s already exists;\tnot overwritten", shown)
	}
	if err != nil {
		return fmt.Errorf("%s: %s", dst, tools.Reason(err))
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	err = gzipStream(bw, in, decompress, level)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return fmt.Errorf("%s: %v", op, err)
	}
	_ = os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	if !keep {
		if err := os.Remove(src); err != nil {
			return fmt.Errorf("%s: %s", op, tools.Reason(err))
		}
	}
	return nil
}
