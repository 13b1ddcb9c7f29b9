package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/mountinfo"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Stat is stat: display file status.
var Stat = tools.Applet{Name: "stat", Summary: "display file status", Run: runStat}

// Wc is wc: count lines, words and bytes.
var Wc = tools.Applet{Name: "wc", Summary: "count lines, words and bytes", Run: runWc}

// Du is du: estimate file space usage.
var Du = tools.Applet{Name: "du", Summary: "estimate file space usage", Run: runDu}

// Df is df: report file system space usage.
var Df = tools.Applet{Name: "df", Summary: "report file system space usage", Run: runDf}

func fileType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character special file"
	case m&fs.ModeDevice != 0:
		return "block special file"
	}
	return "regular file"
}

func statTime(ts syscall.Timespec) string {
	return time.Unix(ts.Sec, ts.Nsec).Format("2006-01-02 15:04:05.000000000 -0700")
}

func runStat(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("stat", `stat [-L] [-c FORMAT] FILE...
FORMAT: %n name  %N quoted name -> target  %s size  %b blocks  %B block size  %f raw mode (hex)
  %a octal mode  %A mode  %F type  %u uid  %U user  %g gid  %G group  %i inode  %h links
  %d device  %t/%T major/minor (hex)  %x %y %z times  %X %Y %Z epoch times  %o io block  %m mount`)
	deref := fset.Bool('L', "dereference")
	format, custom := fset.StringSet('c', "format", "")
	printf := false
	fset.Func(0, "printf", func(v string) error { *format, *custom, printf = unescape(v), true, true; return nil })
	terse := fset.Bool('t', "terse")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("stat", "missing operand")
		return 2
	}
	db := userdb.Load("/")
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	st := 0
	for _, op := range ops {
		p := env.Abs(op)
		var fi fs.FileInfo
		var err error
		if *deref {
			fi, err = os.Stat(p)
		} else {
			fi, err = os.Lstat(p)
		}
		if err != nil {
			w.Flush()
			env.Errorf("stat", "cannot statx '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		switch {
		case *custom:
			w.WriteString(statFormat(*format, op, p, fi, db))
			if !printf {
				w.WriteByte('\n')
			}
		case *terse:
			w.WriteString(statFormat("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o", op, p, fi, db) + "\n")
		default:
			// GNU coreutils 9's default format, which prints the names as they are.
			s := sysStat(fi)
			name := op
			if fi.Mode()&fs.ModeSymlink != 0 {
				if t, err := os.Readlink(p); err == nil {
					name += " -> " + t
				}
			}
			w.WriteString("  File: " + name + "\n")
			w.WriteString(statFormat("  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n", op, p, fi, db))
			fmt.Fprintf(w, "Device: %d,%d\tInode: %-11d Links: ", major(uint64(s.Dev)), minor(uint64(s.Dev)), s.Ino)
			if fi.Mode()&fs.ModeDevice != 0 {
				fmt.Fprintf(w, "%-5d Device type: %d,%d\n", s.Nlink, major(uint64(s.Rdev)), minor(uint64(s.Rdev)))
			} else {
				fmt.Fprintf(w, "%d\n", s.Nlink)
			}
			w.WriteString(statFormat("Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n", op, p, fi, db))
		}
	}
	return st
}

// statFormat expands stat -c directives for one file.
func statFormat(format, name, p string, fi fs.FileInfo, db *userdb.DB) string {
	s := sysStat(fi)
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		// optional width/flags such as %-15s or %04a
		j := i + 1
		for j < len(format) && strings.IndexByte("-0123456789", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			b.WriteString(format[i:])
			break
		}
		width := format[i+1 : j]
		verb := format[j]
		i = j
		var v string
		switch verb {
		case 'n':
			v = name
		case 'N':
			v = "'" + name + "'"
			if fi.Mode()&fs.ModeSymlink != 0 {
				if t, err := os.Readlink(p); err == nil {
					v += " -> '" + t + "'"
				}
			}
		case 's':
			v = strconv.FormatInt(fi.Size(), 10)
		case 'b':
			v = strconv.FormatInt(s.Blocks, 10)
		case 'B':
			v = "512"
		case 'o':
			v = strconv.FormatInt(int64(s.Blksize), 10)
		case 'f':
			v = strconv.FormatUint(uint64(s.Mode), 16)
		case 'a':
			v = strconv.FormatUint(uint64(unixMode(fi.Mode())), 8)
		case 'A':
			v = modeString(fi.Mode())
		case 'F':
			v = fileType(fi.Mode())
			if v == "regular file" && fi.Size() == 0 {
				v = "regular empty file"
			}
		case 'u':
			v = strconv.Itoa(int(s.Uid))
		case 'U':
			v = db.UserOrID(int(s.Uid))
		case 'g':
			v = strconv.Itoa(int(s.Gid))
		case 'G':
			v = db.GroupOrID(int(s.Gid))
		case 'i':
			v = strconv.FormatUint(s.Ino, 10)
		case 'h':
			v = strconv.FormatUint(uint64(s.Nlink), 10)
		case 'd':
			v = strconv.FormatUint(uint64(s.Dev), 10)
		case 'D':
			v = strconv.FormatUint(uint64(s.Dev), 16)
		case 't':
			v = strconv.FormatUint(major(uint64(s.Rdev)), 16)
		case 'T':
			v = strconv.FormatUint(minor(uint64(s.Rdev)), 16)
		case 'x':
			v = statTime(atim(s))
		case 'y':
			v = statTime(mtim(s))
		case 'z':
			v = statTime(ctim(s))
		case 'w':
			v = "-"
			if bt, ok := birthTime(p, fi); ok {
				v = statTime(bt)
			}
		case 'X':
			v = strconv.FormatInt(atim(s).Sec, 10)
		case 'Y':
			v = strconv.FormatInt(mtim(s).Sec, 10)
		case 'Z':
			v = strconv.FormatInt(ctim(s).Sec, 10)
		case 'W':
			v = "0"
			if bt, ok := birthTime(p, fi); ok {
				v = strconv.FormatInt(bt.Sec, 10)
			}
		case 'm':
			v = mountPointOf(p)
		case '%':
			v = "%"
		default:
			v = "?"
		}
		if width != "" {
			n, _ := strconv.Atoi(strings.TrimLeft(width, "-0"))
			switch {
			case strings.HasPrefix(width, "-"):
				v = fmt.Sprintf("%-*s", n, v)
			case strings.HasPrefix(width, "0"):
				v = strings.Repeat("0", max(n-len(v), 0)) + v
			default:
				v = fmt.Sprintf("%*s", n, v)
			}
		}
		b.WriteString(v)
	}
	return b.String()
}

func unescape(s string) string {
	r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`, `\0`, "\x00")
	return r.Replace(s)
}

type wcCounts struct{ lines, words, chars, bytes, maxLine int64 }

func countWC(ctx context.Context, r io.Reader, wantChars bool) (wcCounts, error) {
	var c wcCounts
	buf := make([]byte, 256<<10)
	inWord := false
	lineLen := int64(0)
	for {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		n, err := r.Read(buf)
		b := buf[:n]
		c.bytes += int64(n)
		c.lines += int64(bytes.Count(b, []byte{'\n'}))
		for _, ch := range b {
			// GNU wc counts words as runs of non-space; space is the C-locale set.
			sp := ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f'
			if !sp && !inWord {
				c.words++
			}
			inWord = !sp
			if wantChars && ch&0xc0 != 0x80 {
				c.chars++
			}
			if ch == '\n' {
				c.maxLine = max(c.maxLine, lineLen)
				lineLen = 0
			} else if ch == '\t' {
				lineLen = (lineLen/8 + 1) * 8
			} else if ch&0xc0 != 0x80 {
				lineLen++
			}
		}
		if err == io.EOF {
			c.maxLine = max(c.maxLine, lineLen)
			return c, nil
		}
		if err != nil {
			return c, err
		}
	}
}

func runWc(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("wc", "wc [-clmwL] [FILE]...")
	bytesF := fset.Bool('c', "bytes")
	chars := fset.Bool('m', "chars")
	lines := fset.Bool('l', "lines")
	words := fset.Bool('w', "words")
	maxLine := fset.Bool('L', "max-line-length")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if !*bytesF && !*chars && !*lines && !*words && !*maxLine {
		*lines, *words, *bytesF = true, true, true
	}
	stdinOnly := len(ops) == 0
	if stdinOnly {
		ops = []string{"-"}
	}
	type res struct {
		c    wcCounts
		name string
		ok   bool
	}
	var rs []res
	var total wcCounts
	st := 0
	for _, op := range ops {
		r, closer, err := openInput(env, op)
		if err != nil {
			env.Errorf("wc", "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		c, err := countWC(ctx, r, *chars)
		closer()
		if err != nil {
			env.Errorf("wc", "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		name := op
		if stdinOnly {
			name = ""
		}
		rs = append(rs, res{c, name, true})
		total.lines += c.lines
		total.words += c.words
		total.chars += c.chars
		total.bytes += c.bytes
		total.maxLine = max(total.maxLine, c.maxLine)
	}
	if len(ops) > 1 {
		rs = append(rs, res{total, "total", true})
	}
	// GNU pads every column to the width of the largest number (of the total), at least 7
	// when reading stdin, and prints a lone count without padding.
	nCols := 0
	for _, b := range []bool{*lines, *words, *chars, *bytesF, *maxLine} {
		if b {
			nCols++
		}
	}
	width := len(strconv.FormatInt(max(total.lines, total.words, total.bytes, total.chars, total.maxLine), 10))
	if stdinOnly && nCols > 1 {
		width = 7
	}
	if nCols == 1 && len(rs) == 1 {
		width = 1
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for _, r := range rs {
		var fields []string
		add := func(on bool, v int64) {
			if on {
				fields = append(fields, fmt.Sprintf("%*d", width, v))
			}
		}
		add(*lines, r.c.lines)
		add(*words, r.c.words)
		add(*chars, r.c.chars)
		add(*bytesF, r.c.bytes)
		add(*maxLine, r.c.maxLine)
		line := strings.Join(fields, " ")
		if r.name != "" {
			line += " " + r.name
		}
		w.WriteString(line + "\n")
	}
	return st
}

func runDu(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("du", `du [-sahckmbx] [-d N] [FILE]...
  -s summary only  -a all files  -h human  -c total  -k KiB (default)  -m MiB  -b apparent bytes
  -d N / --max-depth=N  print up to depth N  -x stay on one file system  --apparent-size`)
	summary := fset.Bool('s', "summarize")
	all := fset.Bool('a', "all")
	human := fset.Bool('h', "human-readable")
	total := fset.Bool('c', "total")
	fset.Bool('k', "")
	mega := fset.Bool('m', "")
	apparent := fset.Bool(0, "apparent-size")
	bytesUnit := false
	fset.BoolFunc('b', "bytes", func() { *apparent, bytesUnit = true, true })
	xdev := fset.Bool('x', "one-file-system")
	depth := fset.Int('d', "max-depth", -1)
	fset.Bool('L', "dereference")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *summary {
		*depth = 0
	}
	if len(ops) == 0 {
		ops = []string{"."}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	show := func(n int64, name string) {
		var s string
		switch {
		case *human:
			s = humanize.Size(uint64(n), humanize.GNU)
		case bytesUnit:
			s = strconv.FormatInt(n, 10)
		case *mega:
			s = strconv.FormatInt((n+(1<<20)-1)>>20, 10)
		default:
			s = strconv.FormatInt((n+1023)/1024, 10)
		}
		w.WriteString(s + "\t" + name + "\n")
	}
	st := 0
	seen := map[[2]uint64]bool{}
	var grand int64
	var walk func(p, shown string, fi fs.FileInfo, d int, dev uint64) int64
	walk = func(p, shown string, fi fs.FileInfo, d int, dev uint64) int64 {
		s := sysStat(fi)
		if s.Nlink > 1 && !fi.IsDir() {
			k := [2]uint64{uint64(s.Dev), s.Ino}
			if seen[k] {
				return 0
			}
			seen[k] = true
		}
		size := s.Blocks * 512
		if *apparent {
			size = fi.Size()
		}
		if fi.IsDir() && ctx.Err() == nil && !(*xdev && uint64(s.Dev) != dev) {
			ents, err := os.ReadDir(p)
			if err != nil {
				w.Flush()
				env.Errorf("du", "cannot read directory '%s': %s", shown, tools.Reason(err))
				st = 1
			}
			for _, e := range ents {
				cp := filepath.Join(p, e.Name())
				cfi, err := os.Lstat(cp)
				if err != nil {
					continue
				}
				if *xdev && uint64(sysStat(cfi).Dev) != dev {
					continue
				}
				size += walk(cp, shown+"/"+e.Name(), cfi, d+1, dev)
			}
			if *depth < 0 || d <= *depth {
				show(size, shown)
			}
		} else if (*all || d == 0) && (*depth < 0 || d <= *depth) {
			show(size, shown)
		}
		return size
	}
	for _, op := range ops {
		p := env.Abs(op)
		fi, err := os.Lstat(p)
		if err != nil {
			env.Errorf("du", "cannot access '%s': %s", op, tools.Reason(err))
			st = 1
			continue
		}
		grand += walk(p, strings.TrimSuffix(op, "/")+map[bool]string{true: "/", false: ""}[op == "/"], fi, 0, uint64(sysStat(fi).Dev))
	}
	if *total {
		show(grand, "total")
	}
	return st
}

type mountInfo struct{ dev, point, fstype, root string }

// mounts reads /proc/self/mountinfo.
func mounts() ([]mountInfo, error) {
	ms, err := mountinfo.Read("self")
	if err != nil {
		return nil, err
	}
	out := make([]mountInfo, len(ms))
	for i, m := range ms {
		out[i] = mountInfo{dev: m.Source, point: m.Target, fstype: m.FSType, root: m.Root}
	}
	return out, nil
}

func mountPointOf(p string) string {
	ms, _ := mounts()
	best := "/"
	for _, m := range ms {
		if (p == m.point || strings.HasPrefix(p, strings.TrimSuffix(m.point, "/")+"/")) && len(m.point) > len(best) {
			best = m.point
		}
	}
	return best
}

// dummyFS are the types that GNU df leaves out without -a (gnulib's ME_DUMMY).
var dummyFS = map[string]bool{
	"autofs": true, "proc": true, "subfs": true, "debugfs": true, "devpts": true, "fusectl": true,
	"fuse.portal": true, "mqueue": true, "rpc_pipefs": true, "sysfs": true, "devfs": true,
	"kernfs": true, "ignore": true, "none": true,
}

// onePerDevice keeps one mount of each file system, as GNU df does without -a (bind mounts
// and the like show the same numbers again). Of two mounts of a device the one that wins
// has a real device name ("/dev/x" over "tmpfs"), else the mount point nearer the root
// unless it mounts a subdirectory of the other, else the one mounted over the other on
// the same point. The winner keeps the place of the first.
func onePerDevice(ms []mountInfo) []mountInfo {
	var out []mountInfo
	byDev := map[uint64]int{}
	for _, m := range ms {
		var st syscall.Stat_t
		if err := syscall.Stat(m.point, &st); err != nil {
			out = append(out, m) // reported on later
			continue
		}
		i, seen := byDev[uint64(st.Dev)]
		if !seen {
			byDev[uint64(st.Dev)] = len(out)
			out = append(out, m)
			continue
		}
		old := out[i]
		nearerRoot := len(old.point) > len(m.point)
		belowRoot := old.root != "" && m.root != "" && len(old.root) < len(m.root)
		if (strings.Contains(m.dev, "/") && !strings.Contains(old.dev, "/")) ||
			(nearerRoot && !belowRoot) || (old.dev != m.dev && old.point == m.point) {
			out[i] = m
		}
	}
	return out
}

func runDf(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("df", "df [-haiT] [-t TYPE] [FILE]...")
	human := fset.Bool('h', "human-readable")
	all := fset.Bool('a', "all")
	inodes := fset.Bool('i', "inodes")
	showType := fset.Bool('T', "print-type")
	onlyType := fset.String('t', "type", "")
	fset.Bool('k', "")
	posix := fset.Bool('P', "portability")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	ms, err := mounts()
	if err != nil {
		env.Errorf("df", "cannot read table of mounted file systems: %s", tools.Reason(err))
		return 1
	}
	st := 0
	var want []mountInfo
	if len(ops) > 0 {
		for _, op := range ops {
			p := env.Abs(op)
			if _, err := os.Stat(p); err != nil {
				env.Errorf("df", "%s: %s", op, tools.Reason(err))
				st = 1
				continue
			}
			mp := mountPointOf(p)
			for i := len(ms) - 1; i >= 0; i-- {
				if ms[i].point == mp {
					want = append(want, ms[i])
					break
				}
			}
		}
	} else {
		if !*all {
			ms = onePerDevice(ms)
		}
		for _, m := range ms {
			if *onlyType != "" && m.fstype != *onlyType || !*all && dummyFS[m.fstype] {
				continue
			}
			want = append(want, m)
		}
	}
	type row []string
	// GNU's minimum widths: 14 for Filesystem, 4 for Type and the percentages, 5 for the
	// numbers; the mount point is not padded.
	hdr, minWidth := row{"Filesystem"}, []int{14}
	if *showType {
		hdr, minWidth = append(hdr, "Type"), append(minWidth, 4)
	}
	switch {
	case *inodes:
		hdr = append(hdr, "Inodes", "IUsed", "IFree", "IUse%")
	case *human:
		hdr = append(hdr, "Size", "Used", "Avail", "Use%")
	case *posix:
		hdr = append(hdr, "1024-blocks", "Used", "Available", "Capacity")
	default:
		hdr = append(hdr, "1K-blocks", "Used", "Available", "Use%")
	}
	minWidth = append(minWidth, 5, 5, 5, 4)
	hdr = append(hdr, "Mounted on")
	rows := []row{hdr}
	for _, m := range want {
		var s syscall.Statfs_t
		if err := syscall.Statfs(m.point, &s); err != nil {
			continue
		}
		if s.Blocks == 0 && !*all && len(ops) == 0 {
			continue
		}
		r := row{m.dev}
		if *showType {
			r = append(r, m.fstype)
		}
		pct := func(used, avail uint64) string {
			if used+avail == 0 {
				return "-"
			}
			return fmt.Sprintf("%d%%", (used*100+used+avail-1)/(used+avail))
		}
		if *inodes {
			used := s.Files - s.Ffree
			r = append(r, fmt.Sprint(s.Files), fmt.Sprint(used), fmt.Sprint(s.Ffree), pct(used, s.Ffree))
		} else {
			bs := fsBlockSize(&s)
			size, free, avail := s.Blocks*bs, s.Bfree*bs, s.Bavail*bs
			used := size - free
			f := func(n uint64) string {
				if *human {
					return humanize.Size(n, humanize.GNU)
				}
				return strconv.FormatUint((n+1023)/1024, 10)
			}
			r = append(r, f(size), f(used), f(avail), pct(used, avail))
		}
		r = append(r, m.point)
		rows = append(rows, r)
	}
	widths := append(minWidth, 0)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for _, r := range rows {
		for i, c := range r {
			switch {
			case i == len(r)-1:
				w.WriteString(c)
			case i == 0 || (*showType && i == 1):
				fmt.Fprintf(w, "%-*s ", widths[i], c)
			default:
				fmt.Fprintf(w, "%*s ", widths[i], c)
			}
		}
		w.WriteByte('\n')
	}
	return st
}
