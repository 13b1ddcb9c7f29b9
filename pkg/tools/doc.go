// Package tools is the toolbox: a registry of in-process applets (ls, cat, ps, ss, ...)
// and the multi-call entry point that runs one of them by name, busybox-style.
//
// Applets never touch the process-wide state a shell shares with them: they read and write
// only the streams, working directory and environment of the Env they are given, and they
// return an exit status instead of calling os.Exit. That is what lets the shell (package
// tools/shell) run them in-process, in a root that holds no binaries at all.
package tools
