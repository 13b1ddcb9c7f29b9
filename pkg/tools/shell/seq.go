package shell

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Seq is seq [FIRST [INCREMENT]] LAST.
var Seq = tools.Applet{Name: "seq", Summary: "print a sequence of numbers", Run: runSeq}

func runSeq(_ context.Context, env *tools.Env, args []string) int {
	const usage = "seq [-w] [-s SEP] [-f FORMAT] [FIRST [INCREMENT]] LAST\n\nPrint numbers from FIRST (default 1) to LAST, by INCREMENT (default 1).\n  -w      pad with leading zeros to equal width\n  -s SEP  separator (default newline)\n  -f FMT  printf-style floating-point format, e.g. %.2f"
	if tools.WantsHelp(args) {
		return tools.Usage(env, usage)
	}
	sep, format, equal := "\n", "", false
	rest := args[1:]
	for len(rest) > 0 && len(rest[0]) > 1 && rest[0][0] == '-' && !isNumber(rest[0]) {
		switch o := rest[0]; {
		case o == "-w":
			equal = true
		case o == "-s" || o == "-f":
			if len(rest) < 2 {
				env.Errorf("seq", "option %s needs an argument", o)
				return 2
			}
			if o == "-s" {
				sep = rest[1]
			} else {
				format = rest[1]
			}
			rest = rest[1:]
		case strings.HasPrefix(o, "-s"):
			sep = o[2:]
		case strings.HasPrefix(o, "-f"):
			format = o[2:]
		case o == "--":
			rest = rest[1:]
			goto operands
		default:
			env.Errorf("seq", "unknown option %q", o)
			return 2
		}
		rest = rest[1:]
	}
operands:
	if len(rest) < 1 || len(rest) > 3 {
		fmt.Fprintln(env.Stderr, "Usage: "+strings.SplitN(usage, "\n", 2)[0])
		return 2
	}
	nums := make([]float64, len(rest))
	decimals := 0
	for i, s := range rest {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) {
			env.Errorf("seq", "invalid number %q", s)
			return 1
		}
		nums[i] = f
		if d := strings.IndexByte(s, '.'); d >= 0 && i < len(rest)-1 {
			decimals = max(decimals, len(s)-d-1)
		}
	}
	first, incr, last := 1.0, 1.0, nums[len(nums)-1]
	if len(nums) >= 2 {
		first = nums[0]
	}
	if len(nums) == 3 {
		incr = nums[1]
	}
	if incr == 0 {
		env.Errorf("seq", "increment must not be 0")
		return 1
	}
	if format == "" {
		format = "%." + strconv.Itoa(decimals) + "f"
		if equal {
			w := max(len(strconv.FormatFloat(first, 'f', decimals, 64)), len(strconv.FormatFloat(last, 'f', decimals, 64)))
			format = "%0" + strconv.Itoa(w) + "." + strconv.Itoa(decimals) + "f"
		}
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for i := 0; ; i++ {
		v := first + float64(i)*incr
		if incr > 0 && v > last+1e-9 || incr < 0 && v < last-1e-9 {
			break
		}
		if i > 0 {
			w.WriteString(sep)
		}
		fmt.Fprintf(w, format, v)
	}
	if first <= last && incr > 0 || first >= last && incr < 0 {
		w.WriteString("\n")
	}
	return 0
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
