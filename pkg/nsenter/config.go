package nsenter

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The session configuration travels as NUL-separated fields: a version, the target, the
// directory, "1"/"0" for the terminal, then the command's words. No field can hold a NUL
// (they are C strings in the end), and a hand-written format keeps encoding/json, and its
// reflection, out of the toolbox binary that every session copies.
const configVersion = "ddebug-session-v1"

func (c SessionConfig) marshal() ([]byte, error) {
	fields := append([]string{configVersion, c.Target, c.Dir, boolField(c.TTY)}, c.Command...)
	for _, f := range fields {
		if strings.IndexByte(f, 0) >= 0 {
			return nil, fmt.Errorf("session configuration field %q holds a NUL byte", f)
		}
	}
	return []byte(strings.Join(fields, "\x00")), nil
}

func (c *SessionConfig) unmarshal(b []byte) error {
	fields := strings.Split(string(b), "\x00")
	if len(fields) < 4 || fields[0] != configVersion {
		return errors.New("session configuration is not of this version of ddebug")
	}
	tty, err := strconv.ParseBool(fields[3])
	if err != nil {
		return fmt.Errorf("session configuration: terminal field %q", fields[3])
	}
	*c = SessionConfig{Target: fields[1], Dir: fields[2], TTY: tty}
	if len(fields) > 4 {
		c.Command = fields[4:]
	}
	return nil
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
