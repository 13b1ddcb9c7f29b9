//go:build linux

package proc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// Top is top: show the busiest processes, refreshed (top -b -n 1 for one batch frame).
var Top = tools.Applet{Name: "top", Summary: "show the busiest processes, refreshed (top -b -n 1 for one batch frame)", Run: runTop}

const topUsage = `top [-b] [-n FRAMES] [-d SECONDS] [-o %CPU|%MEM|PID|TIME+] [-p PIDS]
Interactive when stdout is a terminal: q quits, P sorts by cpu, M by memory, N by pid, T by time.
-b prints frames one after the other (batch), -n stops after FRAMES frames.`

// topSample is one look at the system: cpu counters and the process table.
type topSample struct {
	at    time.Time
	cpu   procfile.CPUTimes
	procs []*process
}

func takeTopSample(fsys procfile.FS) (topSample, error) {
	s := topSample{at: time.Now()}
	if st, err := fsys.ReadSystemStat(); err == nil {
		s.cpu = st.CPUTotal
	}
	var err error
	s.procs, err = listProcesses(fsys, need{ids: true, shared: true})
	return s, err
}

type topRow struct {
	p    *process
	pcpu float64
}

type topState struct {
	fsys   procfile.FS
	db     *userdb.DB
	si     sysInfo
	sortBy string
	pids   map[int]bool
}

func cpuSum(c procfile.CPUTimes) float64 {
	return float64(c.User + c.Nice + c.System + c.Idle + c.Iowait + c.IRQ + c.SoftIRQ + c.Steal)
}

// frame renders one screen from two samples; rows < 0 means all processes.
func (t *topState) frame(prev, cur topSample, rows int) string {
	var b strings.Builder
	up, _ := systemUptime()
	load := ""
	if la, err := t.fsys.ReadLoadAvg(); err == nil {
		load = fmt.Sprintf(",  load average: %.2f, %.2f, %.2f", la.Load1, la.Load5, la.Load15)
	}
	fmt.Fprintf(&b, "top - %s %s%s\n", cur.at.Format("15:04:05"), formatUptime(up, false), load)
	states := map[string]int{}
	for _, p := range cur.procs {
		states[p.State]++
	}
	fmt.Fprintf(&b, "Tasks: %3d total, %3d running, %3d sleeping, %3d stopped, %3d zombie\n",
		len(cur.procs), states["R"], states["S"]+states["I"]+states["D"], states["T"]+states["t"], states["Z"])
	total := cpuSum(cur.cpu) - cpuSum(prev.cpu)
	pct := func(a, b uint64) float64 {
		if total <= 0 || a < b {
			return 0
		}
		return float64(a-b) * 100 / total
	}
	c, p := cur.cpu, prev.cpu
	fmt.Fprintf(&b, "%%Cpu(s): %4.1f us, %4.1f sy, %4.1f ni, %4.1f id, %4.1f wa, %4.1f hi, %4.1f si, %4.1f st\n",
		pct(c.User, p.User), pct(c.System, p.System), pct(c.Nice, p.Nice), pct(c.Idle, p.Idle),
		pct(c.Iowait, p.Iowait), pct(c.IRQ, p.IRQ), pct(c.SoftIRQ, p.SoftIRQ), pct(c.Steal, p.Steal))
	if mi, err := t.fsys.ReadMeminfo(); err == nil {
		r := freeRows(mi)
		mib := func(n uint64) float64 { return float64(n) / (1 << 20) }
		m, s := r[0].values, r[1].values
		fmt.Fprintf(&b, "MiB Mem : %8.1f total, %8.1f free, %8.1f used, %8.1f buff/cache\n", mib(m[0]), mib(m[2]), mib(m[1]), mib(m[4]))
		fmt.Fprintf(&b, "MiB Swap: %8.1f total, %8.1f free, %8.1f used. %8.1f avail Mem\n", mib(s[0]), mib(s[2]), mib(s[1]), mib(m[5]))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%*s %-8s %3s %3s %7s %6s %6s S %5s %5s %9s COMMAND\n", t.si.pidWidth, "PID", "USER", "PR", "NI", "VIRT", "RES", "SHR", "%CPU", "%MEM", "TIME+")
	before := map[int]*process{}
	for _, p := range prev.procs {
		before[p.PID] = p
	}
	secs := cur.at.Sub(prev.at).Seconds()
	var list []topRow
	for _, p := range cur.procs {
		if t.pids != nil && !t.pids[p.PID] {
			continue
		}
		r := topRow{p: p}
		if old, ok := before[p.PID]; ok && secs > 0 && old.Starttime == p.Starttime {
			r.pcpu = float64(p.UTime+p.STime-old.UTime-old.STime) / userHZ / secs * 100
		} else {
			r.pcpu = p.pcpu(t.si)
		}
		list = append(list, r)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch t.sortBy {
		case "%MEM":
			return a.p.RSS > b.p.RSS
		case "PID":
			return a.p.PID < b.p.PID
		case "TIME+":
			return a.p.UTime+a.p.STime > b.p.UTime+b.p.STime
		}
		if a.pcpu != b.pcpu {
			return a.pcpu > b.pcpu
		}
		return a.p.PID < b.p.PID
	})
	if rows >= 0 && len(list) > rows {
		list = list[:rows]
	}
	kib := func(pages uint64) string { return scaleKiB(pages * uint64(t.si.pageSize) / 1024) }
	for _, r := range list {
		p := r.p
		user := t.db.UserOrID(p.UID)
		if len(user) > 8 {
			user = user[:7] + "+"
		}
		ticks := uint64(p.UTime + p.STime)
		tm := fmt.Sprintf("%d:%02d.%02d", ticks/userHZ/60, ticks/userHZ%60, ticks%userHZ)
		pr := strconv.Itoa(p.Priority)
		if p.Priority < -99 {
			pr = "rt"
		}
		fmt.Fprintf(&b, "%*d %-8s %3s %3d %7s %6s %6s %s %5.1f %5.1f %9s %s\n", t.si.pidWidth, p.PID, user, pr, p.Nice,
			scaleKiB(uint64(p.VSize)/1024), kib(uint64(p.RSS)), kib(p.Shared), p.State, r.pcpu, p.pmem(t.si), tm, p.Comm)
	}
	return b.String()
}

// scaleKiB keeps a KiB count within top's 6-7 columns: 123456, 1.2g, 12.3t.
func scaleKiB(k uint64) string {
	switch {
	case k < 10_000_000:
		return strconv.FormatUint(k, 10)
	case k < 10_000_000*1024:
		return fmt.Sprintf("%.1fg", float64(k)/(1<<20))
	}
	return fmt.Sprintf("%.1ft", float64(k)/(1<<30))
}

func runTop(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("top", "")
	batch := fs.Bool('b', "batch")
	frames := fs.String('n', "iterations", "0")
	delay := fs.String('d', "delay", "3")
	sortBy := fs.String('o', "sort-override", "%CPU")
	pidList := fs.List('p', "pid")
	if _, err := fs.ParseArgs(args[1:]); err != nil {
		if err == gnuflag.ErrHelp {
			return tools.Usage(env, topUsage)
		}
		env.Errorf("top", "%v", err)
		return 2
	}
	n, err := strconv.Atoi(*frames)
	d, err2 := parseSleep(*delay)
	if err != nil || err2 != nil || n < 0 {
		env.Errorf("top", "bad -n or -d value")
		return 2
	}
	fsys := procfile.Default
	t := &topState{fsys: fsys, db: userdb.Load("/"), si: loadSysInfo(fsys), sortBy: strings.ToUpper(*sortBy)}
	for _, l := range *pidList {
		for _, f := range strings.Split(l, ",") {
			if pid, err := strconv.Atoi(f); err == nil {
				if t.pids == nil {
					t.pids = map[int]bool{}
				}
				t.pids[pid] = true
			}
		}
	}
	interactive := !*batch && tools.IsTerminal(env.Stdout)
	var in *os.File
	if interactive {
		if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if old, err := term.MakeRaw(int(f.Fd())); err == nil {
				defer term.Restore(int(f.Fd()), old)
				in = f
			}
		}
	}
	// The first frame compares with a sample a moment earlier, as procps top does.
	prev, err := takeTopSample(fsys)
	if err != nil {
		env.Errorf("top", "%v", err)
		return 1
	}
	if !sleepCtx(ctx, min(d, 300*time.Millisecond)) {
		return 0
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for i := 0; n == 0 || i < n; i++ {
		cur, err := takeTopSample(fsys)
		if err != nil {
			env.Errorf("top", "%v", err)
			return 1
		}
		t.si.now = cur.at
		rows := -1
		if interactive {
			rows = 20
			if ws, err := unix.IoctlGetWinsize(int(env.Stdout.(*os.File).Fd()), unix.TIOCGWINSZ); err == nil && ws.Row > 8 {
				rows = int(ws.Row) - 8
			}
			io.WriteString(w, "\x1b[H\x1b[2J")
			io.WriteString(w, strings.ReplaceAll(t.frame(prev, cur, rows), "\n", "\r\n"))
		} else {
			io.WriteString(w, t.frame(prev, cur, rows))
			if i+1 != n {
				io.WriteString(w, "\n")
			}
		}
		w.Flush()
		prev = cur
		if n != 0 && i+1 == n {
			break
		}
		if in != nil {
			key, ok := waitKey(ctx, in, d)
			if !ok {
				return 0
			}
			switch key {
			case 'q', 'Q', 3:
				return 0
			case 'P':
				t.sortBy = "%CPU"
			case 'M':
				t.sortBy = "%MEM"
			case 'N':
				t.sortBy = "PID"
			case 'T':
				t.sortBy = "TIME+"
			}
		} else if !sleepCtx(ctx, d) {
			return 0
		}
	}
	return 0
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// waitKey waits up to d for a key on the terminal, polling in slices so that ctx is
// honoured; it reports false when ctx is done. Polling (rather than a reading goroutine)
// leaves no reader behind on the terminal when top returns to the shell.
func waitKey(ctx context.Context, in *os.File, d time.Duration) (byte, bool) {
	deadline := time.Now().Add(d)
	for {
		if ctx.Err() != nil {
			return 0, false
		}
		left := time.Until(deadline)
		if left <= 0 {
			return 0, true
		}
		fds := []unix.PollFd{{Fd: int32(in.Fd()), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(min(left, 200*time.Millisecond).Milliseconds())+1)
		if err == nil && n > 0 {
			var buf [1]byte
			if k, _ := in.Read(buf[:]); k == 1 {
				return buf[0], true
			}
		}
	}
}
