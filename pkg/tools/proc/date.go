package proc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
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
	loc := time.Local
	if tz, ok := env.LookupEnv("TZ"); ok {
		if l, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
			loc = l
		}
	}
	format := "%a %b %e %H:%M:%S %Z %Y"
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
			t, err := parseDate(v)
			if err != nil {
				env.Errorf("date", "invalid date %q", v)
				return 1
			}
			now = t
		case strings.HasPrefix(a, "+"):
			format = a[1:]
		default:
			env.Errorf("date", "setting the date is not supported; unknown argument %q", a)
			return 1
		}
	}
	fmt.Fprintln(env.Stdout, strftime(now.In(loc), format))
	return 0
}

func parseDate(v string) (time.Time, error) {
	if s, ok := strings.CutPrefix(v, "@"); ok {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, err
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %q", v)
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
