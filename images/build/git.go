package main

import (
	"os/exec"
	"strings"
)

// gitRevision is HEAD's commit in dir, or "" outside a git checkout.
func gitRevision(dir string) string {
	cmd := exec.Command("git", "rev-parse", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
