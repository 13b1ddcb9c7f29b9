//go:build linux

package proc

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"
	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Hostname is hostname: print the host name (of the UTS namespace).
var Hostname = tools.Applet{Name: "hostname", Summary: "print the host name (of the UTS namespace)", Run: runHostname}

// Uname is uname: print system information.
var Uname = tools.Applet{Name: "uname", Summary: "print system information", Run: runUname}

// Uptime is uptime: print how long the system has been up and its load.
var Uptime = tools.Applet{Name: "uptime", Summary: "print how long the system has been up and its load", Run: runUptime}

// Free is free: print memory usage.
var Free = tools.Applet{Name: "free", Summary: "print memory usage", Run: runFree}

// Sleep is sleep: wait for a number of seconds.
var Sleep = tools.Applet{Name: "sleep", Summary: "wait for a number of seconds", Run: runSleep}

// Nproc is nproc: print the number of usable cpus (affinity and cgroup quota).
var Nproc = tools.Applet{Name: "nproc", Summary: "print the number of usable cpus (affinity and cgroup quota)", Run: runNproc}

func utsString(b [65]byte) string {
	s := string(b[:])
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

func runHostname(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("hostname", "")
	short, fqdn := fs.Bool('s', "short"), fs.Bool('f', "fqdn")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "hostname [-s|-f]\nPrints the host name; setting it is not supported (a debugger only looks).")
	}
	if err != nil || len(ops) > 0 {
		env.Errorf("hostname", "setting the host name is not supported (%v)", err)
		return 2
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		env.Errorf("hostname", "%v", err)
		return 1
	}
	name := utsString(u.Nodename)
	if *short && !*fqdn {
		name, _, _ = strings.Cut(name, ".")
	}
	fmt.Fprintln(env.Stdout, name)
	return 0
}

func runUname(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("uname", "")
	all := fs.Bool('a', "all")
	s, n, r := fs.Bool('s', "kernel-name"), fs.Bool('n', "nodename"), fs.Bool('r', "kernel-release")
	v, m, o := fs.Bool('v', "kernel-version"), fs.Bool('m', "machine"), fs.Bool('o', "operating-system")
	p, i := fs.Bool('p', "processor"), fs.Bool('i', "hardware-platform")
	if _, err := fs.ParseArgs(args[1:]); err != nil {
		if err == gnuflag.ErrHelp {
			return tools.Usage(env, "uname [-asnrvmpio]")
		}
		env.Errorf("uname", "%v", err)
		return 2
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		env.Errorf("uname", "%v", err)
		return 1
	}
	if !(*all || *n || *r || *v || *m || *o || *p || *i) {
		*s = true
	}
	var out []string
	add := func(on bool, val string) {
		if on || *all {
			out = append(out, val)
		}
	}
	add(*s, utsString(u.Sysname))
	add(*n, utsString(u.Nodename))
	add(*r, utsString(u.Release))
	add(*v, utsString(u.Version))
	add(*m, utsString(u.Machine))
	// -a omits processor and platform when unknown, as coreutils does.
	if *p {
		out = append(out, "unknown")
	}
	if *i {
		out = append(out, "unknown")
	}
	add(*o, "GNU/Linux")
	fmt.Fprintln(env.Stdout, strings.Join(out, " "))
	return 0
}

// systemUptime reads /proc/uptime; procfs has no parser for it.
func systemUptime() (time.Duration, error) {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, fmt.Errorf("empty /proc/uptime")
	}
	secs, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, fmt.Errorf("parsing /proc/uptime: %w", err)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

func formatUptime(d time.Duration, pretty bool) string {
	mins := int(d.Minutes())
	days, hours, m := mins/1440, mins/60%24, mins%60
	if pretty {
		var parts []string
		plural := func(n int, unit string) {
			if n == 1 {
				parts = append(parts, "1 "+unit)
			} else if n > 1 {
				parts = append(parts, fmt.Sprintf("%d %ss", n, unit))
			}
		}
		plural(days/7, "week")
		plural(days%7, "day")
		plural(hours, "hour")
		plural(m, "minute")
		if len(parts) == 0 {
			return "up 0 minutes"
		}
		return "up " + strings.Join(parts, ", ")
	}
	s := "up "
	if days > 0 {
		s += fmt.Sprintf("%d day", days)
		if days > 1 {
			s += "s"
		}
		s += ", "
	}
	if hours > 0 {
		return s + fmt.Sprintf("%2d:%02d", hours, m)
	}
	return s + fmt.Sprintf("%d min", m)
}

func runUptime(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("uptime", "")
	pretty, since := fs.Bool('p', "pretty"), fs.Bool('s', "since")
	if _, err := fs.ParseArgs(args[1:]); err != nil {
		if err == gnuflag.ErrHelp {
			return tools.Usage(env, "uptime [-p] [-s]")
		}
		env.Errorf("uptime", "%v", err)
		return 2
	}
	up, err := systemUptime()
	if err != nil {
		env.Errorf("uptime", "%v", err)
		return 1
	}
	now := time.Now()
	switch {
	case *since:
		fmt.Fprintln(env.Stdout, now.Add(-up).Format("2006-01-02 15:04:05"))
		return 0
	case *pretty:
		fmt.Fprintln(env.Stdout, formatUptime(up, true))
		return 0
	}
	line := fmt.Sprintf(" %s %s", now.Format("15:04:05"), formatUptime(up, false))
	if fsys, err := procfs.NewFS("/proc"); err == nil {
		if la, err := fsys.LoadAvg(); err == nil {
			line += fmt.Sprintf(",  load average: %.2f, %.2f, %.2f", la.Load1, la.Load5, la.Load15)
		}
	}
	fmt.Fprintln(env.Stdout, line)
	return 0
}

// memRow is one line of free in bytes: total used free shared buff/cache available.
type memRow struct {
	name   string
	values []uint64
}

func freeRows(mi procfs.Meminfo) []memRow {
	v := func(p *uint64) uint64 {
		if p == nil {
			return 0
		}
		return *p * 1024
	}
	total, free, buffers := v(mi.MemTotal), v(mi.MemFree), v(mi.Buffers)
	cache := v(mi.Cached) + v(mi.SReclaimable)
	avail := v(mi.MemAvailable)
	if mi.MemAvailable == nil {
		avail = free
	}
	// procps 4 counts used as total - available.
	used := total - min(avail, total)
	swapTotal, swapFree := v(mi.SwapTotal), v(mi.SwapFree)
	return []memRow{
		{"Mem:", []uint64{total, used, free, v(mi.Shmem), buffers + cache, avail}},
		{"Swap:", []uint64{swapTotal, swapTotal - swapFree, swapFree}},
	}
}

func runFree(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("free", "")
	human, b, k := fs.Bool('h', "human"), fs.Bool('b', "bytes"), fs.Bool('k', "kibi")
	m, g := fs.Bool('m', "mebi"), fs.Bool('g', "gibi")
	total := fs.Bool('t', "total")
	if _, err := fs.ParseArgs(args[1:]); err != nil {
		if err == gnuflag.ErrHelp {
			return tools.Usage(env, "free [-b|-k|-m|-g|-h] [-t]")
		}
		env.Errorf("free", "%v", err)
		return 2
	}
	_ = k
	fsys, err := procfs.NewFS("/proc")
	if err != nil {
		env.Errorf("free", "%v", err)
		return 1
	}
	mi, err := fsys.Meminfo()
	if err != nil {
		env.Errorf("free", "reading meminfo: %v", err)
		return 1
	}
	div := uint64(1024)
	switch {
	case *b:
		div = 1
	case *m:
		div = 1 << 20
	case *g:
		div = 1 << 30
	}
	format := func(n uint64) string {
		if *human {
			return humanize.Size(n, humanize.Procps)
		}
		return strconv.FormatUint(n/div, 10)
	}
	rows := freeRows(mi)
	if *total {
		t := memRow{"Total:", []uint64{rows[0].values[0] + rows[1].values[0], rows[0].values[1] + rows[1].values[1], rows[0].values[2] + rows[1].values[2]}}
		rows = append(rows, t)
	}
	var sb strings.Builder
	sb.WriteString(fmt.Sprintf("%-7s", ""))
	for i, h := range []string{"total", "used", "free", "shared", "buff/cache", "available"} {
		sb.WriteString(fmt.Sprintf(freeCell(i), h))
	}
	sb.WriteString("\n")
	for _, r := range rows {
		sb.WriteString(fmt.Sprintf("%-7s", r.name))
		for i, v := range r.values {
			sb.WriteString(fmt.Sprintf(freeCell(i), format(v)))
		}
		sb.WriteString("\n")
	}
	fmt.Fprint(env.Stdout, sb.String())
	return 0
}

// freeCell is the printf format of column i of free: the first is one wider.
func freeCell(i int) string {
	if i == 0 {
		return " %12s"
	}
	return " %11s"
}

// parseSleep accepts 1, 0.5, 2m, 1.5h, 1d.
func parseSleep(s string) (time.Duration, error) {
	mult := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, mult = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, mult = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, mult = s[:len(s)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) {
		return 0, fmt.Errorf("invalid time interval %q", s)
	}
	if math.IsInf(f, 1) || f*float64(mult) > math.MaxInt64 {
		return time.Duration(math.MaxInt64), nil
	}
	return time.Duration(f * float64(mult)), nil
}

func runSleep(ctx context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) || len(args) < 2 {
		tools.Usage(env, "sleep NUMBER[smhd]...\nWaits for the sum of the intervals; fractions are allowed.")
		if len(args) < 2 {
			return 1
		}
		return 0
	}
	var total time.Duration
	for _, a := range args[1:] {
		d, err := parseSleep(a)
		if err != nil {
			env.Errorf("sleep", "%v", err)
			return 1
		}
		total += d
	}
	t := time.NewTimer(total)
	defer t.Stop()
	select {
	case <-t.C:
		return 0
	case <-ctx.Done():
		return 130
	}
}

// usableCPUs is min(affinity, ceil(cgroup quota)), the number a program should plan for.
func usableCPUs(fsys procfs.FS) (int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return 0, fmt.Errorf("reading cpu affinity: %w", err)
	}
	n := set.Count()
	if v, err := resolveCgroups(fsys, os.Getpid()); err == nil {
		n = limitByQuota(n, v)
	}
	return n, nil
}

// limitByQuota lowers n to the cgroup cpu quota rounded up (at least 1).
func limitByQuota(n int, v *cgroupView) int {
	if q, p, ok := v.cpuQuota(); ok {
		if c := int(math.Ceil(float64(q) / float64(p))); c < n {
			return max(c, 1)
		}
	}
	return n
}

func runNproc(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("nproc", "")
	all := fs.Bool(0, "all")
	ignore := fs.String(0, "ignore", "0")
	if _, err := fs.ParseArgs(args[1:]); err != nil {
		if err == gnuflag.ErrHelp {
			return tools.Usage(env, "nproc [--all] [--ignore=N]\nHonours the cpu affinity and the cgroup cpu quota (rounded up).")
		}
		env.Errorf("nproc", "%v", err)
		return 2
	}
	fsys, err := procfs.NewFS("/proc")
	if err != nil {
		env.Errorf("nproc", "%v", err)
		return 1
	}
	var n int
	if *all {
		st, err := fsys.Stat()
		if err != nil {
			env.Errorf("nproc", "%v", err)
			return 1
		}
		n = len(st.CPU)
	} else if n, err = usableCPUs(fsys); err != nil {
		env.Errorf("nproc", "%v", err)
		return 1
	}
	ig, err := strconv.Atoi(*ignore)
	if err != nil {
		env.Errorf("nproc", "invalid number %q", *ignore)
		return 2
	}
	fmt.Fprintln(env.Stdout, max(n-ig, 1))
	return 0
}
