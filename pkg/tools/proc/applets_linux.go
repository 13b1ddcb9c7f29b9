//go:build linux

package proc

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"

// Applets is every applet of the family, one line each, sorted by name: package all
// installs it, and a new applet (one file, named after it) adds its line here.
var Applets = []*tools.Applet{
	&Caps,
	&Cgroup,
	&Chroot,
	&Date,
	&Dmesg,
	&Env,
	&Findmnt,
	&Free,
	&Groups,
	&Hostname,
	&ID,
	&Ionice,
	&Kill,
	&Killall,
	&Logger,
	&Mount,
	&Nice,
	&Nproc,
	&Nsenter,
	&Pgrep,
	&Pidof,
	&Pkill,
	&Printenv,
	&Prlimit,
	&Ps,
	&Pstree,
	&Renice,
	&Setpriv,
	&Sleep,
	&Stty,
	&Taskset,
	&Time,
	&Timeout,
	&Top,
	&TTY,
	&Ulimit,
	&Umount,
	&Uname,
	&Uptime,
	&W,
	&Watch,
	&Who,
	&Whoami,
}
