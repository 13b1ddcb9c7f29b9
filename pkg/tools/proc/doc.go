// Package proc holds the process and system applets (ps, top, kill, id, mount, caps,
// cgroup, ...); it reads /proc through github.com/prometheus/procfs.
package proc
