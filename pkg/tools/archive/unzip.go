package archive

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Unzip is unzip [-lnopqtj] [-d DIR] FILE.zip [MEMBER...] [-x MEMBER...]: list, test or
// extract a zip archive, as Info-ZIP's unzip (its messages and exit codes). Members are
// written below the directory: leading "/" and "../" components are dropped, and
// symbolic links are made last, so that none can redirect a later member.
//
//	-l  list   -t  test   -p  members to stdout   -d  extract into DIR   -j  no directories
//	-o  overwrite without asking   -n  never overwrite   -q  quiet   -x  exclude MEMBERs
var Unzip = tools.Applet{Name: "unzip", Summary: "list, test and extract zip archives", Run: runUnzip}

const unzipUsage = `unzip [-lnopqtj] [-d DIR] FILE[.zip] [MEMBER...] [-x MEMBER...]
  -l  list files (short format)      -t  test compressed archive data
  -p  extract files to stdout        -d  extract files into DIR
  -j  junk paths (no directories)    -x  exclude the MEMBERs that follow
  -o  overwrite files WITHOUT asking -n  never overwrite existing files
  -q  quiet mode (-qq => quieter)
MEMBERs may hold wildcards (*, ?, [...]).`

// Info-ZIP's exit codes.
const (
	unzipWarning  = 1
	unzipError    = 2
	unzipNotFound = 9
	unzipNoMatch  = 11
)

type unzipper struct {
	ctx              context.Context
	env              *tools.Env
	out              *bufio.Writer
	quiet            int
	overwrite, never bool
	junk             bool
	dir              string
	status           int
}

func runUnzip(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("unzip", unzipUsage)
	list := fset.Bool('l', "")
	test := fset.Bool('t', "")
	pipe := fset.Bool('p', "")
	u := &unzipper{ctx: ctx, env: env}
	fset.BoolFunc('q', "", func() { u.quiet++ })
	fset.BoolFunc('o', "", func() { u.overwrite = true })
	fset.BoolFunc('n', "", func() { u.never = true })
	fset.BoolFunc('j', "", func() { u.junk = true })
	dir := fset.String('d', "", "")
	// -x ends the member list: what follows it are exclusions.
	argv, excludes := args[1:], []string(nil)
	for i, a := range argv {
		if a == "-x" {
			argv, excludes = append([]string(nil), argv[:i]...), argv[i+1:]
			break
		}
	}
	ops, rc := fset.Parse(env, argv)
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		return tools.Usage(env, unzipUsage)
	}
	u.out = bufio.NewWriter(env.Stdout)
	defer u.out.Flush()
	name := ops[0]
	zr, shown, err := unzipOpen(env, name)
	if err != nil {
		u.out.Flush()
		fmt.Fprintf(env.Stderr, "unzip:  cannot find or open %s, %s.zip or %s.ZIP.\n", name, name, name)
		return unzipNotFound
	}
	defer zr.Close()
	members := ops[1:]
	var chosen []*zip.File
	matched := make([]bool, len(members))
	for _, f := range zr.File {
		if unzipMatch(excludes, f.Name) != -1 {
			continue
		}
		if len(members) > 0 {
			i := unzipMatch(members, f.Name)
			if i < 0 {
				continue
			}
			matched[i] = true
		}
		chosen = append(chosen, f)
	}
	if !*pipe && u.quiet == 0 {
		fmt.Fprintf(u.out, "Archive:  %s\n", shown)
	}
	switch {
	case *list:
		u.list(chosen)
	case *test:
		u.test(chosen, shown)
	case *pipe:
		for _, f := range chosen {
			if err := u.copyOut(f, u.out); err != nil {
				u.fail("%s: %v", f.Name, err)
			}
		}
	default:
		u.dir = env.Dir
		if *dir != "" {
			u.dir = env.Abs(*dir)
			if err := os.Mkdir(u.dir, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
				u.out.Flush()
				fmt.Fprintf(env.Stderr, "checkdir:  cannot create extraction directory: %s\n           %s\n", *dir, tools.Reason(err))
				return unzipError
			}
		}
		u.extract(chosen)
	}
	for i, ok := range matched {
		if !ok {
			u.out.Flush()
			if !*list {
				fmt.Fprintf(env.Stderr, "caution: filename not matched:  %s\n", members[i])
			}
			if u.status == 0 {
				u.status = unzipNoMatch
			}
		}
	}
	if ctx.Err() != nil {
		return 80
	}
	return u.status
}

// unzipOpen opens name, or name.zip, or name.ZIP, as Info-ZIP tries them.
func unzipOpen(env *tools.Env, name string) (*zip.ReadCloser, string, error) {
	var first error
	for _, n := range []string{name, name + ".zip", name + ".ZIP"} {
		fi, err := os.Stat(env.Abs(n))
		if err != nil || !fi.Mode().IsRegular() {
			if first == nil {
				first = fmt.Errorf("%s: not a regular file", n)
			}
			continue
		}
		zr, err := zip.OpenReader(env.Abs(n))
		if err != nil {
			return nil, n, err
		}
		return zr, n, nil
	}
	return nil, name, first
}

// unzipMatch returns the index of the first pattern that matches name, or -1. As in
// Info-ZIP, a wildcard matches '/' too (d/* is everything below d).
func unzipMatch(patterns []string, name string) int {
	for i, p := range patterns {
		if p == name || unzipGlob(p, name) {
			return i
		}
	}
	return -1
}

// unzipGlob matches name against a pattern of *, ? and [...] in which '/' is not special.
func unzipGlob(p, name string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(name); i >= 0; i-- {
				if unzipGlob(p[1:], name[i:]) {
					return true
				}
			}
			return false
		case '?', '[':
			if name == "" {
				return false
			}
			if p[0] == '[' {
				end := strings.IndexByte(p[1:], ']')
				if end < 0 {
					return false
				}
				if ok, _ := path.Match(p[:end+2], name[:1]); !ok {
					return false
				}
				p = p[end+2:]
			} else {
				p = p[1:]
			}
			name = name[1:]
		default:
			if name == "" || name[0] != p[0] {
				return false
			}
			p, name = p[1:], name[1:]
		}
	}
	return name == ""
}

func (u *unzipper) fail(format string, a ...any) {
	u.out.Flush()
	fmt.Fprintf(u.env.Stderr, format+"\n", a...)
	u.status = unzipError
}

func (u *unzipper) list(files []*zip.File) {
	if u.quiet < 2 {
		fmt.Fprintf(u.out, "  Length      Date    Time    Name\n---------  ---------- -----   ----\n")
	}
	var total uint64
	for _, f := range files {
		total += f.UncompressedSize64
		fmt.Fprintf(u.out, "%9d  %s   %s\n", f.UncompressedSize64, f.Modified.Format("2006-01-02 15:04"), f.Name)
	}
	word := "files"
	if len(files) == 1 {
		word = "file"
	}
	if u.quiet >= 2 {
		return
	}
	fmt.Fprintf(u.out, "---------                     -------\n%9d                     %d %s\n", total, len(files), word)
}

func (u *unzipper) test(files []*zip.File, shown string) {
	bad := 0
	for _, f := range files {
		err := u.copyOut(f, io.Discard)
		if u.quiet == 0 {
			res := "OK"
			if err != nil {
				res = "bad CRC or data"
			}
			fmt.Fprintf(u.out, "    testing: %-22s   %s\n", f.Name, res)
		}
		if err != nil {
			bad++
		}
	}
	switch {
	case bad > 0:
		fmt.Fprintf(u.out, "At least one error was detected in %s.\n", shown)
		u.status = unzipError
	case u.quiet < 2:
		fmt.Fprintf(u.out, "No errors detected in compressed data of %s.\n", shown)
	}
}

func (u *unzipper) copyOut(f *zip.File, w io.Writer) error {
	if f.FileInfo().IsDir() {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = tools.CopyContext(u.ctx, w, rc)
	return err
}

// safeName drops what would lead out of the extraction directory: leading slashes and
// ".." components, as Info-ZIP does (with a warning).
func (u *unzipper) safeName(name string) string {
	var parts []string
	dropped := false
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "", ".":
		case "..":
			dropped = true
		default:
			parts = append(parts, p)
		}
	}
	if dropped {
		fmt.Fprintf(u.out, "warning:  skipped \"../\" path component(s) in %s\n", name)
		u.status = max(u.status, unzipWarning)
	} else if strings.HasPrefix(name, "/") {
		fmt.Fprintf(u.out, "warning:  stripped absolute path spec from %s\n", name)
		u.status = max(u.status, unzipWarning)
	}
	if u.junk && len(parts) > 0 {
		parts = parts[len(parts)-1:]
	}
	return strings.Join(parts, "/")
}

type unzipLink struct{ name, target, dst string }

func (u *unzipper) extract(files []*zip.File) {
	var links []unzipLink
	all, none := u.overwrite, u.never
	for _, f := range files {
		if u.ctx.Err() != nil {
			return
		}
		name := u.safeName(f.Name)
		if name == "" {
			continue
		}
		dst := filepath.Join(u.dir, filepath.FromSlash(name))
		mode := f.Mode()
		if mode.IsDir() {
			if u.junk {
				continue
			}
			if u.quiet == 0 {
				fmt.Fprintf(u.out, "   creating: %s/\n", name)
			}
			if err := os.MkdirAll(dst, 0o777); err != nil {
				u.fail("checkdir error:  cannot create %s\n                 %s", name, tools.Reason(err))
			}
			continue
		}
		if _, err := os.Lstat(dst); err == nil {
			if none {
				continue
			}
			if !all {
				u.out.Flush()
				fmt.Fprintf(u.env.Stderr, "replace %s? [y]es, [n]o, [A]ll, [N]one, [r]ename: ", name)
				ans, err := bufio.NewReader(u.env.Stdin).ReadString('\n')
				ans = strings.TrimSpace(ans)
				switch {
				case err != nil && ans == "":
					fmt.Fprintf(u.env.Stderr, " NULL\n(EOF or read error, treating as \"[N]one\" ...)\n")
					none = true
					u.status = max(u.status, unzipWarning)
					continue
				case ans == "A":
					all = true
				case ans == "N":
					none = true
					continue
				case !strings.HasPrefix(ans, "y"):
					continue
				}
			}
			os.Remove(dst)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
			u.fail("checkdir error:  cannot create %s\n                 %s", filepath.Dir(name), tools.Reason(err))
			continue
		}
		if mode&fs.ModeSymlink != 0 {
			var b strings.Builder
			if err := u.copyOut(f, &b); err != nil {
				u.fail("%s: %v", name, err)
				continue
			}
			if u.quiet == 0 {
				fmt.Fprintf(u.out, "    linking: %-22s  -> %s \n", name, b.String())
			}
			links = append(links, unzipLink{name, b.String(), dst})
			continue
		}
		if u.quiet == 0 {
			verb := " extracting"
			if f.Method == zip.Deflate {
				verb = "  inflating"
			}
			fmt.Fprintf(u.out, "%s: %-22s  \n", verb, name)
		}
		if err := u.writeFile(f, dst); err != nil {
			u.fail("error:  cannot create %s\n        %s", name, tools.Reason(err))
		}
	}
	if len(links) > 0 {
		if u.quiet == 0 {
			fmt.Fprintln(u.out, "finishing deferred symbolic links:")
		}
		for _, l := range links {
			if u.quiet == 0 {
				fmt.Fprintf(u.out, "  %-22s -> %s\n", l.name, l.target)
			}
			if err := os.Symlink(l.target, l.dst); err != nil {
				u.fail("error:  cannot create symlink %s: %s", l.name, tools.Reason(err))
			}
		}
	}
}

func (u *unzipper) writeFile(f *zip.File, dst string) error {
	perm := f.Mode().Perm()
	if perm == 0 {
		perm = 0o644
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	err = u.copyOut(f, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, zip.ErrChecksum) {
			return fmt.Errorf("bad CRC")
		}
		return err
	}
	_ = os.Chmod(dst, perm)
	_ = os.Chtimes(dst, f.Modified, f.Modified)
	return nil
}
