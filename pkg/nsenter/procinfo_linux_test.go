package nsenter

import (
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
			got, err := credentialsFor(c.id, 1, st)
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
