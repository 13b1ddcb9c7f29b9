// Package procfs reads /proc for the process and network applets (ps, top, free, ss, lsof,
// ...): a copy of the parsers they use from github.com/prometheus/procfs v0.23.0 (Apache-2.0,
// see LICENSE and NOTICE), files unchanged but for their import paths and three methods of
// proc.go dropped (MountStats, FileDescriptorsInfo, Schedstat).
//
// Why a copy: the toolbox runs one applet a process, and Go runs the package initialisation
// of every package it links. The module's package compiles 23 regular expressions at start,
// for parsers no applet uses (cpuinfo, mdstat, fdinfo, limits, smaps, schedstat, slabinfo,
// zoneinfo): a third of what `ddebug-toolbox true` executed before its applet ran (issue 18).
// The files copied here hold no package-level work. To update, copy the same files from a
// newer release and run this package's users' tests (pkg/tools/proc, pkg/tools/netx).
package procfs
