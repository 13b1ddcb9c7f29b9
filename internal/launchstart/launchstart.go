// Package launchstart runs the launcher stage of `ddebug exec` (nsenter.Launch) from its
// package initialisation, in a plugin that is its own launcher (installed alone, with no
// ddebug-launch embedded or beside it), and ends the process there. Go initialises a
// package once what it imports is, and among the packages ready, in import path order: this
// one imports pkg/nsenter alone, so its init comes after about 150 of the plugin's 410
// initialising packages, where internal/sessionstart (which needs the whole toolbox, and
// with it net and crypto/tls, whose vendored imports come last in that order) comes after
// 270 of them, the YAML schemas, regular expressions and protobuf descriptors of the
// Kubernetes and container runtime clients among them. Import it for its side effect, from
// the main package of such a binary only.
package launchstart

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

func init() {
	if nsenter.IsLauncher(os.Args) {
		os.Exit(nsenter.Launch())
	}
}
