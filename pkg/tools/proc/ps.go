//go:build linux

package proc

import (
	"bufio"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Ps is ps: list processes (ps aux, ps -ef, ps -o pid,comm).
var Ps = tools.Applet{Name: "ps", Summary: "list processes (ps aux, ps -ef, ps -o pid,comm)", Run: runPS}

const psUsage = `ps [aux] [-e|-A] [-f] [-H|--forest] [-o COLS] [-p PIDS] [-C NAMES] [-u USERS] [--no-headers]
Lists every process of the PID namespace (like busybox; a debugger wants them all).
  aux / u      BSD user format: USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND
  -f           full format: UID PID PPID C STIME TTY TIME CMD
  -o COLS      columns, comma separated, NAME=HEADER renames: pid ppid pgid sid user uid gid group
               comm args cmd stat s rss vsz %cpu %mem etime etimes time bsdtime nlwp tty start stime c ni
  -p PIDS      only these pids (comma separated); -C NAMES only these command names
  -H, --forest show the process tree`

// psColumn is one column ps can print: header, width, alignment and value.
type psColumn struct {
	header string
	width  int
	right  bool
	value  func(c *psCtx, p *process) string
	needs  need
}

type psCtx struct {
	si sysInfo
	db *userdb.DB
}

func userColumn(c *psCtx, id int) string {
	name := c.db.UserOrID(id)
	if len(name) > 8 {
		name = name[:7] + "+"
	}
	return name
}

var psColumns = sync.OnceValue(func() map[string]psColumn {
	return map[string]psColumn{
		"pid":    {"PID", 0, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.PID) }, need{}},
		"ppid":   {"PPID", 0, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.PPID) }, need{}},
		"pgid":   {"PGID", 0, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.PGRP) }, need{}},
		"sid":    {"SID", 0, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.Session) }, need{}},
		"user":   {"USER", 8, false, func(c *psCtx, p *process) string { return userColumn(c, p.UID) }, need{ids: true}},
		"uid":    {"UID", 5, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.UID) }, need{ids: true}},
		"gid":    {"GID", 5, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.GID) }, need{ids: true}},
		"group":  {"GROUP", 8, false, func(c *psCtx, p *process) string { return c.db.GroupOrID(p.GID) }, need{ids: true}},
		"comm":   {"COMMAND", 15, false, func(_ *psCtx, p *process) string { return p.Comm }, need{}},
		"args":   {"COMMAND", 27, false, func(_ *psCtx, p *process) string { return p.command() }, need{args: true}},
		"stat":   {"STAT", 4, false, func(_ *psCtx, p *process) string { return p.statString() }, need{}},
		"s":      {"S", 1, false, func(_ *psCtx, p *process) string { return p.State }, need{}},
		"rss":    {"RSS", 5, true, func(c *psCtx, p *process) string { return strconv.Itoa(p.RSS * c.si.pageSize / 1024) }, need{}},
		"vsz":    {"VSZ", 6, true, func(_ *psCtx, p *process) string { return strconv.FormatUint(uint64(p.VSize)/1024, 10) }, need{}},
		"%cpu":   {"%CPU", 4, true, func(c *psCtx, p *process) string { return strconv.FormatFloat(p.pcpu(c.si), 'f', 1, 64) }, need{}},
		"%mem":   {"%MEM", 4, true, func(c *psCtx, p *process) string { return strconv.FormatFloat(p.pmem(c.si), 'f', 1, 64) }, need{}},
		"etime":  {"ELAPSED", 11, true, func(c *psCtx, p *process) string { return formatElapsed(int64(p.elapsed(c.si).Seconds())) }, need{}},
		"etimes": {"ELAPSED", 7, true, func(c *psCtx, p *process) string { return strconv.FormatInt(int64(p.elapsed(c.si).Seconds()), 10) }, need{}},
		"time":   {"TIME", 8, true, func(_ *psCtx, p *process) string { return formatDHMS(int64(p.cpuSeconds())) }, need{}},
		"bsdtime": {"TIME", 6, true, func(_ *psCtx, p *process) string {
			s := int64(p.cpuSeconds())
			return fmt.Sprintf("%d:%02d", s/60, s%60)
		}, need{}},
		"nlwp":  {"NLWP", 4, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.NumThreads) }, need{}},
		"tty":   {"TT", 8, false, func(_ *psCtx, p *process) string { return ttyName(p.TTY) }, need{}},
		"start": {"STARTED", 8, true, func(c *psCtx, p *process) string { return formatStart8(p, c) }, need{}},
		"stime": {"STIME", 5, false, func(c *psCtx, p *process) string { return formatStartTime(p.startTime(c.si), c.si.now) }, need{}},
		"c":     {"C", 2, true, func(c *psCtx, p *process) string { return strconv.Itoa(min(int(p.pcpu(c.si)), 99)) }, need{}},
		"ni":    {"NI", 3, true, func(_ *psCtx, p *process) string { return strconv.Itoa(p.Nice) }, need{}},
	}
})

var psAliases = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"command": "args", "cmd": "args=CMD", "ucmd": "comm=CMD", "ucomm": "comm", "euser": "user", "euid": "uid",
		"egid": "gid", "egroup": "group", "uname": "user", "pcpu": "%cpu", "pmem": "%mem", "rsz": "rss",
		"vsize": "vsz", "cputime": "time", "thcount": "nlwp", "tt": "tty", "tname": "tty", "state": "s",
		"start_time": "stime", "lstart": "start", "nice": "ni", "pgrp": "pgid", "sess": "sid", "session": "sid",
		"uid_user": "user=UID",
	}
})

type psColSel struct {
	psColumn
	key string
}

// parsePSFormat turns "pid,comm=NAME" (also space separated) into columns.
func parsePSFormat(spec string, pidWidth int) ([]psColSel, error) {
	var out []psColSel
	for _, f := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' }) {
		name, header, renamed := strings.Cut(f, "=")
		name = strings.ToLower(name)
		if a, ok := psAliases()[name]; ok {
			n, h, hasH := strings.Cut(a, "=")
			name = n
			if hasH && !renamed {
				header, renamed = h, true
			}
		}
		col, ok := psColumns()[name]
		if !ok {
			return nil, fmt.Errorf("unknown user-defined format specifier %q", f)
		}
		if col.width == 0 {
			col.width = pidWidth
		}
		if renamed {
			col.header = header
		}
		out = append(out, psColSel{col, name})
	}
	return out, nil
}

type psOptions struct {
	format   string
	pids     map[int]bool
	names    map[string]bool
	users    []string
	tree     bool // -H: indent
	forest   bool // --forest / f: ascii art
	noHeader bool
}

func parsePSArgs(args []string) (psOptions, error) {
	o := psOptions{format: "pid,tty=TTY,time,ucmd"}
	full, bsdUser := false, false
	takeList := func(i *int, rest string, args []string) (string, error) {
		if rest != "" {
			return rest, nil
		}
		if *i+1 >= len(args) {
			return "", fmt.Errorf("option requires an argument")
		}
		*i++
		return args[*i], nil
	}
	addPIDs := func(s string) error {
		if o.pids == nil {
			o.pids = map[int]bool{}
		}
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			n, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("process ID list syntax error: %q", f)
			}
			o.pids[n] = true
		}
		return nil
	}
	custom := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--forest":
			o.forest = true
		case a == "--no-headers" || a == "--no-heading":
			o.noHeader = true
		case strings.HasPrefix(a, "--pid"):
			v, _ := strings.CutPrefix(strings.TrimPrefix(a, "--pid"), "=")
			v, err := takeList(&i, v, args)
			if err == nil {
				err = addPIDs(v)
			}
			if err != nil {
				return o, err
			}
		case strings.HasPrefix(a, "--format"):
			v, _ := strings.CutPrefix(strings.TrimPrefix(a, "--format"), "=")
			v, err := takeList(&i, v, args)
			if err != nil {
				return o, err
			}
			custom = strings.TrimSpace(custom + "," + v)
		case strings.HasPrefix(a, "--"):
			return o, fmt.Errorf("unknown option %q", a)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				switch a[j] {
				case 'e', 'A', 'a', 'x', 'w', 'l', 'y':
				case 'f':
					full = true
				case 'H':
					o.tree = true
				case 'o', 'p', 'C', 'u', 'U', 'q':
					v, err := takeList(&i, a[j+1:], args)
					if err != nil {
						return o, fmt.Errorf("-%c: %w", a[j], err)
					}
					switch a[j] {
					case 'o':
						custom = strings.TrimPrefix(custom+","+v, ",")
					case 'p', 'q':
						err = addPIDs(v)
					case 'C':
						if o.names == nil {
							o.names = map[string]bool{}
						}
						for _, n := range strings.Split(v, ",") {
							o.names[n] = true
						}
					default:
						o.users = append(o.users, strings.Split(v, ",")...)
					}
					if err != nil {
						return o, err
					}
					j = len(a)
				default:
					return o, fmt.Errorf("unknown option -%c", a[j])
				}
			}
		default: // BSD options without a dash
			for j := 0; j < len(a); j++ {
				switch a[j] {
				case 'a', 'x', 'e', 'w', 'r':
				case 'u':
					bsdUser = true
				case 'f':
					o.forest = true
				case 'o', 'p':
					v, err := takeList(&i, a[j+1:], args)
					if err != nil {
						return o, fmt.Errorf("%c: %w", a[j], err)
					}
					if a[j] == 'o' {
						custom = strings.TrimPrefix(custom+","+v, ",")
					} else if err := addPIDs(v); err != nil {
						return o, err
					}
					j = len(a)
				default:
					if a[j] >= '0' && a[j] <= '9' {
						if err := addPIDs(a); err != nil {
							return o, err
						}
						j = len(a)
						continue
					}
					return o, fmt.Errorf("unknown option %c", a[j])
				}
			}
		}
	}
	switch {
	case custom != "":
		o.format = custom
	case bsdUser:
		o.format = "user,pid,%cpu,%mem,vsz,rss,tty=TTY,stat,stime=START,bsdtime,args"
	case full:
		o.format = "uid_user,pid,ppid,c,stime,tty=TTY,time,args=CMD"
	}
	return o, nil
}

func runPS(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, psUsage)
	}
	o, err := parsePSArgs(args[1:])
	if err != nil {
		env.Errorf("ps", "%v", err)
		return 2
	}
	fsys := procfile.Default
	si := loadSysInfo(fsys)
	cols, err := parsePSFormat(o.format, si.pidWidth)
	if err != nil {
		env.Errorf("ps", "%v", err)
		return 2
	}
	var n need
	for _, c := range cols {
		n.args = n.args || c.needs.args
		n.ids = n.ids || c.needs.ids
	}
	db := userdb.Load("/")
	var uids map[int]bool
	if len(o.users) > 0 {
		n.ids = true
		uids = map[int]bool{}
		for _, u := range o.users {
			if usr, ok := db.LookupUser(u); ok {
				uids[usr.UID] = true
			}
		}
	}
	procs, err := listProcesses(fsys, n)
	if err != nil {
		env.Errorf("ps", "%v", err)
		return 1
	}
	var sel []*process
	for _, p := range procs {
		if (o.pids == nil || o.pids[p.PID]) && (o.names == nil || o.names[p.Comm]) && (uids == nil || uids[p.UID]) {
			sel = append(sel, p)
		}
	}
	var prefixes map[int]string
	if o.tree || o.forest {
		sel, prefixes = treeOrder(sel, o.forest)
	}
	w := bufio.NewWriterSize(env.Stdout, 64*1024)
	defer w.Flush()
	if !o.noHeader {
		writePSRow(w, cols, func(c psColSel) string { return c.header })
	}
	ctx := &psCtx{si: si, db: db}
	for _, p := range sel {
		writePSRow(w, cols, func(c psColSel) string {
			v := c.value(ctx, p)
			if prefixes != nil && (c.key == "args" || c.key == "comm") {
				v = prefixes[p.PID] + v
			}
			return v
		})
	}
	if len(sel) == 0 {
		return 1
	}
	return 0
}

func writePSRow(w *bufio.Writer, cols []psColSel, value func(psColSel) string) {
	for i, c := range cols {
		v := value(c)
		if i > 0 {
			w.WriteByte(' ')
		}
		pad := c.width - len(v)
		switch {
		case c.right:
			for ; pad > 0; pad-- {
				w.WriteByte(' ')
			}
			w.WriteString(v)
		case i == len(cols)-1:
			w.WriteString(v)
		default:
			w.WriteString(v)
			for ; pad > 0; pad-- {
				w.WriteByte(' ')
			}
		}
	}
	w.WriteByte('\n')
}

// treeOrder sorts procs depth first (children after their parent, by pid) and returns the
// prefix of each command: two spaces a level for -H, " \_ " art for --forest.
func treeOrder(procs []*process, forest bool) ([]*process, map[int]string) {
	byPID := map[int]*process{}
	for _, p := range procs {
		byPID[p.PID] = p
	}
	children := map[int][]*process{}
	var roots []*process
	for _, p := range procs {
		if _, ok := byPID[p.PPID]; ok && p.PPID != p.PID {
			children[p.PPID] = append(children[p.PPID], p)
		} else {
			roots = append(roots, p)
		}
	}
	for _, c := range children {
		sort.Slice(c, func(i, j int) bool { return c[i].PID < c[j].PID })
	}
	out := make([]*process, 0, len(procs))
	prefixes := map[int]string{}
	var walk func(p *process, depth int)
	walk = func(p *process, depth int) {
		switch {
		case depth == 0:
		case forest:
			prefixes[p.PID] = strings.Repeat("    ", depth-1) + " \\_ "
		default:
			prefixes[p.PID] = strings.Repeat("  ", depth)
		}
		out = append(out, p)
		for _, c := range children[p.PID] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out, prefixes
}

// formatStart8 is the 8-wide STARTED column: HH:MM:SS today, "Mon DD" otherwise.
func formatStart8(p *process, c *psCtx) string {
	t := p.startTime(c.si)
	if c.si.now.Sub(t) < 24*time.Hour {
		return t.Format("15:04:05")
	}
	return t.Format("Jan _2")
}
