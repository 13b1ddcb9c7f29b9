// Package signals is the toolbox's one table of signal names: the kill, pkill and pgrep
// applets and the shell's kill builtin and job reports parse and name signals with it.
// Names are the Linux ones, with or without SIG, in any case (9, KILL, SIGKILL, kill).
package signals
