package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// TestSocketMissing: a missing socket is "absent" (left out of bare-name errors and of
// 'ddebug ps') only when nothing says Docker is used here: no DOCKER_HOST, no dockerd.
func TestSocketMissing(t *testing.T) {
	noSock := "unix://" + filepath.Join(t.TempDir(), "docker.sock")
	withDockerd := t.TempDir()
	if err := os.WriteFile(filepath.Join(withDockerd, "dockerd"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		dockerHost string
		path       string
		absent     bool
	}{
		{"no dockerd, no DOCKER_HOST: absent", "", t.TempDir(), true},
		{"dockerd installed: stopped, said", "", withDockerd, false},
		{"DOCKER_HOST chosen: said", noSock, t.TempDir(), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", c.dockerHost)
			t.Setenv("PATH", c.path)
			r := Resolver{Host: noSock}
			_, err := r.Resolve(context.Background(), target.Reference{Name: "web"})
			_, lerr := r.List(context.Background())
			for _, err := range []error{err, lerr} {
				if !errors.Is(err, target.ErrUnavailable) || errors.Is(err, target.ErrAbsent) != c.absent || !strings.Contains(err.Error(), "does not exist: is dockerd running?") {
					t.Errorf("error %v: want ErrUnavailable saying the socket does not exist, ErrAbsent %v", err, c.absent)
				}
			}
		})
	}
}
