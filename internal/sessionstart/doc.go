// Package sessionstart runs the two stages of `ddebug exec` that a binary holding the
// whole plugin may be asked to be (the launcher and the session, when no small toolbox
// was embedded or installed beside it) from its package initialisation, and ends the
// process there. Go initialises a package once every package it imports is, in import
// path order otherwise: this one needs the launcher and the toolbox alone, so it runs
// before the Kubernetes, containerd, CRI and gRPC packages initialise, whose init would
// cost each stage more than the rest of its start. Import it for its side effect, from
// the main package of such a binary only.
package sessionstart
