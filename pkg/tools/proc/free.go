//go:build linux

package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Free is free: print memory usage.
var Free = tools.Applet{Name: "free", Summary: "print memory usage", Run: runFree}

// memRow is one line of free in bytes: total used free shared buff/cache available.
type memRow struct {
	name   string
	values []uint64
}

// freeRows turns meminfo's kibibytes into free's rows in bytes.
func freeRows(mi procfile.Meminfo) []memRow {
	v := func(kib uint64) uint64 { return kib * 1024 }
	total, free, buffers := v(mi.MemTotal), v(mi.MemFree), v(mi.Buffers)
	cache := v(mi.Cached) + v(mi.SReclaimable)
	avail := v(mi.MemAvailable)
	if !mi.HasMemAvailable {
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
	mi, err := procfile.Default.ReadMeminfo()
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
