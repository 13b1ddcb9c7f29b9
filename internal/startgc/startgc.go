// Package startgc keeps the garbage collector off while the plugin's packages initialise,
// and puts it back before anything else runs. The plugin's package initialisation
// allocates about 3.5 MB (the client-go scheme alone 0.7 MB), just past the 4 MB heap at
// which Go starts its first collection, so that collection ran during init on every
// start, with the client-go scheme's registrations as its mark assists: 2-4 ms of the
// plugin's start to Run on a 2-core machine, for a heap of which 1 MB survives. Go
// initialises a package once every package it imports is, and among those ready in import
// path order: this one needs os and runtime/debug alone, so it comes before every package
// of the Kubernetes, containerd and CRI clients. The stages of `ddebug exec` run from the
// init of internal/launchstart and internal/sessionstart, which import this package and
// call On first, so a session never runs with the collector off; the command line calls
// On from main. A GOGC in the environment is left alone.
package startgc

import (
	"os"
	"runtime/debug"
)

// percent is the GOGC that init found and On puts back; unset when init left it alone.
var (
	percent int
	off     bool
)

func init() {
	if _, set := os.LookupEnv("GOGC"); !set {
		percent, off = debug.SetGCPercent(-1), true
	}
}

// On puts the collector back as the process started with it. Calling it again does nothing.
func On() {
	if off {
		debug.SetGCPercent(percent)
		off = false
	}
}
