package tools

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// AsOwnerOf runs fn on a locked thread whose filesystem uid and gid are those of process
// pid. Reading /proc/<pid>/fd, /proc/<pid>/environ and the like takes ptrace access, which
// root has over another user's process only with CAP_SYS_PTRACE: Docker does not grant it,
// so a root session could not tell which process owns a socket of a non-root service.
// Acting with the process's own ids passes the same check without that capability (it
// takes CAP_SETUID and CAP_SETGID, which Docker's default set has). Without them, or when
// pid cannot be read, fn runs as is.
func AsOwnerOf(pid int, fn func()) {
	var st syscall.Stat_t
	if os.Geteuid() != 0 || syscall.Stat(fmt.Sprintf("/proc/%d", pid), &st) != nil {
		fn()
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	prevGID, _ := unix.SetfsgidRetGid(int(st.Gid))
	prevUID, _ := unix.SetfsuidRetUid(int(st.Uid))
	defer func() {
		unix.SetfsuidRetUid(prevUID)
		unix.SetfsgidRetGid(prevGID)
	}()
	fn()
}
