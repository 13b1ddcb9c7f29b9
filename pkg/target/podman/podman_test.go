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

	"github.com/google/go-cmp/cmp"

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
			// The rootful service, whoever runs the test.
			rootful := func(string) int { return 0 }
			got, err := Resolver{Sockets: []string{"unix://" + sock}, uidOf: rootful}.Resolve(context.Background(), target.Reference{Scheme: "podman", Name: "web"})
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

// fakeCtr is a container of serveFake's service.
type fakeCtr struct {
	id, name string
	running  bool
}

// serveFake serves a Podman API holding cs, looked up as Podman does: full ID, then
// name, then ID prefix. The running ones run as this test process.
func serveFake(t *testing.T, cs ...fakeCtr) string {
	t.Helper()
	self := os.Getpid()
	inspectJSON := func(c fakeCtr) string {
		st := `{"Status":"exited","ExitCode":1}`
		if c.running {
			st = `{"Status":"running","Running":true,"Pid":` + strconv.Itoa(self) + `}`
		}
		return `{"Id":"` + c.id + `","Name":"` + c.name + `","ImageName":"img","State":` + st + `}`
	}
	return serveAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Libpod-Api-Version", "4.9.3")
		p := r.URL.Path
		switch {
		case strings.HasSuffix(p, "/_ping"):
			w.Write([]byte("OK"))
		case strings.HasSuffix(p, "/containers/json"):
			var items []string
			for _, c := range cs {
				if c.running || r.URL.Query().Get("all") == "true" {
					state := "exited"
					if c.running {
						state = "running"
					}
					items = append(items, `{"Id":"`+c.id+`","Names":["`+c.name+`"],"Image":"img","State":"`+state+`","Pid":`+strconv.Itoa(self)+`}`)
				}
			}
			w.Write([]byte("[" + strings.Join(items, ",") + "]"))
		case strings.HasSuffix(p, "/json") && strings.Contains(p, "/containers/"):
			q := strings.TrimSuffix(p[strings.Index(p, "/containers/")+len("/containers/"):], "/json")
			var found []fakeCtr
			for _, c := range cs {
				if c.id == q {
					found = []fakeCtr{c}
					break
				}
				if c.name == q {
					found = []fakeCtr{c}
				}
			}
			if found == nil {
				for _, c := range cs {
					if strings.HasPrefix(c.id, q) {
						found = append(found, c)
					}
				}
			}
			switch len(found) {
			case 0:
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"message":"no container with name or ID \"` + q + `\" found: no such container"}`))
			case 1:
				w.Write([]byte(inspectJSON(found[0])))
			default:
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(`{"message":"more than one result for container \"` + q + `\": container already exists"}`))
			}
		default:
			http.NotFound(w, r)
		}
	})
}

// TestRootfulAndRootless: the same name in the rootful service and a rootless one.
func TestRootfulAndRootless(t *testing.T) {
	cases := []struct {
		name     string
		rootful  []fakeCtr
		rootless []fakeCtr
		ref      string
		want     string // Ref() of the target
		prefix   bool
		err      error
		msg      string
		listWant []string
		skipList bool
	}{
		{name: "in both, running: ambiguous", rootful: []fakeCtr{{"aaa1", "web", true}}, rootless: []fakeCtr{{"bbb1", "web", true}},
			ref: "podman://web", err: target.ErrAmbiguous, msg: `"web" names a container in 2 Podman services: podman://web and podman://uid=1000/web; pass one of these references`,
			listWant: []string{"podman://web", "podman://uid=1000/web"}},
		{name: "the rootless one by its reference", rootful: []fakeCtr{{"aaa1", "web", true}}, rootless: []fakeCtr{{"bbb1", "web", true}},
			ref: "podman://uid=1000/web", want: "podman://uid=1000/web", skipList: true},
		{name: "the rootful one by uid=0", rootful: []fakeCtr{{"aaa1", "web", true}}, rootless: []fakeCtr{{"bbb1", "web", true}},
			ref: "podman://uid=0/web", want: "podman://web", skipList: true},
		{name: "in both, one running: that one", rootful: []fakeCtr{{"aaa1", "web", false}}, rootless: []fakeCtr{{"bbb1", "web", true}},
			ref: "podman://web", want: "podman://uid=1000/web", listWant: []string{"podman://uid=1000/web"}},
		{name: "a name beats another service's ID prefix", rootful: []fakeCtr{{"cafe01", "db", true}}, rootless: []fakeCtr{{"bbb1", "cafe", true}},
			ref: "podman://cafe", want: "podman://uid=1000/cafe", skipList: true},
		{name: "an ID prefix alone", rootful: []fakeCtr{{"cafe01", "db", true}}, rootless: []fakeCtr{{"bbb1", "web", true}},
			ref: "podman://cafe", want: "podman://db", prefix: true, skipList: true},
		{name: "a stopped rootless container says whose it is", rootless: []fakeCtr{{"bbb1", "web", false}},
			ref: "podman://uid=1000/web", err: target.ErrNotRunning, msg: `container podman://uid=1000/web (rootless Podman of uid 1000) is exited (exit code 1): start it first ('podman start web' as uid 1000)`, skipList: true},
		{name: "no service of that uid", rootful: []fakeCtr{{"aaa1", "web", true}}, rootless: []fakeCtr{{"bbb1", "web", true}},
			ref: "podman://uid=1001/web", err: target.ErrUnavailable, msg: "no Podman service of uid 1001 answers", skipList: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rootful, rootless := serveFake(t, c.rootful...), serveFake(t, c.rootless...)
			r := Resolver{Sockets: []string{rootful, "unix://" + rootless}, uidOf: func(s string) int {
				if s == rootless {
					return 1000
				}
				return 0
			}}
			ref, err := Resolver{}.Parse(strings.TrimPrefix(c.ref, Scheme+"://"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Resolve(context.Background(), ref)
			if c.err != nil {
				if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("error %v, want %v containing %q", err, c.err, c.msg)
				}
			} else if err != nil || got.Ref() != c.want || got.PrefixMatch != c.prefix || got.PID != os.Getpid() {
				t.Errorf("Resolve(%s) = %+v, %v; want %s (prefix match %v)", c.ref, got, err, c.want, c.prefix)
			}
			if c.skipList {
				return
			}
			ts, err := r.List(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for _, tg := range ts {
				refs = append(refs, tg.Ref())
			}
			if d := cmp.Diff(c.listWant, refs); d != "" {
				t.Errorf("List (-want +got):\n%s", d)
			}
		})
	}
}
