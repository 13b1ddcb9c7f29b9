package files

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Ls is ls: list directory contents.
var Ls = tools.Applet{Name: "ls", Summary: "list directory contents", Run: runLs}

const lsUsage = `ls [-1aAdFhilnRrsSt] [--color[=WHEN]] [FILE]...
  -a all   -A almost all   -d directories themselves   -F classify   -h human sizes
  -i inode   -l long   -n numeric ids   -R recursive   -r reverse   -s blocks used
  -S by size   -t by time
  -1 one per line   --color=auto|always|never`

type lsOpts struct {
	all, almost, dirSelf, classify, human, inode, long, numeric, recursive bool
	size                                                                   bool // -s: blocks used, in KiB
	sizeW                                                                  int  // the width of -s's column in the listing being printed
	inoW                                                                   int  // the width of -i's column in the listing being printed
	reverse, bySize, byTime, one, color, unsorted                          bool
	width                                                                  int
	now                                                                    time.Time
	db                                                                     *userdb.DB
}

type lsEntry struct {
	name   string // as displayed
	path   string // for stat
	fi     fs.FileInfo
	target string
	err    error
}

func runLs(ctx context.Context, env *tools.Env, args []string) int {
	var o lsOpts
	fset := gnuflag.New("ls", lsUsage)
	fset.BoolFunc('a', "all", func() { o.all, o.almost = true, false })
	fset.BoolFunc('A', "almost-all", func() { o.almost, o.all = true, false })
	fset.BoolFunc('d', "directory", func() { o.dirSelf = true })
	fset.BoolFunc('F', "classify", func() { o.classify = true })
	fset.BoolFunc('h', "human-readable", func() { o.human = true })
	fset.BoolFunc('i', "inode", func() { o.inode = true })
	fset.BoolFunc('s', "size", func() { o.size = true })
	fset.BoolFunc('l', "", func() { o.long = true })
	fset.BoolFunc('n', "numeric-uid-gid", func() { o.long, o.numeric = true, true })
	fset.BoolFunc('R', "recursive", func() { o.recursive = true })
	fset.BoolFunc('r', "reverse", func() { o.reverse = true })
	fset.BoolFunc('S', "", func() { o.bySize, o.byTime = true, false })
	fset.BoolFunc('t', "", func() { o.byTime, o.bySize = true, false })
	fset.BoolFunc('U', "", func() { o.unsorted = true })
	fset.BoolFunc('f', "", func() { o.unsorted, o.all = true, true })
	fset.BoolFunc('1', "", func() { o.one = true })
	fset.BoolFunc('C', "", func() { o.one = false })
	color := "auto"
	fset.Func(0, "color", func(v string) error { color = v; return nil })
	fset.Func(0, "colour", func(v string) error { color = v; return nil })
	a := args[1:]
	for i, s := range a { // --color without a value
		if s == "--color" || s == "--colour" {
			a[i] = "--color=always"
		}
	}
	ops, rc := fset.Parse(env, a)
	if rc >= 0 {
		return rc
	}
	tty := tools.IsTerminal(env.Stdout)
	switch color {
	case "always", "yes", "force":
		o.color = true
	case "auto", "tty", "if-tty":
		o.color = tty
	}
	if !tty {
		o.one = o.one || !tty
	}
	o.width = 80
	if c, err := strconv.Atoi(env.Getenv("COLUMNS")); err == nil && c > 0 {
		o.width = c
	}
	o.now = time.Now()
	if o.long && !o.numeric {
		o.db = userdb.Load("/")
	}
	if len(ops) == 0 {
		ops = []string{"."}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	st := 0
	var filesArgs, dirArgs []lsEntry
	for _, op := range ops {
		p := env.Abs(op)
		fi, err := os.Lstat(p)
		if err != nil {
			w.Flush()
			env.Errorf("ls", "cannot access '%s': %s", op, tools.Reason(err))
			st = 2
			continue
		}
		e := lsEntry{name: op, path: p, fi: fi}
		// Like GNU ls, a symlink operand is followed unless -l, -d or -F asks about the
		// link itself (a trailing slash always follows).
		follow := !o.dirSelf && !o.long && !o.classify || strings.HasSuffix(op, "/")
		if fi.Mode()&fs.ModeSymlink != 0 {
			if t, err := os.Stat(p); err == nil && follow {
				e.fi = t
			} else if o.long {
				e.target, _ = os.Readlink(p)
			}
		}
		if e.fi.IsDir() && !o.dirSelf {
			dirArgs = append(dirArgs, e)
		} else {
			filesArgs = append(filesArgs, e)
		}
	}
	o.sort(filesArgs)
	o.sort(dirArgs)
	if len(filesArgs) > 0 {
		o.print(w, filesArgs)
	}
	header := len(ops) > 1 || o.recursive
	for i, d := range dirArgs {
		if ctx.Err() != nil {
			return 1
		}
		if i > 0 || len(filesArgs) > 0 {
			w.WriteByte('\n')
		}
		if s := o.listDir(ctx, env, w, d.name, d.path, header); s > st {
			st = s
		}
	}
	return st
}

func (o *lsOpts) listDir(ctx context.Context, env *tools.Env, w *bufio.Writer, name, p string, header bool) int {
	if header {
		fmt.Fprintf(w, "%s:\n", name)
	}
	f, err := os.Open(p)
	if err != nil {
		w.Flush()
		env.Errorf("ls", "cannot open directory '%s': %s", name, tools.Reason(err))
		return 2
	}
	dents, err := f.ReadDir(-1)
	f.Close()
	st := 0
	if err != nil {
		w.Flush()
		env.Errorf("ls", "reading directory '%s': %s", name, tools.Reason(err))
		st = 1
	}
	needStat := o.long || o.bySize || o.byTime || o.inode || o.size || o.classify || o.color || o.recursive
	entries := make([]lsEntry, 0, len(dents)+2)
	if o.all {
		for _, n := range []string{".", ".."} {
			e := lsEntry{name: n, path: filepath.Join(p, n)}
			e.fi, e.err = os.Lstat(e.path)
			if e.err == nil {
				entries = append(entries, e)
			}
		}
	}
	for _, d := range dents {
		n := d.Name()
		if n[0] == '.' && !o.all && !o.almost {
			continue
		}
		e := lsEntry{name: n, path: filepath.Join(p, n)}
		if needStat {
			e.fi, e.err = d.Info()
			if e.err == nil && o.long && e.fi.Mode()&fs.ModeSymlink != 0 {
				e.target, _ = os.Readlink(e.path)
			}
		} else {
			e.fi = dirEntryInfo{d}
		}
		if e.err != nil {
			w.Flush()
			env.Errorf("ls", "cannot access '%s': %s", filepath.Join(name, n), tools.Reason(e.err))
			st = 1
			continue
		}
		entries = append(entries, e)
	}
	o.sort(entries)
	if o.long || o.size {
		var blocks int64
		for _, e := range entries {
			blocks += sysStat(e.fi).Blocks
		}
		if o.human {
			fmt.Fprintf(w, "total %s\n", humanize.Size(uint64(blocks*512), humanize.GNU))
		} else {
			fmt.Fprintf(w, "total %d\n", (blocks+1)/2)
		}
	}
	o.print(w, entries)
	if o.recursive {
		for _, e := range entries {
			if ctx.Err() != nil {
				return 1
			}
			if e.fi.IsDir() && e.name != "." && e.name != ".." {
				w.WriteByte('\n')
				sub := name + "/" + e.name
				if strings.HasSuffix(name, "/") {
					sub = name + e.name
				}
				if s := o.listDir(ctx, env, w, sub, e.path, true); s > st {
					st = s
				}
			}
		}
	}
	return st
}

// dirEntryInfo is a FileInfo made from a DirEntry without a stat: only the name and type
// are known, which is all plain `ls` needs.
type dirEntryInfo struct{ fs.DirEntry }

func (d dirEntryInfo) Size() int64        { return 0 }
func (d dirEntryInfo) Mode() fs.FileMode  { return d.Type() }
func (d dirEntryInfo) ModTime() time.Time { return time.Time{} }
func (d dirEntryInfo) Sys() any           { return nil }

func (o *lsOpts) sort(es []lsEntry) {
	if o.unsorted {
		return
	}
	slices.SortStableFunc(es, func(a, b lsEntry) int {
		c := 0
		switch {
		case o.byTime:
			c = b.fi.ModTime().Compare(a.fi.ModTime())
		case o.bySize:
			c = cmp.Compare(b.fi.Size(), a.fi.Size())
		}
		if c == 0 {
			c = strings.Compare(a.name, b.name)
		}
		if o.reverse {
			c = -c
		}
		return c
	})
}

func (o *lsOpts) decorate(e lsEntry) string {
	name := e.name
	if o.color {
		if c := lsColor(e.fi.Mode()); c != "" {
			name = "\x1b[" + c + "m" + name + "\x1b[0m"
		}
	}
	if o.classify {
		name += classifier(e.fi.Mode())
	}
	return name
}

func lsColor(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "01;34"
	case m&fs.ModeSymlink != 0:
		return "01;36"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "40;33;01"
	case m&fs.ModeNamedPipe != 0:
		return "40;33"
	case m&fs.ModeSocket != 0:
		return "01;35"
	case m&0o111 != 0:
		return "01;32"
	}
	return ""
}

func classifier(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "/"
	case m&fs.ModeSymlink != 0:
		return "@"
	case m&fs.ModeNamedPipe != 0:
		return "|"
	case m&fs.ModeSocket != 0:
		return "="
	case m.IsRegular() && m&0o111 != 0:
		return "*"
	}
	return ""
}

// blocks is -s's column for e: the KiB it uses, right-aligned, and a blank.
func (o *lsOpts) blocks(e lsEntry) string {
	if !o.size {
		return ""
	}
	kib := (sysStat(e.fi).Blocks + 1) / 2
	if o.human {
		return fmt.Sprintf("%*s ", o.sizeW, humanize.Size(uint64(sysStat(e.fi).Blocks*512), humanize.GNU))
	}
	return fmt.Sprintf("%*d ", o.sizeW, kib)
}

func (o *lsOpts) print(w *bufio.Writer, es []lsEntry) {
	if o.size {
		o.sizeW = 0
		for _, e := range es {
			o.sizeW = max(o.sizeW, len(o.blocks(e))-1)
		}
	}
	// GNU ls right-aligns inode numbers to the widest in the listing, in every format but -m.
	o.inoW = 0
	if o.inode {
		for _, e := range es {
			o.inoW = max(o.inoW, len(strconv.FormatUint(sysStat(e.fi).Ino, 10)))
		}
	}
	switch {
	case o.long:
		o.printLong(w, es)
	case o.one:
		for _, e := range es {
			if o.inode {
				fmt.Fprintf(w, "%*d ", o.inoW, sysStat(e.fi).Ino)
			}
			w.WriteString(o.blocks(e))
			w.WriteString(o.decorate(e))
			w.WriteByte('\n')
		}
	default:
		o.printColumns(w, es)
	}
}

func (o *lsOpts) printColumns(w *bufio.Writer, es []lsEntry) {
	if len(es) == 0 {
		return
	}
	names := make([]string, len(es))
	widths := make([]int, len(es))
	for i, e := range es {
		n := e.name
		if o.classify {
			n += classifier(e.fi.Mode())
		}
		n = o.blocks(e) + n
		if o.inode {
			n = fmt.Sprintf("%*d %s", o.inoW, sysStat(e.fi).Ino, n)
		}
		widths[i] = utf8.RuneCountInString(n)
		names[i] = o.blocks(e) + o.decorate(e)
		if o.inode {
			names[i] = fmt.Sprintf("%*d %s", o.inoW, sysStat(e.fi).Ino, names[i])
		}
	}
	// Find the most columns that fit, filling down the columns as GNU ls does.
	cols, colW := 1, []int{0}
	for c := len(es); c >= 1; c-- {
		rows := (len(es) + c - 1) / c
		ws := make([]int, c)
		total := 0
		for i, wd := range widths {
			col := i / rows
			ws[col] = max(ws[col], wd+2)
		}
		for _, x := range ws {
			total += x
		}
		if total-2 <= o.width || c == 1 {
			cols, colW = c, ws
			break
		}
	}
	rows := (len(es) + cols - 1) / cols
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(es) {
				break
			}
			w.WriteString(names[i])
			if c < cols-1 && (c+1)*rows+r < len(es) {
				w.WriteString(strings.Repeat(" ", colW[c]-widths[i]))
			}
		}
		w.WriteByte('\n')
	}
}

func (o *lsOpts) printLong(w *bufio.Writer, es []lsEntry) {
	type row struct{ ino, blocks, mode, nlink, owner, group, size, date, name string }
	rows := make([]row, len(es))
	var wi, wn, wo, wg, ws int
	sixMonths := o.now.AddDate(0, -6, 0)
	for i, e := range es {
		st := sysStat(e.fi)
		r := row{blocks: o.blocks(e), mode: modeString(e.fi.Mode()), nlink: strconv.FormatUint(uint64(st.Nlink), 10)}
		if o.inode {
			r.ino = strconv.FormatUint(st.Ino, 10)
		}
		if o.numeric || o.db == nil {
			r.owner, r.group = strconv.Itoa(int(st.Uid)), strconv.Itoa(int(st.Gid))
		} else {
			r.owner, r.group = o.db.UserOrID(int(st.Uid)), o.db.GroupOrID(int(st.Gid))
		}
		m := e.fi.Mode()
		switch {
		case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
			r.size = fmt.Sprintf("%d, %d", major(uint64(st.Rdev)), minor(uint64(st.Rdev)))
		case o.human:
			r.size = humanize.Size(uint64(e.fi.Size()), humanize.GNU)
		default:
			r.size = strconv.FormatInt(e.fi.Size(), 10)
		}
		t := e.fi.ModTime()
		if t.Before(sixMonths) || t.After(o.now.Add(time.Hour)) {
			r.date = t.Format("Jan _2  2006")
		} else {
			r.date = t.Format("Jan _2 15:04")
		}
		r.name = o.decorate(e)
		if e.target != "" {
			r.name += " -> " + e.target
		}
		wi, wn, wo = max(wi, len(r.ino)), max(wn, len(r.nlink)), max(wo, len(r.owner))
		wg, ws = max(wg, len(r.group)), max(ws, len(r.size))
		rows[i] = r
	}
	for _, r := range rows {
		if o.inode {
			fmt.Fprintf(w, "%*s ", wi, r.ino)
		}
		w.WriteString(r.blocks)
		fmt.Fprintf(w, "%s %*s %-*s %-*s %*s %s %s\n", r.mode, wn, r.nlink, wo, r.owner, wg, r.group, ws, r.size, r.date, r.name)
	}
}
