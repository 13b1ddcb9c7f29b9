package proc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPidofListsItself: as sysvinit's, pidof does not leave out its own process
// ("pidof pidof" lists its pid); in-process, that is the test binary.
func TestPidofListsItself(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	out, _, code := run(t, "pidof", filepath.Base(os.Args[0]))
	if code != 0 || !contains(strings.Fields(out), self) {
		t.Errorf("pidof %s = %d %q, want it to list %s", filepath.Base(os.Args[0]), code, out, self)
	}
}
