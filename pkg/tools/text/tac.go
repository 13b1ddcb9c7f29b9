package text

import (
	"bytes"
	"context"
	"io"
	"regexp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/posixre"
)

// Tac is tac [-br] [-s SEP] [FILE]...: print each FILE's records (lines) last first.
//
//	-b  the separator goes before its record instead of after
//	-r  the separator is a regular expression (BRE)
//	-s  SEP separates records instead of newline
var Tac = tools.Applet{Name: "tac", Summary: "print files with their lines in reverse", Run: runTac}

func runTac(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("tac", `tac [-br] [-s SEP] [FILE]...
  -b, --before           attach the separator before instead of after
  -r, --regex            interpret the separator as a regular expression
  -s, --separator=STRING use STRING as the separator instead of newline`)
	before := fset.Bool('b', "before")
	regex := fset.Bool('r', "regex")
	sep := fset.String('s', "separator", "\n")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *sep == "" {
		env.Errorf("tac", "separator cannot be empty")
		return 1
	}
	var re *regexp.Regexp
	if *regex {
		expr, err := posixre.Translate(*sep, false)
		if err == nil {
			re, err = regexp.Compile("^(?:" + expr + ")")
		}
		if err != nil {
			env.Errorf("tac", "%v", err)
			return 1
		}
	}
	writeFailed := false
	o := tools.Operands{Name: "tac", OpenError: "failed to open '%s' for reading: %s", ReadError: "%s: read error: %s"}
	st := o.Each(ctx, env, ops, func(_ string, r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if _, err := env.Stdout.Write(tacReverse(data, []byte(*sep), re, *before)); err != nil {
			env.Errorf("tac", "write error: %s", tools.Reason(err))
			writeFailed = true
			return tools.ErrStop
		}
		return nil
	})
	if writeFailed || ctx.Err() != nil {
		return 1
	}
	return st
}

// tacReverse splits data into records ending (or, before, starting) with a separator and
// returns them last first. A last record without its separator stays without it, as GNU's.
func tacReverse(data, sep []byte, re *regexp.Regexp, before bool) []byte {
	// seps are the [start, end) of every separator, in order.
	var seps [][2]int
	if re != nil {
		// GNU tac searches backwards: the separator is the match that starts last before
		// the current record's end, then the search goes on before its start.
		limit := len(data)
		for p := limit - 1; p >= 0; p-- {
			if m := re.FindIndex(data[p:limit]); m != nil && m[0] == 0 && m[1] > 0 {
				seps = append(seps, [2]int{p, p + m[1]})
				limit = p
			}
		}
		for i, j := 0, len(seps)-1; i < j; i, j = i+1, j-1 {
			seps[i], seps[j] = seps[j], seps[i]
		}
	} else {
		for i := 0; ; {
			j := bytes.Index(data[i:], sep)
			if j < 0 {
				break
			}
			seps = append(seps, [2]int{i + j, i + j + len(sep)})
			i += j + len(sep)
		}
	}
	var recs [][]byte
	if before {
		start := 0
		for _, s := range seps {
			if s[0] > start {
				recs = append(recs, data[start:s[0]])
			}
			start = s[0]
		}
		if start < len(data) {
			recs = append(recs, data[start:])
		}
	} else {
		start := 0
		for _, s := range seps {
			recs = append(recs, data[start:s[1]])
			start = s[1]
		}
		if start < len(data) {
			recs = append(recs, data[start:])
		}
	}
	out := make([]byte, 0, len(data))
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, recs[i]...)
	}
	return out
}
