// Command build makes the toolbox image without a daemon: it compiles cmd/ddebug-toolbox
// for linux/amd64 and linux/arm64, packs each with its applet links into a FROM-scratch
// image and writes an OCI layout with the multi-arch index, the same as a tar file, and
// one "docker save" tarball per architecture. Same sources, same digest. With -node it
// makes the node image instead (tag VERSION-node): the same tree around the multi-call
// binary that also holds ddebug's host command line (kubectl ddebug node/NAME).
//
//	go run ./images/build -version v0.1.0 -out images/out
//	go run ./images/build -node -version v0.1.0 -out images/out-node
//	go run ./images/build -rootfs /rootfs -arch arm64   # the file tree only (images/Dockerfile)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox" // registers every applet
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "images/build:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	version := fs.String("version", envOr("VERSION", "dev"), "image tag and version label (v is added to a bare x.y.z)")
	revision := fs.String("revision", "", "git commit for the revision label (default: git rev-parse HEAD)")
	out := fs.String("out", "images/out", "output directory")
	archs := fs.String("arch", strings.Join(toolboximage.Architectures, ","), "comma-separated GOARCH list")
	ca := fs.String("ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "PEM CA bundle to ship (Debian's ca-certificates)")
	binDir := fs.String("toolbox-dir", "", "use DIR/linux_<arch>/ddebug-toolbox instead of compiling")
	rootfs := fs.String("rootfs", "", "write the file tree of one -arch into this directory instead of an image")
	node := fs.Bool("node", false, "build the node image (tag VERSION-node): ddebug's host command line in place of the toolbox alone, for kubectl ddebug node/NAME")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if runtime.GOOS != "linux" {
		// Some applets register only on Linux: names from another OS would be wrong.
		return errors.New("the applet names come from this program's own registry: run it on Linux, or build with images/Dockerfile")
	}
	v := normalizeVersion(*version)
	if *node {
		v += NodeSuffix
	}
	created, err := sourceDateEpoch()
	if err != nil {
		return err
	}
	bundle, err := os.ReadFile(*ca)
	if err != nil {
		return fmt.Errorf("reading the CA bundle (apt-get install ca-certificates): %w", err)
	}
	moduleDir, err := toolboximage.ModuleRoot(ctx, ".")
	if err != nil {
		return err
	}
	if *revision == "" {
		*revision = gitRevision(moduleDir)
	}
	archList := strings.Split(*archs, ",")
	bins, err := toolboxes(ctx, moduleDir, *binDir, archList, *node)
	if err != nil {
		return err
	}
	opts := toolboximage.Options{Version: v, Revision: *revision, Created: created,
		Toolbox: bins, Names: tools.Names(), CABundle: bundle}
	if *rootfs != "" {
		if len(archList) != 1 {
			return errors.New("-rootfs writes one architecture: give exactly one -arch")
		}
		files, err := toolboximage.Files(bins[archList[0]], opts.Names, opts.CABundle)
		if err != nil {
			return err
		}
		return toolboximage.WriteRootFS(*rootfs, files)
	}
	idx, images, err := toolboximage.Index(opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	res, err := toolboximage.Write(*out, toolboximage.Ref(v), idx, images)
	if err != nil {
		return err
	}
	fmt.Print(res.Summary(toolboximage.Ref(v)))
	return nil
}

// NodeSuffix ends the tag of the node image (internal/cli.NodeImageSuffix).
const NodeSuffix = "-node"

func toolboxes(ctx context.Context, moduleDir, binDir string, archs []string, node bool) (map[string][]byte, error) {
	if binDir == "" {
		tmp, err := os.MkdirTemp("", "ddebug-image-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if node {
			return toolboximage.CompileNodeBinaries(ctx, moduleDir, tmp, archs)
		}
		return toolboximage.CompileToolboxes(ctx, moduleDir, tmp, archs)
	}
	bins := map[string][]byte{}
	for _, a := range archs {
		data, err := os.ReadFile(filepath.Join(binDir, "linux_"+a, "ddebug-toolbox"))
		if err != nil {
			return nil, fmt.Errorf("reading the linux/%s toolbox: %w", a, err)
		}
		bins[a] = data
	}
	return bins, nil
}

// bareSemver is x.y.z without the v (what `make release VERSION=x.y.z` passes).
var bareSemver = regexp.MustCompile(`^\d+\.\d+\.\d+([-+].*)?$`)

// normalizeVersion turns a bare x.y.z into vx.y.z, as the release and krew spell it;
// anything else (dev, a git describe) is the tag as given.
func normalizeVersion(v string) string {
	if bareSemver.MatchString(v) {
		return "v" + v
	}
	return v
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (reproducible-builds.org); unset means 0.
func sourceDateEpoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want seconds since 1970", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
