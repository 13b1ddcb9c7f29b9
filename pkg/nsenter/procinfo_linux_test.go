package nsenter

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseProcStatus(t *testing.T) {
	in := `Name:	app
Umask:	0022
State:	S (sleeping)
Uid:	65532	65532	65532	65532
Gid:	0	0	0	0
Groups:	4 27 
NoNewPrivs:	1
CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000400
`
	got, err := parseProcStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := procStatus{UID: 65532, GID: 0, Groups: []uint32{4, 27}, CapPrm: 0xa80425fb, CapEff: 0xa80425fb, CapBnd: 0xa80425fb, CapAmb: 0x400, NoNewPrivs: true}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("parseProcStatus (-want +got):\n%s", d)
	}
	if _, err := parseProcStatus([]byte("Name:\tx\nUid:\t0\t0\t0\t0\n")); err == nil {
		t.Error("a status without Gid and CapBnd parsed without error")
	}
}

func TestSessionEnv(t *testing.T) {
	cases := []struct {
		name   string
		target []string
		opts   Options
		want   []string
	}{
		{"target env, name added, PATH kept", []string{"PATH=/app/bin", "HOME=/home/x", "DDEBUG_TARGET=spoofed"}, Options{Name: "app"},
			[]string{"PATH=/app/bin", "HOME=/home/x", "DDEBUG_TARGET=app"}},
		{"no PATH in a scratch image", []string{"A=1"}, Options{Name: "app"},
			[]string{"A=1", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "DDEBUG_TARGET=app"}},
		{"tty gets the caller's TERM, not the target's", []string{"PATH=/bin", "TERM=dumb"}, Options{Name: "a", TTY: true, TermEnv: "xterm-256color"},
			[]string{"PATH=/bin", "DDEBUG_TARGET=a", "TERM=xterm-256color"}},
		{"a TERM with escape sequences is replaced", nil, Options{Name: "a", TTY: true, TermEnv: "x\x1b]0;pwned\x07"},
			[]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "DDEBUG_TARGET=a", "TERM=xterm"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, sessionEnv(c.target, c.opts)); d != "" {
				t.Errorf("sessionEnv (-want +got):\n%s", d)
			}
		})
	}
}

func TestCredentialsFor(t *testing.T) {
	st := procStatus{UID: 1000, GID: 2000, Groups: []uint32{3000}, CapEff: 1 << 10, CapBnd: 0xff | 1<<10, NoNewPrivs: true}
	cases := []struct {
		name      string
		id        Identity
		bounding  uint64
		keepAll   bool
		uid, gid  uint32
		hasCred   bool
		ambient   int
		noNewPriv bool
	}{
		{"root", Identity{}, st.CapBnd, false, 0, 0, false, 0, false},
		{"privileged", Identity{Mode: IdentityPrivileged}, st.CapBnd, true, 0, 0, false, 0, false},
		{"as target", Identity{Mode: IdentityTarget}, st.CapBnd, false, 1000, 2000, true, 1, true},
		{"user with gid", Identity{Mode: IdentityUser, UID: 5, GID: 6, HasGID: true}, st.CapBnd, false, 5, 6, true, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := credentialsFor(c.id, 1, st, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.bounding != c.bounding || got.keepAll != c.keepAll || got.noNewPrivs != c.noNewPriv || len(got.ambient) != c.ambient {
				t.Errorf("got %+v", got)
			}
			if (got.credential != nil) != c.hasCred {
				t.Fatalf("credential %+v, want one: %v", got.credential, c.hasCred)
			}
			if got.credential != nil && (got.credential.Uid != c.uid || got.credential.Gid != c.gid) {
				t.Errorf("credential %d:%d, want %d:%d", got.credential.Uid, got.credential.Gid, c.uid, c.gid)
			}
		})
	}
}

func TestIDMap(t *testing.T) {
	m, err := parseIDMap([]byte("         0       1000          1\n         1     100000      65536\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		host, inside uint32
		ok           bool
	}{{1000, 0, true}, {100000, 1, true}, {165535, 65536, true}, {165536, 0, false}, {0, 0, false}, {999, 0, false}} {
		if got, ok := m.inside(c.host); got != c.inside || ok != c.ok {
			t.Errorf("inside(%d) = %d, %v; want %d, %v", c.host, got, ok, c.inside, c.ok)
		}
	}
	if !m.mapped(0) || !m.mapped(65536) || m.mapped(65537) {
		t.Errorf("mapped: wrong for %s", m)
	}
	if _, err := parseIDMap([]byte("0 1000\n")); err == nil {
		t.Error("a line of two fields was accepted")
	}
}

// In a user namespace of its own, every identity becomes ids of that namespace: the host's
// root is never the session's.
func TestCredentialsForUserNamespace(t *testing.T) {
	rootless := &userNS{uids: idMap{{0, 1000, 1}, {1, 100000, 65536}}, gids: idMap{{0, 1000, 1}, {1, 100000, 65536}}}
	noRoot := &userNS{uids: idMap{{1000, 1000, 1}}, gids: idMap{{1000, 1000, 1}}}
	st := procStatus{UID: 1000, GID: 1000, Groups: []uint32{100004}, CapEff: 1 << 10, CapBnd: 0xff | 1<<10}
	nonRoot := procStatus{UID: 100999, GID: 100999, CapEff: 1 << 10, CapBnd: 0xff | 1<<10}
	cases := []struct {
		name     string
		ns       *userNS
		id       Identity
		st       procStatus
		uid, gid uint32
		groups   []uint32
		ambient  int
		keepAll  bool
		err      string
	}{
		{"root is the container's root", rootless, Identity{}, st, 0, 0, []uint32{}, 0, false, ""},
		{"privileged keeps the namespace's capabilities", rootless, Identity{Mode: IdentityPrivileged}, st, 0, 0, []uint32{}, 0, true, ""},
		{"as target, container root", rootless, Identity{Mode: IdentityTarget}, st, 0, 0, []uint32{100004}, 0, false, ""},
		{"as target, a mapped user", rootless, Identity{Mode: IdentityTarget}, nonRoot, 1000, 1000, []uint32{}, 1, false, ""},
		{"user as the namespace numbers it", rootless, Identity{Mode: IdentityUser, UID: 33, GID: 33, HasGID: true}, st, 33, 33, []uint32{}, 0, false, ""},
		{"unmapped user", rootless, Identity{Mode: IdentityUser, UID: 70000, GID: 1, HasGID: true}, st, 0, 0, nil, 0, false, "uid 70000 is not mapped in the target's user namespace (it maps 0:1000:1,1:100000:65536)"},
		{"no root mapped", noRoot, Identity{}, procStatus{UID: 1000, GID: 1000}, 0, 0, nil, 0, false, "its root is not mapped (uids 1000:1000:1): use --as-target or --user"},
		{"target's uid unmapped", noRoot, Identity{Mode: IdentityTarget}, nonRoot, 0, 0, nil, 0, false, "the target's uid 100999 is not mapped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := credentialsFor(c.id, 1, c.st, c.ns)
			if c.err != "" {
				if err == nil || !errors.Is(err, ErrUserNamespace) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.userNS || got.credential == nil {
				t.Fatalf("got %+v, want ids of the namespace", got)
			}
			cr := got.credential
			if cr.Uid != c.uid || cr.Gid != c.gid || !slices.Equal(cr.Groups, c.groups) || len(got.ambient) != c.ambient || got.keepAll != c.keepAll {
				t.Errorf("got %d:%d groups %v ambient %v keepAll %v; want %d:%d %v %d %v", cr.Uid, cr.Gid, cr.Groups, got.ambient, got.keepAll, c.uid, c.gid, c.groups, c.ambient, c.keepAll)
			}
			if lc := got.launchConfig(1, false); !lc.UserNS || !lc.HasCred {
				t.Errorf("launch configuration %+v does not join the namespace with ids", lc)
			}
		})
	}
}

// TestWithStartEnv: GOMAXPROCS=1 goes in front for the session's start, named for
// BeginSession to remove, unless the target sets GOMAXPROCS itself.
func TestWithStartEnv(t *testing.T) {
	env, names := withStartEnv([]string{"PATH=/bin", "DDEBUG_TARGET=app"})
	if d := cmp.Diff([]string{"GOMAXPROCS=1", "PATH=/bin", "DDEBUG_TARGET=app"}, env); d != "" {
		t.Errorf("env (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"GOMAXPROCS"}, names); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	env, names = withStartEnv([]string{"GOMAXPROCS=4", "PATH=/bin"})
	if d := cmp.Diff([]string{"GOMAXPROCS=4", "PATH=/bin"}, env); d != "" || names != nil {
		t.Errorf("the target's own GOMAXPROCS: env %q, names %q, want it alone and nothing added", env, names)
	}
}

// TestSignalNotice: a session's death by a signal is said in one line, but for the
// user's Ctrl-C and a closed pipe.
func TestSignalNotice(t *testing.T) {
	for line, want := range map[string]string{
		"signal 15": "the session was killed by signal 15 (terminated)",
		"signal 11": "the session was killed by signal 11 (segmentation fault)",
		"signal 2":  "",
		"signal 13": "",
		"":          "",
		"ok":        "",
	} {
		if got := signalNotice(line); got != want {
			t.Errorf("signalNotice(%q) = %q, want %q", line, got, want)
		}
	}
}
