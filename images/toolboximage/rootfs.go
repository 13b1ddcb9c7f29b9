package toolboximage

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

// Paths in the image that other parts of the project rely on.
const (
	// BinaryPath is the toolbox binary; every applet link in BinDir points at it.
	BinaryPath = "/bin/ddebug-toolbox"
	// BinDir holds the applet links.
	BinDir = "/bin"
	// RunDir is world-writable (sticky, like /tmp): the toolbox creates TargetLinkDest
	// there at start, whatever uid it runs as.
	RunDir = "/run/ddebug"
	// TargetLinkDest is where /target points: the toolbox makes it a link to
	// /proc/<pid>/root of the target when it cannot chroot.
	TargetLinkDest = RunDir + "/target"
	// TargetLink is the fixed path users see.
	TargetLink = "/target"
	// CABundlePath is where Go's crypto/x509 looks first on Linux.
	CABundlePath = "/etc/ssl/certs/ca-certificates.crt"
)

// Users of the image: root, distroless' nonroot and nobody.
const (
	passwd = `root:x:0:0:root:/root:/bin/sh
nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`
	group = `root:x:0:
nonroot:x:65532:
nobody:x:65534:
`
	nsswitch = "hosts: files dns\n"
)

// ErrNoApplets is returned when the list of applet names is empty.
var ErrNoApplets = errors.New("no applet names")

// Files returns the image's file tree: the toolbox binary, one relative symbolic link per
// applet name (busybox-style: argv[0] picks the applet), /target, the world-writable
// directories, /etc files and the CA bundle (skipped when ca is empty).
func Files(toolbox []byte, names []string, ca []byte) ([]ocibuild.File, error) {
	if len(toolbox) == 0 {
		return nil, errors.New("empty toolbox binary")
	}
	if len(names) == 0 {
		return nil, ErrNoApplets
	}
	files := []ocibuild.File{
		{Path: BinaryPath, Mode: 0o755, Data: toolbox},
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte(passwd)},
		{Path: "/etc/group", Mode: 0o644, Data: []byte(group)},
		{Path: "/etc/nsswitch.conf", Mode: 0o644, Data: []byte(nsswitch)},
		{Path: "/root", Mode: fs.ModeDir | 0o700},
		{Path: "/home/nonroot", Mode: fs.ModeDir | 0o700, UID: 65532, GID: 65532},
		{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		{Path: RunDir, Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		{Path: TargetLink, Mode: fs.ModeSymlink | 0o777, Link: TargetLinkDest},
	}
	if len(ca) > 0 {
		files = append(files, ocibuild.File{Path: CABundlePath, Mode: 0o644, Data: ca})
	}
	self := path.Base(BinaryPath)
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/\x00") {
			return nil, fmt.Errorf("applet name %q cannot be a file name", n)
		}
		if n == self || seen[n] {
			continue
		}
		seen[n] = true
		files = append(files, ocibuild.File{Path: path.Join(BinDir, n), Mode: fs.ModeSymlink | 0o777, Link: self})
	}
	return files, nil
}
