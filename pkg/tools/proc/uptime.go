//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Uptime is uptime: print how long the system has been up and its load.
var Uptime = tools.Applet{Name: "uptime", Summary: "print how long the system has been up and its load", Run: runUptime}

// systemUptime reads /proc/uptime.
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
	if la, err := procfile.Default.ReadLoadAvg(); err == nil {
		line += fmt.Sprintf(",  load average: %.2f, %.2f, %.2f", la.Load1, la.Load5, la.Load15)
	}
	fmt.Fprintln(env.Stdout, line)
	return 0
}
