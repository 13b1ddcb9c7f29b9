//go:build linux

package proc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
)

// userHZ is the kernel's USER_HZ, 100 on every architecture Linux runs containers on
// (the kernel's own ABI: /proc reports every time in it).
const userHZ = 100

// process is one row of the process table: only what the applets print.
type process struct {
	PID, PPID, PGRP, Session, TPGID, TTY int
	Comm, State                          string
	Nice, Priority, NumThreads           int
	Shared                               uint64 // pages, read only with need.shared
	UTime, STime                         uint
	Starttime                            uint64 // ticks after boot
	VSize                                uint   // bytes
	RSS                                  int    // pages
	UID, GID                             int    // effective ids, -1 when not read
	Args                                 []string
}

// need says which optional parts of a process listProcesses reads, so that ps reads only
// the files its columns need.
type need struct {
	args   bool // /proc/<pid>/cmdline
	ids    bool // /proc/<pid>/status (effective uid and gid)
	shared bool // /proc/<pid>/statm (shared pages, for top)
}

// sysInfo is what turns ticks and pages into times and percentages.
type sysInfo struct {
	now      time.Time
	bootTime time.Time
	memTotal uint64 // bytes
	pageSize int
	pidWidth int
}

func loadSysInfo(fsys procfile.FS) sysInfo {
	si := sysInfo{now: time.Now(), pageSize: os.Getpagesize(), pidWidth: 5}
	if st, err := fsys.ReadSystemStat(); err == nil {
		si.bootTime = time.Unix(int64(st.BootTime), 0)
	}
	if mi, err := fsys.ReadMeminfo(); err == nil {
		si.memTotal = mi.MemTotal * 1024
	}
	if b, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
		if n := len(strings.TrimSpace(string(b))); n > si.pidWidth {
			si.pidWidth = n
		}
	}
	return si
}

// listProcesses reads the processes of fsys sorted by pid. Processes that exit while they
// are read are skipped.
func listProcesses(fsys procfile.FS, n need) ([]*process, error) {
	pids, err := fsys.PIDs()
	if err != nil {
		return nil, err
	}
	out := make([]*process, 0, len(pids))
	for _, pid := range pids {
		if pr, err := readProcess(fsys, pid, n); err == nil {
			out = append(out, pr)
		}
	}
	return out, nil
}

func readProcess(fsys procfile.FS, pid int, n need) (*process, error) {
	st, err := fsys.ReadStat(pid)
	if err != nil {
		return nil, fmt.Errorf("reading stat of pid %d: %w", pid, err)
	}
	pr := &process{
		PID: st.PID, PPID: st.PPID, PGRP: st.PGRP, Session: st.Session, TPGID: st.TPGID, TTY: st.TTY,
		Comm: st.Comm, State: st.State, Nice: st.Nice, Priority: st.Priority, NumThreads: st.NumThreads,
		UTime: st.UTime, STime: st.STime, Starttime: st.Starttime, VSize: st.VSize, RSS: st.RSS,
		UID: -1, GID: -1,
	}
	if n.ids {
		if s, err := fsys.ReadStatus(pid); err == nil {
			pr.UID, pr.GID = int(s.UIDs[1]), int(s.GIDs[1])
		}
	}
	if n.args {
		pr.Args, _ = fsys.ReadCmdline(pid)
	}
	if n.shared {
		if shared, err := fsys.ReadStatmShared(pid); err == nil {
			pr.Shared = shared
		}
	}
	return pr, nil
}

// command is the command line as ps prints it: [comm] for kernel threads.
func (p *process) command() string {
	if len(p.Args) == 0 {
		return "[" + p.Comm + "]"
	}
	return strings.Join(p.Args, " ")
}

func (p *process) cpuSeconds() float64 { return float64(p.UTime+p.STime) / userHZ }

func (p *process) startTime(si sysInfo) time.Time {
	return si.bootTime.Add(time.Duration(p.Starttime) * time.Second / userHZ)
}

func (p *process) elapsed(si sysInfo) time.Duration {
	d := si.now.Sub(p.startTime(si))
	if d < 0 {
		return 0
	}
	return d
}

func (p *process) pcpu(si sysInfo) float64 {
	secs := p.elapsed(si).Seconds()
	if secs <= 0 {
		return 0
	}
	return p.cpuSeconds() * 100 / secs
}

func (p *process) pmem(si sysInfo) float64 {
	if si.memTotal == 0 {
		return 0
	}
	return float64(p.RSS) * float64(si.pageSize) * 100 / float64(si.memTotal)
}

// statString is the STAT column of BSD ps: state plus <, N, s, l and + flags.
func (p *process) statString() string {
	var b strings.Builder
	b.WriteString(p.State)
	switch {
	case p.Nice < 0:
		b.WriteByte('<')
	case p.Nice > 0:
		b.WriteByte('N')
	}
	if p.Session == p.PID {
		b.WriteByte('s')
	}
	if p.NumThreads > 1 {
		b.WriteByte('l')
	}
	if p.TTY != 0 && p.TPGID == p.PGRP {
		b.WriteByte('+')
	}
	return b.String()
}

// ttyName turns a tty_nr from /proc/<pid>/stat into the name ps prints.
func ttyName(nr int) string {
	if nr == 0 {
		return "?"
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return "pts/" + strconv.Itoa(minor+(major-136)*256)
	case major == 4 && minor < 64:
		return "tty" + strconv.Itoa(minor)
	case major == 4:
		return "ttyS" + strconv.Itoa(minor-64)
	case major == 5 && minor == 1:
		return "console"
	}
	return "?"
}

// formatDHMS prints seconds as [DD-]HH:MM:SS (ps TIME).
func formatDHMS(secs int64) string {
	d, h, m, s := secs/86400, secs/3600%24, secs/60%60, secs%60
	if d > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", d, h, m, s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// formatElapsed prints seconds as [[DD-]HH:]MM:SS (ps ELAPSED).
func formatElapsed(secs int64) string {
	d, h, m, s := secs/86400, secs/3600%24, secs/60%60, secs%60
	switch {
	case d > 0:
		return fmt.Sprintf("%d-%02d:%02d:%02d", d, h, m, s)
	case h > 0:
		return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", m, s)
}

// formatStartTime prints a start time the way ps START/STIME does: HH:MM today, MonDD
// this year, the year otherwise.
func formatStartTime(t, now time.Time) string {
	switch {
	case now.Sub(t) < 24*time.Hour:
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan02")
	}
	return t.Format("2006")
}
