//go:build linux

package proc

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Sleep is sleep: wait for a number of seconds.
var Sleep = tools.Applet{Name: "sleep", Summary: "wait for a number of seconds", Run: runSleep}

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
