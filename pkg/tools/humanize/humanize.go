package humanize

import (
	"fmt"
	"strconv"
)

// Rounding says how a scaled size becomes the digits printed.
type Rounding int

const (
	// Nearest rounds to the nearest tenth below 10 and the nearest unit above.
	Nearest Rounding = iota
	// Truncate rounds to the nearest tenth below 10 and truncates above (procps).
	Truncate
	// Up rounds up, to a tenth below 10 and to a unit above, carrying into the next
	// unit at 1024 (GNU coreutils' human_ceiling).
	Up
)

// Format is how one family of tools writes sizes.
type Format struct {
	// Bytes is the suffix of a count below 1024 ("B", or "" for a bare number).
	Bytes string
	// Units are the suffixes of 1024, 1024², ... in order.
	Units []string
	Round Rounding
}

var (
	// GNU is ls -h, du -h and df -h of GNU coreutils: 1023, 1.0K, 1.1K, 12K, 1.5M.
	GNU = Format{Units: []string{"K", "M", "G", "T", "P", "E"}, Round: Up}
	// Procps is free -h of procps-ng: 0B, 8.7Mi, 23Gi, 879Mi.
	Procps = Format{Bytes: "B", Units: []string{"Ki", "Mi", "Gi", "Ti", "Pi"}, Round: Truncate}
	// IEC is the binary units with a B: 512B, 1.5KiB, 12MiB, 2.0GiB (the cgroup applet).
	IEC = Format{Bytes: "B", Units: []string{"KiB", "MiB", "GiB", "TiB", "PiB"}, Round: Nearest}
)

// Size writes n bytes in format f.
func Size(n uint64, f Format) string {
	if n < 1024 {
		return strconv.FormatUint(n, 10) + f.Bytes
	}
	v, i := float64(n), -1
	for v >= 1024 && i < len(f.Units)-1 {
		v /= 1024
		i++
	}
	if f.Round == Up {
		if v < 10 {
			// GNU rounds up: 1.01K shows as 1.1K.
			r := float64(int64(v*10+0.9999999)) / 10
			if r >= 10 {
				return fmt.Sprintf("%d%s", int64(r), f.Units[i])
			}
			return fmt.Sprintf("%.1f%s", r, f.Units[i])
		}
		r := int64(v + 0.9999999)
		if r >= 1024 && i < len(f.Units)-1 {
			return "1.0" + f.Units[i+1]
		}
		return fmt.Sprintf("%d%s", r, f.Units[i])
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%s", v, f.Units[i])
	}
	if f.Round == Truncate {
		return fmt.Sprintf("%d%s", int(v), f.Units[i])
	}
	return fmt.Sprintf("%.0f%s", v, f.Units[i])
}

// NetTools is ifconfig's size of net-tools, "12.3 MiB": always tenths, truncated, by powers of
// 1024, with a space before the unit (0.0 B, 1.1 KiB, 662.2 MiB); a unit is taken only above it.
func NetTools(n uint64) string {
	units := []struct {
		size uint64
		name string
	}{{1 << 60, "EiB"}, {1 << 50, "PiB"}, {1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}}
	short, unit := n*10, "B"
	for _, u := range units {
		if n > u.size {
			short, unit = n*10/u.size, u.name
			if u.name == "EiB" {
				short = n / (u.size / 10)
			}
			break
		}
	}
	return fmt.Sprintf("%d.%d %s", short/10, short%10, unit)
}
