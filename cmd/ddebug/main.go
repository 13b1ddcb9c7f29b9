// Command ddebug is the host command line alone, built lean (tags ddebug_host ddebug_lean,
// see the Makefile): `ddebug exec` of a docker:// or pid:// reference, or a containerd://
// reference to one container's ID or name, runs here, and every other command line is
// handed to kubectl-ddebug, the whole product, installed beside it.
// Unlike kubectl-ddebug it is no toolbox: it links no applet.
package main

import (
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"
)

func main() { os.Exit(cli.Main("ddebug", os.Args[1:])) }
