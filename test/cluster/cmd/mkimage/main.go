// Command mkimage packs files into a one-layer FROM-scratch image tarball
// (see internal/ocibuild), e.g.
//
//	mkimage -o pause.tar -ref registry.k8s.io/pause:3.10.2 -entrypoint /pause /pause=./pause
//
// Each argument is IMAGE_PATH=HOST_PATH; the host file's mode is kept.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	out := fl.String("o", "", "output tarball (required)")
	ref := fl.String("ref", "", "image reference to tag it with (required)")
	entrypoint := fl.String("entrypoint", "", "entrypoint, words separated by spaces")
	cmd := fl.String("cmd", "", "default arguments, words separated by spaces")
	user := fl.String("user", "", `user as "uid" or "uid:gid" (default root)`)
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *out == "" || *ref == "" || fl.NArg() == 0 {
		return fmt.Errorf("usage: mkimage -o OUT.tar -ref REF [-entrypoint CMD] [-user UID] IMAGE_PATH=HOST_PATH...")
	}
	var files []ocibuild.File
	for _, arg := range fl.Args() {
		imagePath, hostPath, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("argument %q is not IMAGE_PATH=HOST_PATH", arg)
		}
		f, err := ocibuild.FileFromHost(imagePath, hostPath)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	img, err := ocibuild.Build(files, ocibuild.Config{
		Entrypoint: strings.Fields(*entrypoint),
		Cmd:        strings.Fields(*cmd),
		User:       *user,
	})
	if err != nil {
		return err
	}
	return ocibuild.WriteTarball(*out, *ref, img)
}
