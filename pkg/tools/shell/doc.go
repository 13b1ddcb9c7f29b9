// Package shell is the toolbox's POSIX shell (mvdan.cc/sh), registered as the applet sh:
// scripts, -c, pipes and redirections, with every applet run in-process and an interactive
// prompt with line editing and history.
//
// Commands that are neither functions nor builtins go through one exec handler: a toolbox
// applet by that name runs in-process (it wins over a same-named file on PATH); anything
// else is found on PATH and exec'd. The shell adds the builtins the interpreter lacks
// (kill, jobs, wait with real PIDs, umask, ulimit, history, type; kill and ulimit share
// the signals and rlimits libraries with the applets of the same name) and the applets
// that make `ddebug exec app -- true` work without a shell (true, false, echo, printf,
// test, pwd, yes, seq, which), and expr and getopt for scripts.
//
// Where the interpreter behaves otherwise than ash, the shell stays on the upstream
// module and works around it: a parsed program is rewritten before it runs (prepare, in
// exec.go) into statements and internal builtins the hooks handle. Each file says what
// it covers: flow.go (break and continue in nested lists, conditions, subshells), fds.go
// (descriptors above 2), subtrap.go (traps of subshells and jobs), source.go (what '.'
// reads and how its messages are worded), xtrace.go (set -x), echo.go (write errors).
package shell
