// Package sessionstart runs the session stage of `ddebug exec` in a binary holding the
// whole plugin (when no small toolbox was embedded or installed beside it) from its package
// initialisation, and ends the process there. Go initialises a package once every package
// it imports is, and among the packages ready, in import path order: this one needs the
// toolbox alone, so the command line's packages (the Kubernetes scheme and clients, the
// containerd and CRI clients over gRPC, internal/cli) never initialise in a session. Those
// of the plugin's other packages that need no network packages still do: the toolbox needs
// net, whose vendored imports (vendor/golang.org/x/net/...) come last in that order, so
// about 270 of the plugin's 410 initialising packages come first, but in the copy of the
// plugin the store keeps as the session program, whose init tasks of packages no session
// needs are marked done (internal/sessionbin). The launcher stage needs
// no toolbox, and internal/launchstart runs it earlier still. Import it for its side effect,
// from the main package of such a binary only.
package sessionstart
