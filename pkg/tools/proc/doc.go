// Package proc holds the process and system applets: ps, top, pstree, kill, pkill, pgrep,
// pidof, env, printenv, id, whoami, groups, hostname, uname, uptime, free, date, sleep,
// nproc, prlimit, ulimit, caps, mount, umount, findmnt, cgroup, timeout, time, nice,
// renice, ionice, taskset, tty, killall, watch, dmesg, nsenter, setpriv, w, who, logger
// and chroot, a file each (pkill.go also answers to pgrep). Those that run a command start it
// as a process of its own, an applet as this binary (spawn.go; chroot's own process does
// the chroot). They read /proc through package procfile (not prometheus/procfs, whose
// package initialisation would slow every start of the toolbox) and take user and group
// names from the current root's /etc/passwd and /etc/group (package userdb), so they work
// in a root with no /etc at all.
package proc
