//go:build linux

package proc

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Taskset is taskset: get or set the CPU affinity of a process, as util-linux's.
//
//	taskset [-c] MASK|LIST COMMAND [ARG]...    taskset -p [-c] [MASK|LIST] PID
var Taskset = tools.Applet{Name: "taskset", Summary: "get or set the CPUs a process may run on", Run: runTaskset}

func runTaskset(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("taskset", "")
	fs.StopAtOperand = true
	pidMode := fs.Bool('p', "pid")
	list := fs.Bool('c', "cpu-list")
	fs.Bool('a', "all-tasks")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "taskset [-c] MASK|LIST COMMAND [ARG]...\n       taskset -p [-c] [MASK|LIST] PID\n"+
			"MASK is hexadecimal (0x3: CPUs 0 and 1); with -c, a list (0,2-3).")
	}
	if err == nil && (len(ops) == 0 || !*pidMode && len(ops) < 2 || *pidMode && len(ops) > 2) {
		err = fmt.Errorf("wrong number of arguments")
	}
	if err != nil {
		env.Errorf("taskset", "%v (taskset --help)", err)
		return 1
	}
	word := "mask"
	if *list {
		word = "list"
	}
	if !*pidMode {
		var set unix.CPUSet
		if err := parseCPUs(ops[0], *list, &set); err != nil {
			env.Errorf("taskset", "%v", err)
			return 1
		}
		cmd, status := commandProcess(env, ops[1:])
		if cmd == nil {
			return status
		}
		if err := startOnThread(cmd, func() error { return setAffinity(0, &set) }); err != nil {
			env.Errorf("taskset", "%v", err)
			return 1
		}
		return waitStatus(ctx, env, cmd)
	}
	pid, err := strconv.Atoi(ops[len(ops)-1])
	if err == nil && pid <= 0 {
		env.Errorf("taskset", "bad usage: a process id is greater than 0 (taskset --help)")
		return 1
	}
	if err != nil {
		env.Errorf("taskset", "invalid PID argument: '%s'", ops[len(ops)-1])
		return 1
	}
	var set unix.CPUSet
	if len(ops) == 2 {
		if err := parseCPUs(ops[0], *list, &set); err != nil {
			env.Errorf("taskset", "%v", err)
			return 1
		}
	}
	var cur unix.CPUSet
	if err := unix.SchedGetaffinity(pid, &cur); err != nil {
		env.Errorf("taskset", "failed to get pid %d's affinity: %v", pid, err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "pid %d's current affinity %s: %s\n", pid, word, formatCPUs(&cur, *list))
	if len(ops) == 1 {
		return 0
	}
	if err := setAffinity(pid, &set); err != nil {
		env.Errorf("taskset", "%v", err)
		return 1
	}
	_ = unix.SchedGetaffinity(pid, &cur)
	fmt.Fprintf(env.Stdout, "pid %d's new affinity %s: %s\n", pid, word, formatCPUs(&cur, *list))
	return 0
}

func setAffinity(pid int, set *unix.CPUSet) error {
	if err := unix.SchedSetaffinity(pid, set); err != nil {
		return fmt.Errorf("failed to set pid %d's affinity: %w", pid, err)
	}
	return nil
}

// parseCPUs reads a hexadecimal mask (0x3, 3) or, with list, a CPU list (0,2-3,8-15:2).
func parseCPUs(s string, list bool, set *unix.CPUSet) error {
	set.Zero()
	if !list {
		n, ok := new(big.Int).SetString(strings.TrimPrefix(strings.ToLower(s), "0x"), 16)
		if !ok || n.Sign() == 0 {
			return fmt.Errorf("failed to parse CPU mask: %s", s)
		}
		for i := 0; i < n.BitLen() && i < len(set)*64; i++ {
			if n.Bit(i) == 1 {
				set.Set(i)
			}
		}
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		r, stride, hasStride := strings.Cut(part, ":")
		lo, hi, isRange := strings.Cut(r, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		step, err3 := 1, error(nil)
		if hasStride {
			step, err3 = strconv.Atoi(stride)
		}
		if err1 != nil || err2 != nil || err3 != nil || a < 0 || b < a || step < 1 {
			return fmt.Errorf("failed to parse CPU list: %s", s)
		}
		for i := a; i <= b; i += step {
			set.Set(i)
		}
	}
	return nil
}

// formatCPUs writes set as util-linux does: a hexadecimal mask, or with list 0-2,4,6,7.
func formatCPUs(set *unix.CPUSet, list bool) string {
	n := len(set) * 64
	if !list {
		m := new(big.Int)
		for i := 0; i < n; i++ {
			if set.IsSet(i) {
				m.SetBit(m, i, 1)
			}
		}
		return m.Text(16)
	}
	var parts []string
	for i := 0; i < n; i++ {
		if !set.IsSet(i) {
			continue
		}
		j := i
		for j+1 < n && set.IsSet(j+1) {
			j++
		}
		switch {
		case j > i+1:
			parts = append(parts, fmt.Sprintf("%d-%d", i, j))
		case j == i+1: // util-linux's cpulist_create writes a run of two as a pair
			parts = append(parts, strconv.Itoa(i), strconv.Itoa(j))
		default:
			parts = append(parts, strconv.Itoa(i))
		}
		i = j
	}
	return strings.Join(parts, ",")
}
