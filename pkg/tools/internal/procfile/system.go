package procfile

import (
	"strconv"
	"strings"
)

// CPUTimes are the clock ticks (USER_HZ) a cpu, or all of them, spent in each state, from
// a cpu line of /proc/stat.
type CPUTimes struct {
	User, Nice, System, Idle, Iowait, IRQ, SoftIRQ, Steal uint64
}

// SystemStat is what the toolbox reads of /proc/stat.
type SystemStat struct {
	BootTime uint64 // seconds since the epoch
	CPUTotal CPUTimes
	NumCPU   int // the cpuN lines: the cpus online
}

// ReadSystemStat reads /proc/stat.
func (fs FS) ReadSystemStat() (SystemStat, error) {
	path := fs.path("stat")
	data, err := readFile(path)
	if err != nil {
		return SystemStat{}, err
	}
	return parseSystemStat(path, data)
}

func parseSystemStat(path, data string) (SystemStat, error) {
	var st SystemStat
	for data != "" {
		var line string
		line, data = cutLine(data)
		key, rest, _ := strings.Cut(line, " ")
		switch {
		case key == "btime":
			n, err := strconv.ParseUint(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return SystemStat{}, parseError(path, err)
			}
			st.BootTime = n
		case key == "cpu":
			// "cpu  user nice system idle iowait irq softirq steal guest guest_nice";
			// kernels before 2.6.11 have fewer columns, which stay 0.
			f := strings.Fields(rest)
			dst := []*uint64{&st.CPUTotal.User, &st.CPUTotal.Nice, &st.CPUTotal.System, &st.CPUTotal.Idle,
				&st.CPUTotal.Iowait, &st.CPUTotal.IRQ, &st.CPUTotal.SoftIRQ, &st.CPUTotal.Steal}
			if len(f) < 4 {
				return SystemStat{}, malformed(path, "cpu line")
			}
			for i := 0; i < len(dst) && i < len(f); i++ {
				n, err := strconv.ParseUint(f[i], 10, 64)
				if err != nil {
					return SystemStat{}, parseError(path, err)
				}
				*dst[i] = n
			}
		case strings.HasPrefix(key, "cpu"):
			st.NumCPU++
		}
	}
	return st, nil
}

// Meminfo is what the toolbox reads of /proc/meminfo, in kibibytes (the file's "kB").
// A line the kernel does not print reads as 0; HasMemAvailable says whether the kernel
// printed MemAvailable (since Linux 3.14), which free and top estimate otherwise.
type Meminfo struct {
	MemTotal, MemFree, MemAvailable, Buffers, Cached uint64
	SwapTotal, SwapFree, Shmem, SReclaimable         uint64
	HasMemAvailable                                  bool
}

// ReadMeminfo reads /proc/meminfo.
func (fs FS) ReadMeminfo() (Meminfo, error) {
	path := fs.path("meminfo")
	data, err := readFile(path)
	if err != nil {
		return Meminfo{}, err
	}
	return parseMeminfo(path, data)
}

// parseMeminfo parses "Key:   value kB" lines (a few, such as HugePages_Total, have no unit).
func parseMeminfo(path, data string) (Meminfo, error) {
	var mi Meminfo
	for data != "" {
		var line string
		line, data = cutLine(data)
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var dst *uint64
		switch key {
		case "MemTotal":
			dst = &mi.MemTotal
		case "MemFree":
			dst = &mi.MemFree
		case "MemAvailable":
			dst, mi.HasMemAvailable = &mi.MemAvailable, true
		case "Buffers":
			dst = &mi.Buffers
		case "Cached":
			dst = &mi.Cached
		case "SwapTotal":
			dst = &mi.SwapTotal
		case "SwapFree":
			dst = &mi.SwapFree
		case "Shmem":
			dst = &mi.Shmem
		case "SReclaimable":
			dst = &mi.SReclaimable
		default:
			continue
		}
		value = strings.TrimSpace(value)
		value = strings.TrimSuffix(value, " kB")
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return Meminfo{}, parseError(path, err)
		}
		*dst = n
	}
	return mi, nil
}

// LoadAvg is the first three fields of /proc/loadavg: the load averages over 1, 5 and 15
// minutes.
type LoadAvg struct {
	Load1, Load5, Load15 float64
}

// ReadLoadAvg reads /proc/loadavg.
func (fs FS) ReadLoadAvg() (LoadAvg, error) {
	path := fs.path("loadavg")
	data, err := readFile(path)
	if err != nil {
		return LoadAvg{}, err
	}
	f := strings.Fields(data)
	if len(f) < 3 {
		return LoadAvg{}, malformed(path, "field count")
	}
	var la LoadAvg
	for i, dst := range []*float64{&la.Load1, &la.Load5, &la.Load15} {
		if *dst, err = strconv.ParseFloat(f[i], 64); err != nil {
			return LoadAvg{}, parseError(path, err)
		}
	}
	return la, nil
}
