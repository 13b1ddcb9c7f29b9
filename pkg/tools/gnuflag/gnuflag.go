package gnuflag

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// ErrHelp is returned by ParseArgs when the arguments ask for --help.
var ErrHelp = errors.New("help requested")

type kind int

const (
	kindBool kind = iota
	kindValue
)

type option struct {
	short rune
	long  string
	kind  kind
	set   func(string) error
}

// Set is the options of one applet.
type Set struct {
	name  string
	usage string
	opts  []*option
	// StopAtOperand ends option parsing at the first operand (xargs, env, nice-like
	// applets whose operands are a command with flags of its own).
	StopAtOperand bool
}

// New returns an empty Set for the applet name (used in error messages); usage is what
// Parse prints for --help (applets that print their own help and call ParseArgs pass "").
func New(name, usage string) *Set { return &Set{name: name, usage: usage} }

func (s *Set) add(o *option) { s.opts = append(s.opts, o) }

// Bool defines a flag without value. short may be 0, long may be "".
func (s *Set) Bool(short rune, long string) *bool {
	p := new(bool)
	s.add(&option{short: short, long: long, kind: kindBool, set: func(string) error { *p = true; return nil }})
	return p
}

// Count defines a flag without value that counts its occurrences (-v -vv).
func (s *Set) Count(short rune, long string) *int {
	p := new(int)
	s.add(&option{short: short, long: long, kind: kindBool, set: func(string) error { *p++; return nil }})
	return p
}

// BoolFunc defines a flag without value that calls fn each time it is seen.
func (s *Set) BoolFunc(short rune, long string, fn func()) {
	s.add(&option{short: short, long: long, kind: kindBool, set: func(string) error { fn(); return nil }})
}

// String defines a flag with a value, def when not given.
func (s *Set) String(short rune, long, def string) *string {
	p := &def
	s.add(&option{short: short, long: long, kind: kindValue, set: func(v string) error { *p = v; return nil }})
	return p
}

// StringSet defines a flag with a value and reports through the returned bool pointer
// whether it was given.
func (s *Set) StringSet(short rune, long, def string) (*string, *bool) {
	p, given := &def, new(bool)
	s.add(&option{short: short, long: long, kind: kindValue, set: func(v string) error { *p = v; *given = true; return nil }})
	return p, given
}

// List defines a repeatable flag with a value (-H a -H b): every value, in order.
func (s *Set) List(short rune, long string) *[]string {
	p := new([]string)
	s.add(&option{short: short, long: long, kind: kindValue, set: func(v string) error { *p = append(*p, v); return nil }})
	return p
}

// Int defines a flag with an integer value.
func (s *Set) Int(short rune, long string, def int) *int {
	p := &def
	s.add(&option{short: short, long: long, kind: kindValue, set: func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("invalid number '%s'", v)
		}
		*p = n
		return nil
	}})
	return p
}

// Func defines a flag with a value handled by fn.
func (s *Set) Func(short rune, long string, fn func(string) error) {
	s.add(&option{short: short, long: long, kind: kindValue, set: fn})
}

func (s *Set) byShort(r rune) *option {
	for _, o := range s.opts {
		if o.short == r && r != 0 {
			return o
		}
	}
	return nil
}

// byLong finds a long option by its name or, as getopt_long does, by an unambiguous prefix.
func (s *Set) byLong(name string) (*option, error) {
	var found *option
	n := 0
	for _, o := range s.opts {
		if o.long == "" {
			continue
		}
		if o.long == name {
			return o, nil
		}
		if strings.HasPrefix(o.long, name) {
			found = o
			n++
		}
	}
	switch n {
	case 0:
		return nil, fmt.Errorf("unrecognized option '--%s'", name)
	case 1:
		return found, nil
	}
	return nil, fmt.Errorf("option '--%s' is ambiguous", name)
}

func (s *Set) byLongExact(name string) *option {
	for _, o := range s.opts {
		if o.long == name {
			return o
		}
	}
	return nil
}

// Parse parses args (without the applet name). It returns the operands and -1 when the
// applet should go on, or an exit status: 0 after printing --help, 2 after a usage error
// printed to env.Stderr. POSIXLY_CORRECT in env's environment stops the options at the
// first operand, as with GNU getopt.
func (s *Set) Parse(env *tools.Env, args []string) ([]string, int) {
	if _, ok := env.LookupEnv("POSIXLY_CORRECT"); ok && !s.StopAtOperand {
		s.StopAtOperand = true
		defer func() { s.StopAtOperand = false }()
	}
	ops, err := s.ParseArgs(args)
	if err == ErrHelp {
		return nil, tools.Usage(env, s.usage)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\nTry '%s --help' for more information.\n", s.name, err, s.name)
		return nil, 2
	}
	return ops, -1
}

// ParseArgs parses args (without the applet name) and returns the operands, for applets
// that word their own errors. --help among the options returns ErrHelp (unless the
// applet defines a --help of its own).
func (s *Set) ParseArgs(args []string) ([]string, error) {
	var ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(ops, args[i+1:]...), nil
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			if name == "help" && s.byLongExact("help") == nil {
				return nil, ErrHelp
			}
			o, err := s.byLong(name)
			if err != nil {
				return nil, err
			}
			if o.kind == kindBool {
				if hasVal {
					return nil, fmt.Errorf("option '--%s' doesn't allow an argument", o.long)
				}
				_ = o.set("")
				continue
			}
			if !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("option '--%s' requires an argument", o.long)
				}
				i++
				val = args[i]
			}
			if err := o.set(val); err != nil {
				return nil, fmt.Errorf("--%s: %v", o.long, err)
			}
		case len(a) > 1 && a[0] == '-':
			rs := []rune(a[1:])
			for j := 0; j < len(rs); j++ {
				o := s.byShort(rs[j])
				if o == nil {
					return nil, fmt.Errorf("invalid option -- '%c'", rs[j])
				}
				if o.kind == kindBool {
					_ = o.set("")
					continue
				}
				val := string(rs[j+1:])
				if val == "" {
					if i+1 >= len(args) {
						return nil, fmt.Errorf("option requires an argument -- '%c'", rs[j])
					}
					i++
					val = args[i]
				}
				if err := o.set(val); err != nil {
					return nil, fmt.Errorf("-%c: %v", rs[j], err)
				}
				break
			}
		default:
			if s.StopAtOperand {
				return append(ops, args[i:]...), nil
			}
			ops = append(ops, a)
		}
	}
	return ops, nil
}
