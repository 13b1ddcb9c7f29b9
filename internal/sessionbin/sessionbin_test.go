package sessionbin

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildIDAsTheGoCommandReadsIt: the key a program is stored by is its Go build ID.
func TestBuildIDAsTheGoCommandReadsIt(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", self).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	f, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := buildID(f), "go:"+strings.TrimSpace(string(out)); got != want {
		t.Errorf("buildID = %q, want %q", got, want)
	}
	if got := buildID(strings.NewReader("#!/bin/sh\necho not ELF\n")); got != "" {
		t.Errorf("buildID of a script = %q, want none", got)
	}
}
