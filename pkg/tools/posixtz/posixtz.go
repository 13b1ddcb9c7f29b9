package posixtz

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Location is the zone a set TZ names: a zoneinfo name or path (a leading ':' dropped),
// or a POSIX TZ string; "" is UTC, as in the C library. (An unset TZ is time.Local.)
func Location(tz string) (*time.Location, error) {
	name := strings.TrimPrefix(tz, ":")
	if name == "" {
		return time.UTC, nil
	}
	if l, err := time.LoadLocation(name); err == nil {
		return l, nil
	}
	if !isPOSIX(name) {
		return nil, fmt.Errorf("unknown time zone %q", tz)
	}
	// Go reads a POSIX TZ string only as the footer of a zoneinfo file (TZif version 2
	// and later), where it rules the times after the last transition: give it a file with
	// no transition of its own.
	l, err := time.LoadLocationFromTZData(name, tzif(name))
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", tz, err)
	}
	return l, nil
}

// ForTZ is the zone times are shown in under a TZ variable of value tz, set or not, as
// the C library reads it: time.Local when unset, UTC when it makes no sense of tz.
func ForTZ(tz string, set bool) *time.Location {
	if !set {
		return time.Local
	}
	if l, err := Location(tz); err == nil {
		return l
	}
	return time.UTC
}

// isPOSIX reports whether s opens as a POSIX TZ string does: a name of three or more
// letters (or <...>) and an offset.
func isPOSIX(s string) bool {
	i := 0
	if strings.HasPrefix(s, "<") {
		j := strings.IndexByte(s, '>')
		if j < 0 {
			return false
		}
		i = j + 1
	} else {
		for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
			i++
		}
		if i < 3 {
			return false
		}
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	return i < len(s) && s[i] >= '0' && s[i] <= '9'
}

// tzif is a zoneinfo file (version 2) with one standard type, UTC, no transition, and tz
// as its footer. Go's reader uses the footer for any time after the first transition,
// which it puts at the beginning of time when the file has none.
func tzif(tz string) []byte {
	var b bytes.Buffer
	block := func() { // the same for version 1 and 2: no transition, no leap second
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
		for _, n := range []uint32{0, 0, 0, 0, 1, 4} {
			binary.Write(&b, binary.BigEndian, n)
		}
		binary.Write(&b, binary.BigEndian, int32(0)) // utoff
		b.WriteByte(0)                               // isdst
		b.WriteByte(0)                               // desigidx
		b.WriteString("UTC\x00")
	}
	block()
	block()
	b.WriteString("\n" + tz + "\n")
	return b.Bytes()
}
