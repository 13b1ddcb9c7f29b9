package agent

import (
	"fmt"
	"syscall"
)

func chroot(dir string) error {
	if err := syscall.Chroot(dir); err != nil {
		return fmt.Errorf("chroot %s: %w", dir, err)
	}
	if err := syscall.Chdir("/"); err != nil {
		return fmt.Errorf("chdir / in the target: %w", err)
	}
	return nil
}

// switchTo takes the target's groups, gid and uid, in that order (all threads).
func switchTo(t Target) error {
	groups := t.Groups
	if groups == nil {
		groups = []int{}
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("taking the target's groups %v: %w", groups, err)
	}
	if err := syscall.Setresgid(t.GID, t.GID, t.GID); err != nil {
		return fmt.Errorf("taking the target's gid %d: %w", t.GID, err)
	}
	if err := syscall.Setresuid(t.UID, t.UID, t.UID); err != nil {
		return fmt.Errorf("taking the target's uid %d: %w", t.UID, err)
	}
	return nil
}

// nonDumpable keeps processes of the target (which share the PID namespace) from
// ptrace-attaching to or reading the memory of a root session.
func nonDumpable() {
	const prSetDumpable = 4
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0)
}
