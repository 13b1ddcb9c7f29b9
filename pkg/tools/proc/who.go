//go:build linux

package proc

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Who is who: list the users logged in, from utmp, as GNU who (a container has no utmp:
// then it lists none).
//
//	who [-H] [-q] [-b] [FILE]
var Who = tools.Applet{Name: "who", Summary: "list the users logged in (from utmp)", Run: runWho}

// utmpFiles are where the login records are looked for, in order.
var utmpFiles = []string{"/run/utmp", "/var/run/utmp"}

// utmpEntry is the part of a struct utmp (glibc's layout on 64-bit Linux: 384 bytes,
// 32-bit times) that who and w print.
type utmpEntry struct {
	Type int16
	PID  int32
	Line string
	User string
	Host string
	Time time.Time
}

const (
	utmpSize        = 384
	utmpBootTime    = 2
	utmpUserProcess = 7
)

// readUtmp reads the records of name; a missing file is no records.
func readUtmp(name string) ([]utmpEntry, error) {
	b, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	str := func(b []byte) string { return string(bytes.TrimRight(b, "\x00")) }
	var out []utmpEntry
	for ; len(b) >= utmpSize; b = b[utmpSize:] {
		le := binary.LittleEndian
		out = append(out, utmpEntry{
			Type: int16(le.Uint16(b[0:])), PID: int32(le.Uint32(b[4:])),
			Line: str(b[8:40]), User: str(b[44:76]), Host: str(b[76:332]),
			Time: time.Unix(int64(int32(le.Uint32(b[340:]))), 0),
		})
	}
	return out, nil
}

// loggedIn returns the user processes of the first utmp file that exists (or of file).
func loggedIn(file string) ([]utmpEntry, []utmpEntry, error) {
	files := utmpFiles
	if file != "" {
		files = []string{file}
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil && file == "" {
			continue
		}
		all, err := readUtmp(f)
		var users []utmpEntry
		for _, e := range all {
			if e.Type == utmpUserProcess && e.User != "" {
				users = append(users, e)
			}
		}
		return users, all, err
	}
	return nil, nil, nil
}

func runWho(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("who", "who [-H] [-q] [-b] [FILE]\nLists the users logged in, from /run/utmp or FILE (a container has none).")
	heading := fs.Bool('H', "heading")
	count := fs.Bool('q', "count")
	boot := fs.Bool('b', "boot")
	ops, st := fs.Parse(env, args[1:])
	if st >= 0 {
		return st
	}
	file := ""
	if len(ops) > 0 {
		file = env.Abs(ops[0])
	}
	users, all, err := loggedIn(file)
	if err != nil {
		env.Errorf("who", "%s", tools.Reason(err))
		return 1
	}
	if *count {
		names := make([]string, len(users))
		for i, u := range users {
			names[i] = u.User
		}
		fmt.Fprintf(env.Stdout, "%s\n# users=%d\n", strings.Join(names, " "), len(users))
		return 0
	}
	// GNU who writes ISO dates in a locale of its own and ctime's month and day in C's.
	layout, width := "Jan _2 15:04", 12
	if env.HardLocale("LC_TIME") {
		layout, width = "2006-01-02 15:04", 16
	}
	if *heading {
		fmt.Fprintf(env.Stdout, "%-8s %-12s %-*s %s\n", "NAME", "LINE", width, "TIME", "COMMENT")
	}
	if *boot {
		for _, e := range all {
			if e.Type == utmpBootTime {
				fmt.Fprintf(env.Stdout, "%-8s %-12s %s\n", "", "system boot", e.Time.Format(layout))
			}
		}
		return 0
	}
	for _, u := range users {
		line := fmt.Sprintf("%-8s %-12s %s", u.User, u.Line, u.Time.Format(layout))
		if u.Host != "" {
			line += " (" + u.Host + ")"
		}
		fmt.Fprintln(env.Stdout, line)
	}
	return 0
}
