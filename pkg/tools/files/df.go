package files

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/mountinfo"
)

// Df is df: report file system space usage.
var Df = tools.Applet{Name: "df", Summary: "report file system space usage", Run: runDf}

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
var dummyFS = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"autofs": true, "proc": true, "subfs": true, "debugfs": true, "devpts": true, "fusectl": true,
		"fuse.portal": true, "mqueue": true, "rpc_pipefs": true, "sysfs": true, "devfs": true,
		"kernfs": true, "ignore": true, "none": true,
	}
})

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
			if *onlyType != "" && m.fstype != *onlyType || !*all && dummyFS()[m.fstype] {
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
