//go:build !linux

package agent

import "errors"

var errNotLinux = errors.New("not supported on this OS: the ddebug agent runs in Linux containers")

func chroot(string) error { return errNotLinux }

func switchTo(Target) error { return errNotLinux }

func nonDumpable() {}
