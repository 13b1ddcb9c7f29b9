package shell

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Getopt is util-linux's getopt: parse a command's options for a shell script and print
// them back in a canonical, quoted form.
//
//	getopt OPTSTRING PARAMETERS                         (old form, unquoted)
//	getopt [-aqQTu] [-n NAME] [-s SHELL] -o OPTSTRING [-l LONGOPTS] [--] PARAMETERS
//	-a  long options may start with one '-'   -q  no error messages   -Q  no output
//	-T  exit 4 (the enhanced getopt test)    -u  do not quote   -s  sh, bash, csh or tcsh quoting
var Getopt = tools.Applet{Name: "getopt", Summary: "parse command options for shell scripts", Run: runGetopt}

const getoptUsage = `getopt <optstring> <parameters>
       getopt [options] [--] <optstring> <parameters>
       getopt [options] -o|--options <optstring> [options] [--] <parameters>
  -a, --alternative             allow long options starting with single -
  -l, --longoptions <longopts>  the long options to be recognized
  -n, --name <progname>         the name under which errors are reported
  -o, --options <optstring>     the short options to be recognized
  -q, --quiet                   disable error reporting by getopt(3)
  -Q, --quiet-output            no normal output
  -s, --shell <shell>           set quoting conventions to those of <shell>
  -T, --test                    test for getopt(1) version
  -u, --unquoted                do not quote the output`

// getoptLong is one long option: its name and whether it takes an argument (0 no,
// 1 required, 2 optional).
type getoptLong struct {
	name string
	arg  int
}

func runGetopt(_ context.Context, env *tools.Env, args []string) int {
	usage := func(format string, a ...any) int {
		env.Errorf("getopt", format, a...)
		fmt.Fprintln(env.Stderr, "Try 'getopt --help' for more information.")
		return 2
	}
	if len(args) < 2 {
		return usage("missing optstring argument")
	}
	var (
		alternative, quiet, quietOut, unquoted bool
		name                                   = "getopt"
		shell                                  = "sh"
		shorts                                 string
		shortsSet                              bool
		longs                                  []getoptLong
	)
	rest := args[1:]
	if rest[0][0] != '-' {
		// The old form: getopt OPTSTRING PARAMETERS, output unquoted.
		shorts, shortsSet, unquoted, rest = rest[0], true, true, rest[1:]
	} else {
		// getopt's own options, parsed as util-linux does with getopt_long("+ao:l:n:qQs:TuhV").
		own := []getoptLong{{"alternative", 0}, {"help", 0}, {"longoptions", 1}, {"name", 1}, {"options", 1},
			{"quiet", 0}, {"quiet-output", 0}, {"shell", 1}, {"test", 0}, {"unquoted", 0}, {"version", 0}}
		p := &getoptParser{shorts: "+ao:l:n:qQs:TuhV", longs: own, name: "getopt", env: env}
		res, ok := p.parse(rest)
		if !ok {
			fmt.Fprintln(env.Stderr, "Try 'getopt --help' for more information.")
			return 2
		}
		for _, o := range res.opts {
			switch o.name {
			case "a", "alternative":
				alternative = true
			case "h", "help":
				return tools.Usage(env, getoptUsage)
			case "l", "longoptions":
				for _, l := range strings.FieldsFunc(o.val, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
					switch {
					case strings.HasSuffix(l, "::"):
						longs = append(longs, getoptLong{strings.TrimSuffix(l, "::"), 2})
					case strings.HasSuffix(l, ":"):
						longs = append(longs, getoptLong{strings.TrimSuffix(l, ":"), 1})
					default:
						longs = append(longs, getoptLong{l, 0})
					}
				}
			case "n", "name":
				name = o.val
			case "o", "options":
				shorts, shortsSet = o.val, true
			case "q", "quiet":
				quiet = true
			case "Q", "quiet-output":
				quietOut = true
			case "s", "shell":
				switch o.val {
				case "sh", "bash", "csh", "tcsh":
					shell = o.val
				default:
					return usage("unknown shell after -s or --shell argument")
				}
			case "T", "test":
				return 4
			case "u", "unquoted":
				unquoted = true
			case "V", "version":
				fmt.Fprintln(env.Stdout, "getopt from util-linux (ddebug toolbox)")
				return 0
			}
		}
		rest = res.operands
		if !shortsSet {
			if len(rest) == 0 {
				return usage("missing optstring argument")
			}
			shorts, rest = rest[0], rest[1:]
		}
	}
	p := &getoptParser{shorts: shorts, longs: longs, alternative: alternative, name: name, env: env, quiet: quiet}
	if _, ok := env.LookupEnv("POSIXLY_CORRECT"); ok && !strings.HasPrefix(shorts, "-") {
		p.shorts = "+" + strings.TrimPrefix(shorts, "+")
	}
	res, ok := p.parse(rest)
	quote := func(s string) string {
		if unquoted {
			return s
		}
		s = strings.ReplaceAll(s, "'", `'\''`)
		if shell == "csh" || shell == "tcsh" {
			s = strings.ReplaceAll(strings.ReplaceAll(s, "!", `'\!'`), "\n", "'\\\n'")
		}
		return "'" + s + "'"
	}
	if !quietOut {
		var b strings.Builder
		for _, o := range res.opts {
			switch {
			case o.operand:
				b.WriteString(" " + quote(o.val))
				continue
			case len(o.name) == 1 && !o.long:
				b.WriteString(" -" + o.name)
			default:
				b.WriteString(" --" + o.name)
			}
			if o.hasVal {
				b.WriteString(" " + quote(o.val))
			}
		}
		b.WriteString(" --")
		for _, op := range res.operands {
			b.WriteString(" " + quote(op))
		}
		fmt.Fprintln(env.Stdout, b.String())
	}
	if !ok {
		return 1
	}
	return 0
}

// getoptParser is getopt_long(3) as glibc has it: permuting, '+' (or POSIXLY_CORRECT)
// to stop at the first operand, '-' to return operands in place, unambiguous prefixes
// of long options, and glibc's messages.
type getoptParser struct {
	shorts      string
	longs       []getoptLong
	alternative bool
	name        string
	quiet       bool
	env         *tools.Env
}

type getoptOpt struct {
	name, val    string
	hasVal, long bool
	operand      bool // an operand returned in place ('-' mode)
}

type getoptResult struct {
	opts     []getoptOpt
	operands []string
}

func (p *getoptParser) errorf(format string, a ...any) {
	if !p.quiet {
		fmt.Fprintf(p.env.Stderr, "%s: %s\n", p.name, fmt.Sprintf(format, a...))
	}
}

// shortArg is how many arguments the short option c takes (0, 1 required, 2 optional),
// or -1 when it is not one.
func (p *getoptParser) shortArg(c byte) int {
	s := strings.TrimLeft(p.shorts, "+-")
	if c == ':' {
		return -1
	}
	i := strings.IndexByte(s, c)
	if i < 0 {
		return -1
	}
	switch {
	case strings.HasPrefix(s[i+1:], "::"):
		return 2
	case strings.HasPrefix(s[i+1:], ":"):
		return 1
	}
	return 0
}

// findLong finds name as a long option or an unambiguous prefix of one.
func (p *getoptParser) findLong(name, shown string) (*getoptLong, bool) {
	var matches []*getoptLong
	for i := range p.longs {
		l := &p.longs[i]
		if l.name == name {
			return l, true
		}
		if strings.HasPrefix(l.name, name) {
			matches = append(matches, l)
		}
	}
	if len(matches) == 1 {
		return matches[0], true
	}
	if len(matches) > 1 {
		var names []string
		for _, m := range matches {
			names = append(names, "'--"+m.name+"'")
		}
		p.errorf("option '%s' is ambiguous; possibilities: %s", shown, strings.Join(names, " "))
		return nil, false
	}
	return nil, false
}

func (p *getoptParser) parse(args []string) (getoptResult, bool) {
	var r getoptResult
	ok := true
	stop := strings.HasPrefix(p.shorts, "+")
	inPlace := strings.HasPrefix(p.shorts, "-")
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			r.operands = append(r.operands, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			switch {
			case stop:
				r.operands = append(r.operands, args[i:]...)
				return r, ok
			case inPlace:
				r.opts = append(r.opts, getoptOpt{val: a, operand: true})
			default:
				r.operands = append(r.operands, a)
			}
			continue
		}
		isLong := strings.HasPrefix(a, "--")
		body := a[1:]
		if isLong {
			body = a[2:]
		}
		if isLong || p.alternative && len(p.longs) > 0 {
			n, v, hasV := strings.Cut(body, "=")
			l, found := p.findLong(n, a[:len(a)-len(body)]+n)
			if !found && (isLong || p.ambiguous(n)) {
				if !p.ambiguous(n) {
					p.errorf("unrecognized option '%s'", a[:len(a)-len(body)]+n)
				}
				ok = false
				continue
			}
			if found {
				o := getoptOpt{name: l.name, long: true}
				switch {
				case l.arg == 0 && hasV:
					p.errorf("option '%s%s' doesn't allow an argument", a[:len(a)-len(body)], l.name)
					ok = false
					continue
				case l.arg == 1 && !hasV:
					if i+1 >= len(args) {
						p.errorf("option '%s%s' requires an argument", a[:len(a)-len(body)], l.name)
						ok = false
						continue
					}
					i++
					o.val, o.hasVal = args[i], true
				case l.arg >= 1:
					o.val, o.hasVal = v, true
				}
				r.opts = append(r.opts, o)
				continue
			}
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			kind := p.shortArg(c)
			if kind < 0 {
				p.errorf("invalid option -- '%c'", c)
				ok = false
				continue
			}
			o := getoptOpt{name: string(c)}
			if kind > 0 {
				switch {
				case j+1 < len(a):
					o.val, o.hasVal = a[j+1:], true
				case kind == 1 && i+1 < len(args):
					i++
					o.val, o.hasVal = args[i], true
				case kind == 1:
					p.errorf("option requires an argument -- '%c'", c)
					ok = false
					j = len(a)
					continue
				default:
					o.hasVal = true
				}
				r.opts = append(r.opts, o)
				break
			}
			r.opts = append(r.opts, o)
		}
	}
	return r, ok
}

// ambiguous reports whether name is a prefix of more than one long option.
func (p *getoptParser) ambiguous(name string) bool {
	n := 0
	for _, l := range p.longs {
		if l.name == name {
			return false
		}
		if strings.HasPrefix(l.name, name) {
			n++
		}
	}
	return n > 1
}
