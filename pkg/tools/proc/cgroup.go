//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/mountinfo"
)

// Cgroup is cgroup: show a process's cgroups and their memory, cpu and pids limits.
var Cgroup = tools.Applet{Name: "cgroup", Summary: "show a process's cgroups and their memory, cpu and pids limits", Run: runCgroup}

// cgroupView says where the cgroup directories of one process are, v1 controller by
// controller and the v2 unified one.
type cgroupView struct {
	lines []procfile.Cgroup
	v1    map[string]string // controller -> directory
	v2    string            // unified directory, "" when there is none
	mode  string            // "v1", "v2" or "hybrid"
}

// resolveCgroups maps the cgroups of pid to directories through the mounts of the caller
// (the mount root matters in a cgroup namespace and in containers without one).
func resolveCgroups(fsys procfile.FS, pid int) (*cgroupView, error) {
	lines, err := fsys.ReadCgroups(pid)
	if err != nil {
		return nil, fmt.Errorf("reading cgroups of pid %d: %w", pid, err)
	}
	mounts, err := mountinfo.Read("self")
	if err != nil {
		return nil, err
	}
	v := &cgroupView{lines: lines, v1: map[string]string{}}
	hasV1 := false
	for _, cg := range lines {
		for _, m := range mounts {
			var ok bool
			switch {
			case cg.HierarchyID == 0 && m.FSType == "cgroup2":
				ok = true
			case cg.HierarchyID != 0 && m.FSType == "cgroup":
				ok = len(cg.Controllers) > 0
				for _, c := range cg.Controllers {
					if !hasOption(m.SuperOptions, c) {
						ok = false
					}
				}
			}
			if !ok {
				continue
			}
			dir := cgroupDir(m, cg.Path)
			if cg.HierarchyID == 0 {
				v.v2 = dir
			} else {
				hasV1 = true
				for _, c := range cg.Controllers {
					v.v1[c] = dir
				}
			}
			break
		}
	}
	switch {
	case hasV1 && v.v2 != "":
		v.mode = "hybrid"
	case hasV1:
		v.mode = "v1"
	default:
		v.mode = "v2"
	}
	return v, nil
}

// hasOption reports whether the comma-separated options hold opt (a v1 cgroup mount names
// its controllers there: rw,cpu,cpuacct).
func hasOption(options, opt string) bool {
	for options != "" {
		var o string
		o, options, _ = strings.Cut(options, ",")
		if o == opt {
			return true
		}
	}
	return false
}

func cgroupDir(m mountinfo.Entry, path string) string {
	rel, ok := strings.CutPrefix(path, m.Root)
	if !ok || m.Root == "/" {
		rel = path
	}
	dir := filepath.Join(m.Target, rel)
	if _, err := os.Stat(dir); err != nil {
		// A container without a cgroup namespace sees the host's path but has its own
		// cgroup mounted at the root.
		return m.Target
	}
	return dir
}

func readCgroupValue(dir, file string) (string, bool) {
	if dir == "" {
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
}

// cpuQuota returns the cpu limit in cpus (0 when unlimited).
func (v *cgroupView) cpuQuota() (quota, period int64, ok bool) {
	if s, found := readCgroupValue(v.v1["cpu"], "cpu.cfs_quota_us"); found {
		q, _ := strconv.ParseInt(s, 10, 64)
		ps, _ := readCgroupValue(v.v1["cpu"], "cpu.cfs_period_us")
		p, _ := strconv.ParseInt(ps, 10, 64)
		return q, p, q > 0 && p > 0
	}
	if s, found := readCgroupValue(v.v2, "cpu.max"); found {
		f := strings.Fields(s)
		if len(f) == 2 {
			p, _ := strconv.ParseInt(f[1], 10, 64)
			if f[0] == "max" {
				return -1, p, false
			}
			q, _ := strconv.ParseInt(f[0], 10, 64)
			return q, p, q > 0 && p > 0
		}
	}
	return -1, 0, false
}

// unlimited is what cgroup v1 reports as "no memory limit" (PAGE_COUNTER_MAX pages).
const v1Unlimited = 1 << 62

func formatLimit(s string) string {
	if s == "max" || s == "-1" {
		return "max"
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return s
	}
	if n >= v1Unlimited {
		return "max"
	}
	return humanize.Size(n, humanize.IEC)
}

func runCgroup(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) || len(args) > 2 {
		return tools.Usage(env, "cgroup [PID]\nShows the cgroups of PID (default: this process), v1, v2 or hybrid, with memory, cpu and pids limits and usage.")
	}
	pid, ok := pidArg(env, args)
	if !ok {
		return 2
	}
	fsys := procfile.Default
	v, err := resolveCgroups(fsys, pid)
	if err != nil {
		env.Errorf("cgroup", "%v", err)
		return 1
	}
	w := env.Stdout
	fmt.Fprintf(w, "pid %d, cgroup %s\n", pid, v.mode)
	for _, cg := range v.lines {
		fmt.Fprintf(w, "  %d:%s:%s\n", cg.HierarchyID, strings.Join(cg.Controllers, ","), cg.Path)
	}
	// memory
	memDir, limitFile, usageFile := v.v1["memory"], "memory.limit_in_bytes", "memory.usage_in_bytes"
	if _, ok := readCgroupValue(memDir, usageFile); !ok {
		memDir, limitFile, usageFile = v.v2, "memory.max", "memory.current"
	}
	if usage, ok := readCgroupValue(memDir, usageFile); ok {
		limit, _ := readCgroupValue(memDir, limitFile)
		fmt.Fprintf(w, "memory: limit %s, usage %s  (%s)\n", formatLimit(limit), formatLimit(usage), memDir)
	}
	// cpu
	q, p, limited := v.cpuQuota()
	cpuLine := "cpu: quota max"
	if limited {
		cpuLine = fmt.Sprintf("cpu: quota %dus per %dus (%.2f cpus)", q, p, float64(q)/float64(p))
	} else if p > 0 {
		cpuLine = fmt.Sprintf("cpu: quota max, period %dus", p)
	}
	if u, ok := readCgroupValue(v.v1["cpuacct"], "cpuacct.usage"); ok {
		ns, _ := strconv.ParseFloat(u, 64)
		cpuLine += fmt.Sprintf(", usage %.2fs", ns/1e9)
	} else if st, ok := readCgroupValue(v.v2, "cpu.stat"); ok {
		for _, l := range strings.Split(st, "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[0] == "usage_usec" {
				us, _ := strconv.ParseFloat(f[1], 64)
				cpuLine += fmt.Sprintf(", usage %.2fs", us/1e6)
			}
		}
	}
	fmt.Fprintln(w, cpuLine)
	// pids
	pidsDir := v.v1["pids"]
	if _, ok := readCgroupValue(pidsDir, "pids.current"); !ok {
		pidsDir = v.v2
	}
	if cur, ok := readCgroupValue(pidsDir, "pids.current"); ok {
		max, _ := readCgroupValue(pidsDir, "pids.max")
		fmt.Fprintf(w, "pids: max %s, current %s\n", max, cur)
	}
	return 0
}
