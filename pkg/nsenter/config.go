package nsenter

import (
	"encoding/binary"
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
// and how to start the session in it. It travels as a fixed binary header the launcher
// reads without parsing anything (it may run without the Go runtime: see Launch), in the
// machine's byte order (both ends are the same build on the same host):
//
//	offset  0  magic        uint64 (launchMagic: the layout's version)
//	        8  flags        uint32 (launchTTY, launchKeepAll, ...)
//	       12  pid          uint32
//	       16  bounding set uint64
//	       24  ambient set  uint64 (capabilities to raise in the session)
//	       32  uid, gid     uint32 each
//	       40  ngroups      uint32
//	       44  pause (ms)   uint32
//	       48  argc, envc   uint32 each
//	       56  groups       ngroups uint32, padded to a multiple of 8 bytes
//	           then argc + envc NUL-terminated strings (argv, then the environment), to the end.
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

const (
	launchMagic      = 0x3376_6c64_6462_6464 // "dddbdlv3" read as a little-endian uint64
	launchHeaderSize = 56
	// launchMaxConfig bounds the whole configuration (the launcher reads it into a buffer
	// of that size), launchMaxStrings its strings and launchMaxGroups its groups.
	launchMaxConfig  = 1 << 20
	launchMaxStrings = 1 << 16
	launchMaxGroups  = 1 << 16 // the kernel's NGROUPS_MAX
)

// Flags of the launch configuration.
const (
	launchTTY = 1 << iota
	launchKeepAll
	launchNoNewPrivs
	launchHasCred
	launchUserNS
)

func (c launchConfig) marshal() ([]byte, error) {
	if len(c.Argv) == 0 {
		return nil, errors.New("launch configuration: no session arguments")
	}
	if n := len(c.Argv) + len(c.Env); n > launchMaxStrings {
		return nil, fmt.Errorf("launch configuration: %d arguments and variables, more than %d", n, launchMaxStrings)
	}
	if len(c.Groups) > launchMaxGroups {
		return nil, fmt.Errorf("launch configuration: %d groups, more than %d", len(c.Groups), launchMaxGroups)
	}
	if c.PID <= 0 || c.PID > 1<<31-1 || c.PauseMS < 0 || c.PauseMS > 1<<16 {
		return nil, fmt.Errorf("launch configuration: pid %d, pause %d ms", c.PID, c.PauseMS)
	}
	var ambient uint64
	for _, a := range c.Ambient {
		if a > 63 {
			return nil, fmt.Errorf("launch configuration: capability %d out of range", a)
		}
		ambient |= 1 << a
	}
	var flags uint32
	for _, f := range []struct {
		set  bool
		flag uint32
	}{{c.TTY, launchTTY}, {c.KeepAll, launchKeepAll}, {c.NoNewPrivs, launchNoNewPrivs}, {c.HasCred, launchHasCred}, {c.UserNS, launchUserNS}} {
		if f.set {
			flags |= f.flag
		}
	}
	strs := append(append([]string{}, c.Argv...), c.Env...)
	if _, err := joinFields("launch", strs); err != nil {
		return nil, err
	}
	b := make([]byte, launchHeaderSize, launchHeaderSize+4*len(c.Groups)+8)
	ne := binary.NativeEndian
	ne.PutUint64(b[0:], launchMagic)
	ne.PutUint32(b[8:], flags)
	ne.PutUint32(b[12:], uint32(c.PID))
	ne.PutUint64(b[16:], c.Bounding)
	ne.PutUint64(b[24:], ambient)
	ne.PutUint32(b[32:], c.UID)
	ne.PutUint32(b[36:], c.GID)
	ne.PutUint32(b[40:], uint32(len(c.Groups)))
	ne.PutUint32(b[44:], uint32(c.PauseMS))
	ne.PutUint32(b[48:], uint32(len(c.Argv)))
	ne.PutUint32(b[52:], uint32(len(c.Env)))
	for _, g := range c.Groups {
		b = ne.AppendUint32(b, g)
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	for _, s := range strs {
		b = append(append(b, s...), 0)
	}
	if len(b) >= launchMaxConfig {
		return nil, fmt.Errorf("launch configuration too long (%d bytes): a shorter command or a smaller environment", len(b))
	}
	return b, nil
}
