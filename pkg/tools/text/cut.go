package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixre"
)

// Cut is cut: print selected parts of lines.
var Cut = tools.Applet{Name: "cut", Summary: "print selected parts of lines", Run: runCut}

type span struct{ lo, hi int } // 1-based, inclusive; hi 0 = to the end

func parseList(s string) ([]span, error) {
	var out []span
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		var sp span
		var err error
		switch {
		case !isRange:
			sp.lo, err = strconv.Atoi(lo)
			sp.hi = sp.lo
		default:
			sp.lo = 1
			if lo != "" {
				if sp.lo, err = strconv.Atoi(lo); err != nil {
					break
				}
			}
			if hi != "" {
				sp.hi, err = strconv.Atoi(hi)
			}
		}
		if err != nil || sp.lo < 1 || sp.hi != 0 && sp.hi < sp.lo {
			return nil, fmt.Errorf("invalid field range")
		}
		out = append(out, sp)
	}
	return out, nil
}

func inList(l []span, i int) bool {
	for _, s := range l {
		if i >= s.lo && (s.hi == 0 || i <= s.hi) {
			return true
		}
	}
	return false
}

func runCut(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("cut", "cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [--complement] [--output-delimiter=S] [FILE]...")
	bytesL := fset.String('b', "bytes", "")
	charsL := fset.String('c', "characters", "")
	fieldsL := fset.String('f', "fields", "")
	// BusyBox's, which GNU cut lacks: -F LIST, fields split by the regexp -d (by default
	// runs of blanks) and joined by -O (by default a blank); -D, fields in the order listed.
	regexL := fset.String('F', "", "")
	asListed := fset.Bool('D', "")
	delim, delimSet := fset.StringSet('d', "delimiter", "\t")
	onlyDelim := fset.Bool('s', "only-delimited")
	complement := fset.Bool(0, "complement")
	outDelim, outSet := fset.StringSet(0, "output-delimiter", "")
	fset.Func('O', "", func(v string) error { *outDelim, *outSet = v, true; return nil })
	fset.Bool('n', "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *regexL != "" {
		sep := `[[:space:]]+`
		if *delimSet {
			sep = *delim
		}
		out := " "
		if *outSet {
			out = *outDelim
		}
		return cutRegexFields(ctx, env, ops, *regexL, sep, out, *asListed, *onlyDelim)
	}
	n := 0
	for _, s := range []string{*bytesL, *charsL, *fieldsL} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		env.Errorf("cut", "you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.")
		return 2
	}
	if len(*delim) != 1 {
		env.Errorf("cut", "the delimiter must be a single character")
		return 2
	}
	list, err := parseList(*bytesL + *charsL + *fieldsL)
	if err != nil {
		env.Errorf("cut", "%v", err)
		return 2
	}
	d := (*delim)[0]
	if !*outSet {
		*outDelim = *delim
		if *fieldsL == "" {
			*outDelim = ""
		}
	}
	sel := func(i int) bool { return inList(list, i) != *complement }
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	return eachLine(ctx, env, "cut", ops, func(line []byte, _ bool) {
		if *fieldsL != "" {
			if bytes.IndexByte(line, d) < 0 {
				if !*onlyDelim {
					w.Write(line)
					w.WriteByte('\n')
				}
				return
			}
			first := true
			for i, f := range bytes.Split(line, []byte{d}) {
				if sel(i + 1) {
					if !first {
						w.WriteString(*outDelim)
					}
					w.Write(f)
					first = false
				}
			}
			w.WriteByte('\n')
			return
		}
		units := [][]byte{}
		if *charsL != "" {
			for i := 0; i < len(line); {
				_, sz := utf8.DecodeRune(line[i:])
				units = append(units, line[i:i+sz])
				i += sz
			}
		} else {
			for i := range line {
				units = append(units, line[i:i+1])
			}
		}
		prev := -2
		for i, u := range units {
			if sel(i + 1) {
				if *outSet && prev >= 0 && prev != i-1 {
					w.WriteString(*outDelim)
				}
				w.Write(u)
				prev = i
			}
		}
		w.WriteByte('\n')
	})
}

// cutRegexFields is BusyBox's cut -F LIST: fields split by the regexp sep, joined by out,
// in the order of the list with -D (else in line order, each once).
func cutRegexFields(ctx context.Context, env *tools.Env, ops []string, listS, sep, out string, asListed, onlyDelim bool) int {
	list, err := parseList(listS)
	if err != nil {
		env.Errorf("cut", "%v", err)
		return 2
	}
	expr, err := posixre.ERE(sep)
	if err == nil {
		_, err = regexp.Compile(expr)
	}
	if err != nil {
		env.Errorf("cut", "bad regex '%s': %v", sep, err)
		return 2
	}
	re := regexp.MustCompile(expr)
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	return eachLine(ctx, env, "cut", ops, func(line []byte, _ bool) {
		fields := re.Split(string(line), -1)
		if len(fields) == 1 && onlyDelim {
			return
		}
		var picked []string
		if asListed {
			for _, sp := range list {
				hi := sp.hi
				if hi == 0 || hi > len(fields) {
					hi = len(fields)
				}
				for i := sp.lo; i <= hi; i++ {
					picked = append(picked, fields[i-1])
				}
			}
		} else {
			for i, f := range fields {
				if inList(list, i+1) {
					picked = append(picked, f)
				}
			}
		}
		w.WriteString(strings.Join(picked, out))
		w.WriteByte('\n')
	})
}
