package nsenter

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The session configuration travels as NUL-separated fields: a version, the target, the
// directory, "1"/"0" for the terminal, the names of StartEnv (comma-separated), then the
// command's words. No field can hold a NUL
// (they are C strings in the end), and a hand-written format keeps encoding/json, and its
// reflection, out of the toolbox binary that every session copies.
const configVersion = "ddebug-session-v2"

func (c SessionConfig) marshal() ([]byte, error) {
	for _, k := range c.StartEnv {
		if k == "" || strings.ContainsAny(k, ",=") {
			return nil, fmt.Errorf("session configuration: bad variable name %q", k)
		}
	}
	return joinFields("session", append([]string{configVersion, c.Target, c.Dir, boolField(c.TTY), strings.Join(c.StartEnv, ",")}, c.Command...))
}

// joinFields joins the fields of a configuration with NULs, which none may hold.
func joinFields(what string, fields []string) ([]byte, error) {
	for _, f := range fields {
		if strings.IndexByte(f, 0) >= 0 {
			return nil, fmt.Errorf("%s configuration field %q holds a NUL byte", what, f)
		}
	}
	return []byte(strings.Join(fields, "\x00")), nil
}

func (c *SessionConfig) unmarshal(b []byte) error {
	fields := strings.Split(string(b), "\x00")
	if len(fields) < 5 || fields[0] != configVersion {
		return errors.New("session configuration is not of this version of ddebug")
	}
	tty, err := strconv.ParseBool(fields[3])
	if err != nil {
		return fmt.Errorf("session configuration: terminal field %q", fields[3])
	}
	*c = SessionConfig{Target: fields[1], Dir: fields[2], TTY: tty}
	if fields[4] != "" {
		c.StartEnv = strings.Split(fields[4], ",")
	}
	if len(fields) > 5 {
		c.Command = fields[5:]
	}
	return nil
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// launchConfig is what Run hands the launcher (on launchConfigFD): how to enter the target
// and how to start the session in it. It travels like SessionConfig, as NUL-separated
// fields: version, pid, terminal, keep-all, bounding set, no_new_privs, has-credential, uid,
// gid, groups (comma-separated), ambient capabilities (comma-separated), the pause before
// exec in milliseconds, user namespace, argc, then the session's argv and its environment.
type launchConfig struct {
	PID        int
	PauseMS    int
	TTY        bool
	KeepAll    bool
	Bounding   uint64
	NoNewPrivs bool
	HasCred    bool
	UserNS     bool // join the target's user namespace too (UID and GID are its ids)
	UID, GID   uint32
	Groups     []uint32
	Ambient    []uintptr
	Argv       []string
	Env        []string
}

const launchVersion = "ddebug-launch-v2"

func (c launchConfig) marshal() ([]byte, error) {
	var groups, ambient []string
	for _, g := range c.Groups {
		groups = append(groups, strconv.FormatUint(uint64(g), 10))
	}
	for _, a := range c.Ambient {
		ambient = append(ambient, strconv.FormatUint(uint64(a), 10))
	}
	fields := []string{launchVersion, strconv.Itoa(c.PID), boolField(c.TTY), boolField(c.KeepAll),
		strconv.FormatUint(c.Bounding, 16), boolField(c.NoNewPrivs), boolField(c.HasCred),
		strconv.FormatUint(uint64(c.UID), 10), strconv.FormatUint(uint64(c.GID), 10),
		strings.Join(groups, ","), strings.Join(ambient, ","), strconv.Itoa(c.PauseMS), boolField(c.UserNS), strconv.Itoa(len(c.Argv))}
	return joinFields("launch", append(append(fields, c.Argv...), c.Env...))
}

func (c *launchConfig) unmarshal(b []byte) error {
	f := strings.Split(string(b), "\x00")
	if len(f) < 14 || f[0] != launchVersion {
		return errors.New("launch configuration is not of this version of ddebug")
	}
	var err error
	num := func(s string, base, bits int) uint64 {
		v, e := strconv.ParseUint(s, base, bits)
		if e != nil && err == nil {
			err = fmt.Errorf("launch configuration: bad number %q", s)
		}
		return v
	}
	flag := func(s string) bool {
		if s != "0" && s != "1" && err == nil {
			err = fmt.Errorf("launch configuration: bad flag %q", s)
		}
		return s == "1"
	}
	list := func(s string) []uint64 {
		var out []uint64
		for _, x := range strings.Split(s, ",") {
			if x != "" {
				out = append(out, num(x, 10, 32))
			}
		}
		return out
	}
	*c = launchConfig{
		PID: int(num(f[1], 10, 31)), TTY: flag(f[2]), KeepAll: flag(f[3]), Bounding: num(f[4], 16, 64),
		NoNewPrivs: flag(f[5]), HasCred: flag(f[6]), UID: uint32(num(f[7], 10, 32)), GID: uint32(num(f[8], 10, 32)),
	}
	for _, g := range list(f[9]) {
		c.Groups = append(c.Groups, uint32(g))
	}
	for _, a := range list(f[10]) {
		c.Ambient = append(c.Ambient, uintptr(a))
	}
	c.PauseMS = int(num(f[11], 10, 16))
	c.UserNS = flag(f[12])
	argc := int(num(f[13], 10, 16))
	if err != nil {
		return err
	}
	const head = 14
	if argc < 1 || head+argc > len(f) {
		return fmt.Errorf("launch configuration: %d arguments announced, %d fields left", argc, len(f)-head)
	}
	c.Argv = f[head : head+argc]
	for _, kv := range f[head+argc:] {
		if kv != "" {
			c.Env = append(c.Env, kv)
		}
	}
	return nil
}
