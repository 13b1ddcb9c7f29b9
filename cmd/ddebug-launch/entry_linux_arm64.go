package main

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"

// entry is the process's entry point when linked with -E main.entry (entry_linux_arm64.s).
func entry()

// launch is what entry calls, on its own stack, argv0 being the process's argv[0] (nil
// without arguments).
func launch(argv0 *byte) int { return nsenter.LaunchWithoutRuntime(argv0) }
