package gnuflag

import (
	"errors"
	"fmt"
	"strings"
)

// ErrHelp is returned by Parse when the arguments ask for --help.
var ErrHelp = errors.New("help requested")

type flag struct {
	short rune
	long  string
	value *string // nil for a boolean flag
	set   *bool
	count *int
	list  *[]string
}

// Set is a set of flags for one applet.
type Set struct {
	name  string
	flags []*flag
	// StopAtOperand ends flag parsing at the first operand (env, nice-like applets whose
	// operands are a command with flags of its own).
	StopAtOperand bool
}

// New returns an empty Set for the applet called name (used in error messages).
func New(name string) *Set { return &Set{name: name} }

// Bool defines a flag without a value; short may be 0 and long may be "".
func (s *Set) Bool(short rune, long string) *bool {
	b := new(bool)
	s.flags = append(s.flags, &flag{short: short, long: long, set: b})
	return b
}

// Count defines a flag without a value that counts its occurrences (-v -vv).
func (s *Set) Count(short rune, long string) *int {
	n := new(int)
	s.flags = append(s.flags, &flag{short: short, long: long, count: n})
	return n
}

// String defines a flag that takes a value, with def as its default.
func (s *Set) String(short rune, long, def string) *string {
	v := def
	b := new(bool)
	s.flags = append(s.flags, &flag{short: short, long: long, value: &v, set: b})
	return &v
}

// List defines a flag that takes a value and may be repeated (-H a -H b).
func (s *Set) List(short rune, long string) *[]string {
	l := new([]string)
	v := ""
	s.flags = append(s.flags, &flag{short: short, long: long, value: &v, list: l})
	return l
}

func (s *Set) byShort(r rune) *flag {
	for _, f := range s.flags {
		if f.short != 0 && f.short == r {
			return f
		}
	}
	return nil
}

func (s *Set) byLong(name string) (*flag, error) {
	var match *flag
	n := 0
	for _, f := range s.flags {
		if f.long == "" {
			continue
		}
		if f.long == name {
			return f, nil
		}
		if strings.HasPrefix(f.long, name) {
			match = f
			n++
		}
	}
	switch n {
	case 0:
		return nil, fmt.Errorf("unrecognized option '--%s'", name)
	case 1:
		return match, nil
	}
	return nil, fmt.Errorf("option '--%s' is ambiguous", name)
}

func (f *flag) setValue(v string) {
	if f.list != nil {
		*f.list = append(*f.list, v)
	}
	*f.value = v
	if f.set != nil {
		*f.set = true
	}
}

func (f *flag) setBool() {
	if f.count != nil {
		*f.count++
		return
	}
	*f.set = true
}

// Parse parses args (without the applet name) and returns the operands. --help anywhere
// among the flags returns ErrHelp.
func (s *Set) Parse(args []string) ([]string, error) {
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(operands, args[i+1:]...), nil
		case a == "--help":
			return nil, ErrHelp
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			f, err := s.byLong(name)
			if err != nil {
				return nil, err
			}
			if f.value == nil {
				if hasVal {
					return nil, fmt.Errorf("option '--%s' doesn't allow an argument", f.long)
				}
				f.setBool()
				continue
			}
			if !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("option '--%s' requires an argument", f.long)
				}
				i++
				val = args[i]
			}
			f.setValue(val)
		case len(a) > 1 && a[0] == '-':
			rs := []rune(a[1:])
			for j := 0; j < len(rs); j++ {
				f := s.byShort(rs[j])
				if f == nil {
					return nil, fmt.Errorf("invalid option -- '%c'", rs[j])
				}
				if f.value == nil {
					f.setBool()
					continue
				}
				if j+1 < len(rs) {
					f.setValue(string(rs[j+1:]))
				} else {
					if i+1 >= len(args) {
						return nil, fmt.Errorf("option requires an argument -- '%c'", rs[j])
					}
					i++
					f.setValue(args[i])
				}
				break
			}
		default:
			if s.StopAtOperand {
				return append(operands, args[i:]...), nil
			}
			operands = append(operands, a)
		}
	}
	return operands, nil
}
