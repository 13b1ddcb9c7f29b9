//go:build !linux

package tools

import "golang.org/x/term"

func isTerminal(fd uintptr) bool { return term.IsTerminal(int(fd)) }
