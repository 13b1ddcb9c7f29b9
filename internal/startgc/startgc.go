// Package startgc keeps the garbage collector off while the plugin's packages initialise,
// and puts it back before anything else runs. The plugin's package initialisation
// allocates about 3.5 MB (the client-go scheme alone 0.7 MB), just past the 4 MB heap at
// which Go starts its first collection, so that collection ran during init on every
// start, with the client-go scheme's registrations as its mark assists: 2-4 ms of the
// plugin's start to Run on a 2-core machine, for a heap of which 1 MB survives. Go
// initialises a package once every package it imports is, and among those ready in import
// path order: this one needs os and runtime/debug alone, so it comes before every package
// of the Kubernetes, containerd and CRI clients. The stages of `ddebug exec` that run from
// the init of internal/launchstart and internal/sessionstart (which import nothing more,
// so as to run early) are left alone: a session never runs with the collector off. The
// command line calls On from main. A GOGC in the environment is left alone.
package startgc

import (
	"os"
	"runtime/debug"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

// percent is the GOGC that init found and On puts back; unset when init left it alone.
var (
	percent int
	off     bool
)

func init() {
	if !leaveOn(os.Args) {
		percent, off = debug.SetGCPercent(-1), true
	}
}

// leaveOn reports whether init leaves the collector alone in a process started with args:
// a stage of `ddebug exec`, or any process given a GOGC.
func leaveOn(args []string) bool {
	_, set := os.LookupEnv("GOGC")
	return set || nsenter.IsLauncher(args) || nsenter.IsSession(args)
}

// On puts the collector back as the process started with it. Calling it again does nothing.
func On() {
	if off {
		debug.SetGCPercent(percent)
		off = false
	}
}
