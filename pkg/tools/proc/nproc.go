//go:build linux

package proc

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Nproc is nproc: print the number of usable cpus (affinity and cgroup quota).
var Nproc = tools.Applet{Name: "nproc", Summary: "print the number of usable cpus (affinity and cgroup quota)", Run: runNproc}

// usableCPUs is min(affinity, ceil(cgroup quota)), the number a program should plan for.
func usableCPUs(fsys procfile.FS) (int, error) {
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
	fsys := procfile.Default
	var n int
	var err error
	if *all {
		st, err := fsys.ReadSystemStat()
		if err != nil {
			env.Errorf("nproc", "%v", err)
			return 1
		}
		n = st.NumCPU
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
