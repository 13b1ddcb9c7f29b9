package proc

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixtz"
)

// Date is date: print the date and time (+FORMAT, -u, -d @SECONDS, -I, -R).
var Date = tools.Applet{Name: "date", Summary: "print the date and time (+FORMAT, -u, -d @SECONDS, -I, -R)", Run: runDate}

const dateUsage = `date [-u] [-d @SECONDS|RFC3339] [-I[date|seconds|ns] | -R | +FORMAT]
FORMAT supports %Y %C %y %m %d %e %H %I %M %S %N %p %j %a %A %b %B %h %s %z %:z %Z %u %w %F %T %D %R %c %x %X %n %t %%`

func runDate(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, dateUsage)
	}
	now := time.Now()
	tz, set := env.LookupEnv("TZ")
	loc := posixtz.ForTZ(tz, set)
	format := "%a %b %e %H:%M:%S %Z %Y"
	dateArg, dateSet := "", false
	operand := "" // the first operand that is not a +FORMAT
	rest := args[1:]
	for len(rest) > 0 {
		a := rest[0]
		rest = rest[1:]
		switch {
		case a == "-u" || a == "--utc" || a == "--universal":
			loc = time.UTC
		case a == "-R" || a == "--rfc-email":
			format = "%a, %d %b %Y %H:%M:%S %z"
		case a == "-I" || a == "-Idate" || a == "--iso-8601" || a == "--iso-8601=date":
			format = "%F"
		case a == "-Iseconds" || a == "--iso-8601=seconds":
			format = "%FT%T%:z"
		case a == "-Ins" || a == "--iso-8601=ns":
			format = "%FT%T,%N%:z"
		case a == "-d" || strings.HasPrefix(a, "--date="):
			v := strings.TrimPrefix(a, "--date=")
			if a == "-d" {
				if len(rest) == 0 {
					env.Errorf("date", "option -d needs a date")
					return 1
				}
				v, rest = rest[0], rest[1:]
			}
			dateArg, dateSet = v, true
		case strings.HasPrefix(a, "+"):
			format = a[1:]
		default:
			if operand == "" {
				operand = a
			}
		}
	}
	switch {
	case operand != "" && dateSet:
		// GNU date's words: with -d, an operand can only be a +FORMAT.
		env.Errorf("date", "the argument '%s' lacks a leading '+';\nwhen using an option to specify date(s), any non-option\nargument must be a format string beginning with '+'\nTry 'date --help' for more information.", operand)
		return 1
	case operand != "":
		env.Errorf("date", "setting the date is not supported; unknown argument %q", operand)
		return 1
	}
	if dateSet {
		t, err := parseDate(dateArg, loc, now) // -u: read in UTC too, as GNU date does
		if err != nil {
			env.Errorf("date", "invalid date '%s'", dateArg)
			return 1
		}
		now = t
	}
	fmt.Fprintln(env.Stdout, strftime(now.In(loc), format))
	return 0
}

// parseDate reads the date of -d, in zone unless it names its own, now giving the day of a
// time alone: GNU's forms "@SECONDS", "YYYY-MM-DD[ hh:mm[:ss[.frac]]][ ZONE]" (ZONE: Z,
// UTC, +hhmm, -hh:mm), "hh:mm[:ss]" and RFC 3339, and BusyBox's, which GNU date lacks:
// "[[YYYY.]MM.DD-]hh:mm[:ss]" and "[[[[CC]YY]MM]DD]hhmm[.ss]".
func parseDate(v string, zone *time.Location, now time.Time) (time.Time, error) {
	if s, ok := strings.CutPrefix(v, "@"); ok {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, err
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if m := busyboxDigits().FindStringSubmatch(v); m != nil {
		return digitsDate(m[1], m[2], zone, now)
	}
	if strings.TrimSpace(v) == "" { // GNU: the beginning of today
		n := now.In(zone)
		return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, zone), nil
	}
	m := dateForm().FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return time.Time{}, fmt.Errorf("unrecognised date %q", v)
	}
	atoi := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	n := now.In(zone)
	y, mo, d := n.Year(), int(n.Month()), n.Day()
	switch {
	case m[1] != "": // YYYY-MM-DD
		y, mo, d = atoi(m[1], y), atoi(m[2], mo), atoi(m[3], d)
	case m[6] != "": // [YYYY.]MM.DD-
		y, mo, d = atoi(m[4], y), atoi(m[5], mo), atoi(m[6], d)
	}
	hh, mm, ss := atoi(m[7], 0), atoi(m[8], 0), atoi(m[9], 0)
	if m[1] == "" && m[6] == "" && m[7] == "" {
		return time.Time{}, fmt.Errorf("unrecognised date %q", v)
	}
	ns := 0
	if m[10] != "" {
		frac := (m[10] + "000000000")[:9]
		ns = atoi(frac, 0)
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 24 || mm > 59 || ss > 60 {
		return time.Time{}, fmt.Errorf("unrecognised date %q", v)
	}
	loc := zone
	switch z := m[11]; {
	case z == "":
	case z == "Z" || z == "z" || strings.EqualFold(z, "UTC") || strings.EqualFold(z, "GMT"):
		loc = time.UTC
	default:
		z = strings.ReplaceAll(z, ":", "")
		off := atoi(z[1:3], 0)*3600 + atoi(z[3:], 0)*60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	return time.Date(y, time.Month(mo), d, hh, mm, ss, ns, loc), nil
}

// The -d forms, compiled on first use: the toolbox builds nothing at start.
var (
	dateForm = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(?:(\d{4})\.)?(\d{1,2})\.(\d{1,2})-)?` +
			`(?:[ T]?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?` +
			` ?(Z|z|UTC|GMT|[+-]\d{2}:?\d{2})?$`)
	})
	busyboxDigits = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\d{4}|\d{6}|\d{8}|\d{10}|\d{12})(?:\.(\d{2}))?$`)
	})
)

// digitsDate reads BusyBox's [[[[CC]YY]MM]DD]hhmm, with .ss.
func digitsDate(digits, sec string, zone *time.Location, now time.Time) (time.Time, error) {
	n := now.In(zone)
	y, mo, d := n.Year(), int(n.Month()), n.Day()
	at := func(i int) int { v, _ := strconv.Atoi(digits[i : i+2]); return v }
	k := len(digits)
	mi, hh := at(k-2), at(k-4)
	if k >= 6 {
		d = at(k - 6)
	}
	if k >= 8 {
		mo = at(k - 8)
	}
	switch k {
	case 10:
		y = 1900 + at(0)
		if y < 1969 {
			y += 100
		}
	case 12:
		y, _ = strconv.Atoi(digits[:4])
	}
	s, _ := strconv.Atoi(sec)
	if mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || s > 60 {
		return time.Time{}, fmt.Errorf("unrecognised date %q", digits)
	}
	return time.Date(y, time.Month(mo), d, hh, mi, s, 0, zone), nil
}

// strftime formats t with the C conversions listed in dateUsage; others are copied.
func strftime(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		c := f[i]
		if c == ':' && i+1 < len(f) && f[i+1] == 'z' {
			i++
			b.WriteString(t.Format("-07:00"))
			continue
		}
		switch c {
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", (t.Hour()+11)%12+1)
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 'u':
			b.WriteString(strconv.Itoa((int(t.Weekday())+6)%7 + 1))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'T', 'X':
			b.WriteString(t.Format("15:04:05"))
		case 'D', 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 'c':
			b.WriteString(strftime(t, "%a %b %e %H:%M:%S %Y"))
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(c)
		}
	}
	return b.String()
}
