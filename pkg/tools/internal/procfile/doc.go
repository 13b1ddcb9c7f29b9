// Package procfile reads the /proc files the toolbox's process and network applets use
// (ps, top, pstree, pidof, pkill, killall, w, uptime, nproc, free, caps, cgroup, ss,
// netstat, lsof): a process's stat, status, statm, comm, cmdline and cgroup, and the
// system's stat, meminfo, loadavg and /proc/net sockets, with only the fields those
// applets read. Formats are the kernel's, as proc(5) describes them.
//
// It exists instead of github.com/prometheus/procfs for the toolbox's start (issue 18):
// Go initialises every linked package before main, and procfs compiles 23 regexps in its
// package initialisation, about a third of what `ddebug-toolbox true` spends in init, for
// parsers the toolbox never calls. This package builds nothing before it is called.
package procfile
