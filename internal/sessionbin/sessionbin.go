package sessionbin

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

// EnvOverride names a toolbox binary to use instead of the built-in choice.
const EnvOverride = "DDEBUG_TOOLBOX"

// EnvStore names the store to use instead of DefaultStore (tests start from an empty one).
const EnvStore = "DDEBUG_STORE"

// DefaultStore is where ddebug keeps the session programs on the host, root only, once
// per build (see nsenter.WithStore): each session seals them from there without a copy.
const DefaultStore = "/var/cache/ddebug"

// FileName is the toolbox's name beside the plugin.
const FileName = "ddebug-toolbox"

// embedded and embeddedLauncher are set by embed.go in builds with the ddebug_embed tag.
var embedded, embeddedLauncher []byte

// Store is the directory the session programs are kept in.
func Store() string {
	if d := os.Getenv(EnvStore); d != "" {
		return d
	}
	return DefaultStore
}

// LauncherName is the launcher's name beside the plugin.
const LauncherName = "ddebug-launch"

// Launcher returns the launcher of sessions (nsenter.Options.Launcher): the small
// cmd/ddebug-launch when embedded or beside the plugin (`go install .../cmd/...` puts it
// there), else a copy of this program entered at nsenter.LauncherEntry, which starts no Go
// runtime (kept in the store only, see nsenter.Executable), else nothing, and the session
// program launches too.
func Launcher() nsenter.Executable {
	if len(embeddedLauncher) > 0 {
		return nsenter.Executable{Bytes: embeddedLauncher, Key: buildID(bytes.NewReader(embeddedLauncher))}
	}
	if p, ok := besideSelf(LauncherName); ok {
		return fileExecutable(p)
	}
	if entry := nsenter.LauncherEntry(); entry != 0 {
		if e := fileExecutable("/proc/self/exe"); e.Key != "" {
			e.Key += fmt.Sprintf("+entry:%#x", entry)
			e.Entry = entry
			return e
		}
	}
	return nsenter.Executable{}
}

// besideSelf finds the program name in this binary's directory, when that path still
// leads to this binary (not after a chroot).
func besideSelf(name string) (string, bool) {
	self, err := os.Executable()
	if err != nil || !sameFile(self, "/proc/self/exe") {
		return "", false
	}
	p := filepath.Join(filepath.Dir(self), name)
	st, err := os.Stat(p)
	return p, err == nil && st.Mode().IsRegular()
}

// Find returns the session executable and a word on where it came from.
func Find() (nsenter.Executable, string, error) {
	if p := os.Getenv(EnvOverride); p != "" {
		if _, err := os.Stat(p); err != nil {
			return nsenter.Executable{}, "", fmt.Errorf("%s=%s: %w", EnvOverride, p, err)
		}
		return fileExecutable(p), EnvOverride, nil
	}
	if len(embedded) > 0 {
		return nsenter.Executable{Bytes: embedded, Key: buildID(bytes.NewReader(embedded))}, "embedded", nil
	}
	// After a chroot (a node session runs in the host's root) the path of this binary
	// leads elsewhere, or nowhere: then only /proc/self/exe reaches it.
	if p, ok := besideSelf(FileName); ok {
		return fileExecutable(p), "beside", nil
	}
	e := fileExecutable("/proc/self/exe")
	if e.Key != "" {
		e.Key += "+session-only"
		e.Done = sessionOnly
	}
	return e, "self", nil
}

// SessionPackages are the packages, each with those below it, of the toolbox besides the
// standard library: the session program needs nothing else initialised. A test keeps the
// list in step with internal/sessionstart's imports, both ways: a package of the plugin
// that it keeps must be one the session imports, since it might import others, which
// are not initialised.
var SessionPackages = []string{
	"github.com/kubectl-ddebug/kubectl-ddebug/internal/sessionstart",
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter",
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/targetfile",
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools",
	"github.com/dsnet/compress",
	"github.com/ulikunitz/xz",
	"golang.org/x/net/bpf",
	"golang.org/x/net/dns/dnsmessage",
	"golang.org/x/sys",
	"golang.org/x/term",
	"mvdan.cc/sh/v3",
}

// SessionNeeds reports whether a session may need package pkg initialised: it is of the
// standard library or of SessionPackages.
func SessionNeeds(pkg string) bool {
	if first, _, _ := strings.Cut(pkg, "/"); !strings.Contains(first, ".") {
		return true
	}
	for _, m := range SessionPackages {
		if pkg == m || strings.HasPrefix(pkg, m+"/") {
			return true
		}
	}
	return false
}

// sessionOnly gives the init tasks of this program's packages that no session needs (the
// Kubernetes, containerd, CRI and gRPC clients and all they import), from its symbol
// table: in the copy the store keeps as the session program they are marked done, and a
// session initialises what the toolbox alone would, where about 150 more packages ran
// their init before internal/sessionstart's. A program without symbols (-ldflags=-s) gets
// none marked.
func sessionOnly() ([]uint64, error) {
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil, nil // stripped
	}
	var done []uint64
	for _, s := range syms {
		pkg, ok := strings.CutSuffix(s.Name, "..inittask")
		if !ok {
			continue
		}
		if p, err := url.PathUnescape(pkg); err == nil { // the linker escapes dots in the last element
			pkg = p
		}
		if !SessionNeeds(pkg) {
			done = append(done, s.Value)
		}
	}
	return done, nil
}

func fileExecutable(path string) nsenter.Executable {
	e := nsenter.Executable{Path: path}
	if f, err := os.Open(path); err == nil {
		e.Key = buildID(f)
		f.Close()
	}
	return e
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// buildID returns the Go build ID of an ELF program ("" when it has none): the linker
// derives it from the program's content, so it names that content without hashing
// megabytes on every run. Like the go command, it looks for the note in the first 32 KB:
// namesz 4, descsz, type 4 (NT_GO_BUILDID), "Go\x00\x00", then the ID.
func buildID(r io.ReaderAt) string {
	buf := make([]byte, 32<<10)
	n, _ := r.ReadAt(buf, 0)
	buf = buf[:n]
	if !bytes.HasPrefix(buf, []byte("\x7fELF")) {
		return ""
	}
	for off := 0; ; {
		i := bytes.Index(buf[off:], []byte("\x04\x00\x00\x00Go\x00\x00"))
		if i < 0 {
			return ""
		}
		i += off
		off = i + 1
		if i < 8 || binary.LittleEndian.Uint32(buf[i-8:]) != 4 {
			continue
		}
		size := int(binary.LittleEndian.Uint32(buf[i-4:]))
		start := i + 8
		if size == 0 || size > 256 || start+size > len(buf) {
			continue
		}
		return "go:" + string(buf[start:start+size])
	}
}
