package nsenter

import (
	"encoding/binary"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// parsed is what the launcher makes of configuration b (see parseLaunch): it is read
// into launchBuf, as the launcher reads it.
func parsed(t *testing.T, b []byte) (launchConfig, bool) {
	t.Helper()
	buf := (*[launchMaxConfig]byte)(unsafe.Pointer(&launchBuf))
	n := copy(buf[:], b)
	var p forkPlan
	h, ok := parseLaunch(buf[:n], &p)
	if !ok {
		return launchConfig{}, false
	}
	c := launchConfig{PID: int(h.pid), PauseMS: int(p.pause.Sec*1000 + p.pause.Nsec/1e6), TTY: p.tty, KeepAll: p.keepAll,
		Bounding: p.bounding, NoNewPrivs: h.flags&launchNoNewPrivs != 0, HasCred: p.setCred, UserNS: p.userNS,
		UID: uint32(p.uid), GID: uint32(p.gid)}
	if p.ngroups > 0 {
		c.Groups = append(c.Groups, unsafe.Slice((*uint32)(ptr(p.groups)), p.ngroups)...)
	}
	for a := uintptr(0); a < 64; a++ {
		if p.ambient&(1<<a) != 0 {
			c.Ambient = append(c.Ambient, a)
		}
	}
	cstrings := func(v uintptr) []string {
		var out []string
		for p := (*uintptr)(ptr(v)); *p != 0; p = (*uintptr)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(v))) {
			out = append(out, unsafe.String((*byte)(ptr(*p)), strings.IndexByte(unsafe.String((*byte)(ptr(*p)), len(buf)), 0)))
		}
		return out
	}
	c.Argv, c.Env = cstrings(p.argv), cstrings(p.envv)
	return c, true
}

// ptr is the address v holds (the launcher keeps addresses as uintptrs in static memory).
func ptr(v uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&v)) }

func TestLaunchConfigRoundTrip(t *testing.T) {
	for _, c := range []launchConfig{
		{PID: 42, TTY: true, Bounding: 0xa80425fb, Argv: []string{"ddebug-session", "app"}, Env: []string{"PATH=/bin", "A=b=c"}},
		{PID: 7, KeepAll: true, NoNewPrivs: true, HasCred: true, UID: 65532, GID: 65532, Groups: []uint32{1, 2, 3},
			Ambient: []uintptr{0, 21, 40}, PauseMS: 1300, UserNS: true, Argv: []string{"ddebug-session", ""}},
		{PID: 1<<31 - 1, HasCred: true, UID: 1, GID: 2, Groups: []uint32{9}, Argv: []string{"a"}},
	} {
		b, err := c.marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parsed(t, b)
		if !ok {
			t.Fatalf("%+v: not parsed", c)
		}
		if d := cmp.Diff(c, got); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
}

func TestLaunchConfigRejected(t *testing.T) {
	good := launchConfig{PID: 7, HasCred: true, UserNS: true, Groups: []uint32{1}, Argv: []string{"s", "t"}, Env: []string{"A=b"}}
	b, err := good.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := parsed(t, b); !ok {
		t.Fatal("the configuration the others are made from is refused")
	}
	ne := binary.NativeEndian
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), b...)) }
	for name, bad := range map[string][]byte{
		"empty":           {},
		"header cut":      b[:launchHeaderSize-1],
		"strings cut":     b[:len(b)-1],
		"trailing bytes":  append(append([]byte(nil), b...), 'x', 0),
		"older layout":    edit(func(b []byte) []byte { ne.PutUint64(b, launchMagic-1); return b }),
		"unknown flag":    edit(func(b []byte) []byte { ne.PutUint32(b[8:], 1<<7); return b }),
		"pid 0":           edit(func(b []byte) []byte { ne.PutUint32(b[12:], 0); return b }),
		"pid negative":    edit(func(b []byte) []byte { ne.PutUint32(b[12:], 1<<31); return b }),
		"userns, no ids":  edit(func(b []byte) []byte { ne.PutUint32(b[8:], launchUserNS); return b }),
		"groups past":     edit(func(b []byte) []byte { ne.PutUint32(b[40:], 1<<10); return b }),
		"groups too many": edit(func(b []byte) []byte { ne.PutUint32(b[40:], launchMaxGroups+1); return b }),
		"no argv":         edit(func(b []byte) []byte { ne.PutUint32(b[48:], 0); return b }),
		"argc past":       edit(func(b []byte) []byte { ne.PutUint32(b[48:], 4); return b }),
		"envc past":       edit(func(b []byte) []byte { ne.PutUint32(b[52:], 2); return b }),
		"envc wraps":      edit(func(b []byte) []byte { ne.PutUint32(b[52:], ^uint32(0)); return b }),
		"strings short":   edit(func(b []byte) []byte { ne.PutUint32(b[52:], 0); return b }),
	} {
		if _, ok := parsed(t, bad); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, c := range []launchConfig{
		{PID: 1, Argv: nil},
		{PID: 0, Argv: []string{"a"}},
		{PID: 1, Argv: []string{"a\x00b"}},
		{PID: 1, Argv: []string{"a"}, Ambient: []uintptr{64}},
		{PID: 1, Argv: []string{"a"}, Env: make([]string, launchMaxStrings)},
		{PID: 1, Argv: []string{strings.Repeat("x", launchMaxConfig)}},
	} {
		if _, err := c.marshal(); err == nil {
			t.Errorf("marshal %.80v: no error", c)
		}
	}
}
