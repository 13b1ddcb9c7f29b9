package sessionbin

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

// EnvOverride names a toolbox binary to use instead of the built-in choice.
const EnvOverride = "DDEBUG_TOOLBOX"

// FileName is the toolbox's name beside the plugin.
const FileName = "ddebug-toolbox"

// embedded and embeddedLauncher are set by embed.go in builds with the ddebug_embed tag.
var embedded, embeddedLauncher []byte

// Launcher returns the launcher of sessions (nsenter.Options.Launcher): the small
// cmd/ddebug-launch when embedded, else nothing, and the session program launches too.
func Launcher() nsenter.Executable {
	if len(embeddedLauncher) > 0 {
		return nsenter.Executable{Bytes: embeddedLauncher}
	}
	return nsenter.Executable{}
}

// Find returns the session executable and a word on where it came from.
func Find() (nsenter.Executable, string, error) {
	if p := os.Getenv(EnvOverride); p != "" {
		if _, err := os.Stat(p); err != nil {
			return nsenter.Executable{}, "", fmt.Errorf("%s=%s: %w", EnvOverride, p, err)
		}
		return nsenter.Executable{Path: p}, EnvOverride, nil
	}
	if len(embedded) > 0 {
		return nsenter.Executable{Bytes: embedded}, "embedded", nil
	}
	self, err := os.Executable()
	if err != nil {
		return nsenter.Executable{}, "", fmt.Errorf("finding own executable: %w", err)
	}
	// After a chroot (a node session runs in the host's root) the path of this binary
	// leads elsewhere, or nowhere: then only /proc/self/exe reaches it.
	if !sameFile(self, "/proc/self/exe") {
		return nsenter.Executable{Path: "/proc/self/exe"}, "self", nil
	}
	beside := filepath.Join(filepath.Dir(self), FileName)
	if st, err := os.Stat(beside); err == nil && st.Mode().IsRegular() {
		return nsenter.Executable{Path: beside}, "beside", nil
	}
	return nsenter.Executable{Path: self}, "self", nil
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}
