package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// getoptsState is where getopts is in the current word: ash's shellparam.optind and
// optoff. An OPTIND the script assigns (not the one getopts wrote) starts over.
type getoptsState struct {
	ind     int    // the next word is list[ind-1]
	off     int    // offset of the next option letter in list[ind-2], or -1
	written string // the OPTIND getopts set last
}

// builtinGetopts is ash's getopts: its messages ("Illegal option -x", "No arg for -x
// option"), OPTERR=0, and a leading ':' in OPTSTRING for silent errors.
func builtinGetopts(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int {
	if len(args) < 3 {
		fmt.Fprintf(env.Stderr, "%susage: getopts optstring var [arg]\n", s.where(hc, ""))
		return 2
	}
	optstr, optvar := args[1], args[2]
	if !syntax.ValidName(optvar) {
		fmt.Fprintf(env.Stderr, "%s%s: bad variable name\n", s.where(hc, "getopts"), optvar)
		return 2
	}
	list := args[3:]
	if len(args) == 3 {
		list = positional(ctx, hc)
	}
	st := &s.getopts
	if v := hc.Env.Get("OPTIND"); !v.IsSet() || v.String() != st.written || st.ind == 0 {
		n, _ := strconv.Atoi(strings.TrimSpace(v.String()))
		if n < 1 {
			n = 1
		}
		st.ind, st.off = n, -1
	}
	if st.ind > len(list)+1 {
		st.ind, st.off = 1, -1
	}
	silent := hc.Env.Get("OPTERR").String() == "0" || strings.HasPrefix(optstr, ":")
	next := st.ind - 1 // index in list of the next word
	var word string    // the rest of the current word, from the option letter
	have := false
	if st.ind > 1 && st.off >= 0 && st.off <= len(list[next-1]) {
		word, have = list[next-1][st.off:], true
	}
	c := byte('?')
	done := false
	optarg, unsetOptarg := "", false
	if !have || word == "" {
		if next >= len(list) || !strings.HasPrefix(list[next], "-") || list[next] == "-" || list[next] == "--" {
			if next < len(list) && list[next] == "--" {
				next++
			}
			done, unsetOptarg, word = true, true, ""
			goto out
		}
		word = list[next][1:]
		next++
	}
	c, word = word[0], word[1:]
	if i := strings.IndexByte(optstr, c); i < 0 || c == ':' {
		if silent {
			optarg = string(c)
		} else {
			fmt.Fprintf(env.Stderr, "Illegal option -%c\n", c)
			unsetOptarg = true
		}
		c = '?'
	} else if i+1 < len(optstr) && optstr[i+1] == ':' {
		switch {
		case word != "":
			optarg, word = word, ""
		case next < len(list):
			optarg, word = list[next], ""
			next++
		case silent:
			optarg, c = string(c), ':'
		default:
			fmt.Fprintf(env.Stderr, "No arg for -%c option\n", c)
			unsetOptarg, c = true, '?'
		}
	}
out:
	st.ind = next + 1
	st.off = -1
	if word != "" {
		st.off = len(list[next-1]) - len(word)
	}
	st.written = strconv.Itoa(st.ind)
	code := "OPTIND=" + st.written + " " + optvar + "=" + quote(string(c))
	if unsetOptarg {
		code += "; unset OPTARG"
	} else {
		code += " OPTARG=" + quote(optarg)
	}
	if err := hc.Builtin(ctx, []string{"eval", code}); err != nil {
		return statusOf(err)
	}
	if done {
		return 1
	}
	return 0
}

// quote is s as one shell word.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// positionalVar briefly holds the positional parameters for positional.
const positionalVar = "DDEBUG_POSITIONAL_"

// positional returns the positional parameters of the shell at hc (a handler's
// environment does not hold them): an array copy of "$@", read and dropped.
func positional(ctx context.Context, hc interp.HandlerContext) []string {
	if hc.Builtin(ctx, []string{"eval", positionalVar + `=("$@")`}) != nil {
		return nil
	}
	list := hc.Env.Get(positionalVar).List
	hc.Builtin(ctx, []string{"unset", positionalVar})
	return list
}
