// Package rlimits is the toolbox's one table of resource limits and its one ulimit: the
// shell's ulimit builtin and the ulimit applet both run Ulimit, and prlimit reads the same
// table. ulimit prints what bash prints (labels, units, the -a order, exit status 2 for a
// bad option) and only shows limits: setting one is refused with status 1, as bash and
// BusyBox ash report a limit they cannot modify, because a debugging session must not
// change the limits of the processes it starts behind the user's back.
package rlimits
