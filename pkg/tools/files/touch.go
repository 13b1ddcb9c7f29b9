package files

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Touch is touch: change file timestamps, creating files.
var Touch = tools.Applet{Name: "touch", Summary: "change file timestamps, creating files", Run: runTouch}

func runTouch(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("touch", `touch [-acm] [-d DATE] [-r FILE] FILE...
  -c do not create  -d DATE use DATE (RFC 3339, "2006-01-02 15:04:05", @EPOCH)  -r FILE use its time`)
	noCreate := fset.Bool('c', "no-create")
	fset.Bool('a', "")
	fset.Bool('m', "")
	date := fset.String('d', "date", "")
	ref := fset.String('r', "reference", "")
	stamp := fset.String('t', "", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("touch", "missing file operand")
		return 2
	}
	t := time.Now()
	switch {
	case *ref != "":
		fi, err := os.Stat(env.Abs(*ref))
		if err != nil {
			env.Errorf("touch", "failed to get attributes of '%s': %s", *ref, tools.Reason(err))
			return 1
		}
		t = fi.ModTime()
	case *date != "":
		var err error
		if t, err = parseDate(*date); err != nil {
			env.Errorf("touch", "invalid date format '%s'", *date)
			return 1
		}
	case *stamp != "":
		var err error
		if t, err = time.ParseInLocation("200601021504.05", *stamp, time.Local); err != nil {
			if t, err = time.ParseInLocation("200601021504", *stamp, time.Local); err != nil {
				env.Errorf("touch", "invalid date format '%s'", *stamp)
				return 1
			}
		}
	}
	st := 0
	for _, op := range ops {
		p := env.Abs(op)
		if _, err := os.Stat(p); err != nil {
			if *noCreate {
				continue
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o666)
			if err != nil {
				env.Errorf("touch", "cannot touch '%s': %s", op, tools.Reason(err))
				st = 1
				continue
			}
			f.Close()
		}
		if err := os.Chtimes(p, t, t); err != nil {
			env.Errorf("touch", "setting times of '%s': %s", op, tools.Reason(err))
			st = 1
		}
	}
	return st
}

func parseDate(s string) (time.Time, error) {
	if strings.HasPrefix(s, "@") {
		n, err := strconv.ParseInt(s[1:], 10, 64)
		return time.Unix(n, 0), err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}
