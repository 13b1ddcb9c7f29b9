package files

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Stat is stat: display file status.
var Stat = tools.Applet{Name: "stat", Summary: "display file status", Run: runStat}

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
			v = tools.FileType(fi)
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
