package podman

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// serveAPI serves h on a unix socket in a temporary directory and returns its path: an
// in-process stand-in for the API's error paths that a real Podman cannot be made to take
// (an old version, another daemon on the socket). The real Podman runs in test/e2e.
func serveAPI(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "api.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return sock
}

func TestResolveAPIErrors(t *testing.T) {
	self := os.Getpid()
	inspectSelf := `{"Id":"abc123","Name":"web","ImageName":"localhost/web:latest","State":{"Status":"running","Running":true,"Pid":` + strconv.Itoa(self) + `}}`
	cases := []struct {
		name    string
		version string // Libpod-Api-Version; "" = none
		status  int
		body    string
		err     error
		msg     string
	}{
		{"running", "4.3.1", 200, inspectSelf, nil, ""},
		{"too old", "2.2.1", 200, inspectSelf, target.ErrUnavailable, "is version 2.2.1, too old: ddebug needs 3.0 or newer"},
		{"not podman", "", 200, inspectSelf, target.ErrUnavailable, "is not a Podman API socket"},
		{"not found", "4.3.1", 404, `{"cause":"no such container","message":"no container with name or ID \"web\" found: no such container","response":404}`, target.ErrNotFound, `no such container "web" on podman`},
		{"paused", "4.3.1", 200, `{"Name":"web","State":{"Status":"paused","Running":true,"Paused":true,"Pid":1}}`, target.ErrNotRunning, "is paused"},
		{"exited", "4.3.1", 200, `{"Name":"web","State":{"Status":"exited","ExitCode":3}}`, target.ErrNotRunning, `container "web" is exited (exit code 3): start it first ('podman start web')`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sock := serveAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if c.version != "" {
					w.Header().Set("Libpod-Api-Version", c.version)
				}
				switch {
				case strings.HasSuffix(r.URL.Path, "/_ping"):
					w.Write([]byte("OK"))
				case strings.HasSuffix(r.URL.Path, "/containers/web/json"):
					w.WriteHeader(c.status)
					w.Write([]byte(c.body))
				case strings.HasSuffix(r.URL.Path, "/containers/json"):
					w.Write([]byte(`[{"Id":"def","Names":["webb"],"State":"running","Pid":1}]`))
				default:
					http.NotFound(w, r)
				}
			})
			got, err := Resolver{Sockets: []string{"unix://" + sock}}.Resolve(context.Background(), target.Reference{Scheme: "podman", Name: "web"})
			if c.err == nil {
				if err != nil || got.PID != self || got.Ref() != "podman://web" || got.Image != "localhost/web:latest" || got.StartTime == 0 {
					t.Errorf("Resolve = %+v, %v", got, err)
				}
				return
			}
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want %v containing %q", err, c.err, c.msg)
			}
		})
	}
}

func TestSocketMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no podman program: the runtime is absent
	_, err := Resolver{Sockets: []string{"/nonexistent/podman.sock"}}.Resolve(context.Background(), target.Reference{Name: "web"})
	if !errors.Is(err, target.ErrUnavailable) || !errors.Is(err, target.ErrAbsent) {
		t.Errorf("no socket, no podman: %v, want ErrUnavailable and ErrAbsent", err)
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "podman"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin) // podman installed, socket not started: say so, with the hint
	_, err = Resolver{Sockets: []string{"/nonexistent/podman.sock"}}.Resolve(context.Background(), target.Reference{Name: "web"})
	if !errors.Is(err, target.ErrUnavailable) || errors.Is(err, target.ErrAbsent) || !strings.Contains(err.Error(), "systemctl start podman.socket") {
		t.Errorf("no socket, podman installed: %v, want ErrUnavailable with the hint, not ErrAbsent", err)
	}
}

func TestAtLeast(t *testing.T) {
	for v, want := range map[string]bool{"4.3.1": true, "3.0.0": true, "2.9.9": false, "v5.0": true, "x": false} {
		if got := atLeast(v, minAPI); got != want {
			t.Errorf("atLeast(%q) = %v, want %v", v, got, want)
		}
	}
}
