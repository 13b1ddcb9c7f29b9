//go:build linux

package proc

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// W is w: who is logged in and what they run, under uptime's line, as procps's (from utmp;
// a container has none, and then only the two header lines print).
//
//	w [-h] [-s] [USER]
var W = tools.Applet{Name: "w", Summary: "show who is logged in and what they are doing", Run: runW}

func runW(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("w", "w [-h] [-s] [USER]\nShows uptime's line, then each login of utmp (a container has none) and what it runs; -h: no headers, -s: short.")
	noHeader := fs.Bool('h', "no-header")
	short := fs.Bool('s', "short")
	ops, st := fs.Parse(env, args[1:])
	if st >= 0 {
		return st
	}
	users, _, err := loggedIn("")
	if err != nil {
		env.Errorf("w", "%s", tools.Reason(err))
		return 1
	}
	if len(ops) > 0 {
		kept := users[:0]
		for _, u := range users {
			if u.User == ops[0] {
				kept = append(kept, u)
			}
		}
		users = kept
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	fsys := procfile.Default
	now := time.Now()
	if !*noHeader {
		up, _ := systemUptime()
		plural := "user"
		if len(users) > 1 {
			plural = "users"
		}
		line := fmt.Sprintf(" %s %s,  %d %s", now.Format("15:04:05"), formatUptime(up, false), len(users), plural)
		if la, err := fsys.ReadLoadAvg(); err == nil {
			line += fmt.Sprintf(",  load average: %.2f, %.2f, %.2f", la.Load1, la.Load5, la.Load15)
		}
		fmt.Fprintln(w, line)
		if *short {
			fmt.Fprintf(w, "%-8s %-8s %-16s %6s %s\n", "USER", "TTY", "FROM", "IDLE", "WHAT")
		} else {
			fmt.Fprintln(w, "USER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT")
		}
	}
	procs, _ := listProcesses(fsys, need{args: true})
	for _, u := range users {
		idle, jcpu, pcpu, what := "?", 0.0, 0.0, "-"
		var st syscall.Stat_t
		if syscall.Stat("/dev/"+u.Line, &st) == nil {
			idle = formatIdle(now.Sub(time.Unix(st.Atim.Unix())))
			fg := 0
			for _, p := range procs {
				if uint64(p.TTY) == st.Rdev {
					jcpu += p.cpuSeconds()
					fg = p.TPGID
				}
			}
			for _, p := range procs {
				if p.PID == fg {
					pcpu, what = p.cpuSeconds(), p.command()
				}
			}
		}
		from := u.Host
		if from == "" {
			from = "-"
		}
		if *short {
			fmt.Fprintf(w, "%-8.8s %-8.8s %-16.16s %6s %s\n", u.User, u.Line, from, idle, what)
			continue
		}
		login := u.Time.Format("15:04")
		if now.Sub(u.Time) > 12*time.Hour {
			login = u.Time.Format("02Jan06")
		}
		fmt.Fprintf(w, "%-8.8s %-8.8s %-16.16s %-7s %5s %6s %6s %s\n", u.User, u.Line, from, login, idle,
			fmt.Sprintf("%.2fs", jcpu), fmt.Sprintf("%.2fs", pcpu), strings.TrimSpace(what))
	}
	return 0
}

// formatIdle is procps's IDLE: seconds, then minutes:seconds, then hours:minutes, then days.
func formatIdle(d time.Duration) string {
	s := int(d.Seconds())
	switch {
	case s < 60:
		return fmt.Sprintf("%d.00s", s)
	case s < 3600:
		return fmt.Sprintf("%d:%02d", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%d:%02dm", s/3600, s/60%60)
	}
	return fmt.Sprintf("%ddays", s/86400)
}
