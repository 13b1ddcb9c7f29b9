package text

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Tr is tr: translate or delete characters.
var Tr = tools.Applet{Name: "tr", Summary: "translate or delete characters", Run: runTr}

var trClasses = sync.OnceValue(func() map[string]func(r rune) bool {
	return map[string]func(r rune) bool{
		"alpha": func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' },
		"digit": func(r rune) bool { return r >= '0' && r <= '9' },
		"alnum": func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' },
		"upper": func(r rune) bool { return r >= 'A' && r <= 'Z' },
		"lower": func(r rune) bool { return r >= 'a' && r <= 'z' },
		"space": func(r rune) bool { return r == ' ' || r >= '\t' && r <= '\r' },
		"blank": func(r rune) bool { return r == ' ' || r == '\t' },
		"punct": func(r rune) bool {
			return r > 32 && r < 127 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		},
		"print":  func(r rune) bool { return r >= 32 && r < 127 },
		"graph":  func(r rune) bool { return r > 32 && r < 127 },
		"cntrl":  func(r rune) bool { return r < 32 || r == 127 },
		"xdigit": func(r rune) bool { return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' },
	}
})

// expandSet expands a tr set: escapes, ranges a-z, classes [:alpha:], [c*n] repeats.
func expandSet(s string) ([]rune, error) {
	var out []rune
	rs := []rune(s)
	esc := func(i int) (rune, int) {
		if rs[i] != '\\' || i+1 >= len(rs) {
			return rs[i], 1
		}
		switch c := rs[i+1]; c {
		case 'n':
			return '\n', 2
		case 't':
			return '\t', 2
		case 'r':
			return '\r', 2
		case 'v':
			return '\v', 2
		case 'f':
			return '\f', 2
		case 'a':
			return '\a', 2
		case 'b':
			return '\b', 2
		case '\\':
			return '\\', 2
		default:
			if c >= '0' && c <= '7' {
				n, j := 0, i+1
				for j < len(rs) && j < i+4 && rs[j] >= '0' && rs[j] <= '7' {
					n = n*8 + int(rs[j]-'0')
					j++
				}
				return rune(n), j - i
			}
			return c, 2
		}
	}
	for i := 0; i < len(rs); {
		if rs[i] == '[' && i+1 < len(rs) && rs[i+1] == ':' {
			end := strings.Index(string(rs[i+2:]), ":]")
			if end >= 0 {
				name := string(rs[i+2 : i+2+end])
				f, ok := trClasses()[name]
				if !ok {
					return nil, fmt.Errorf("invalid character class '%s'", name)
				}
				for r := rune(0); r < 128; r++ {
					if f(r) {
						out = append(out, r)
					}
				}
				i += 2 + len([]rune(name)) + 2
				continue
			}
		}
		if rs[i] == '[' && i+2 < len(rs) && rs[i+2] == '*' {
			end := strings.IndexRune(string(rs[i+3:]), ']')
			if end >= 0 {
				n, _ := strconv.Atoi(string(rs[i+3 : i+3+end]))
				if n == 0 {
					n = -1 // fill: handled by the caller's padding
				}
				for k := 0; k < max(n, 1); k++ {
					out = append(out, rs[i+1])
				}
				i += 3 + end + 1
				continue
			}
		}
		c, n := esc(i)
		i += n
		if i+1 < len(rs) && rs[i] == '-' {
			hi, m := esc(i + 1)
			if hi < c {
				return nil, fmt.Errorf("range-endpoints of '%c-%c' are in reverse collating sequence order", c, hi)
			}
			for r := c; r <= hi; r++ {
				out = append(out, r)
			}
			i += 1 + m
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func runTr(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("tr", "tr [-cdst] SET1 [SET2]   (ranges a-z, classes [:alpha:], escapes \\n \\t \\NNN)")
	comp := fset.Bool('c', "complement")
	fset.BoolFunc('C', "", func() { *comp = true })
	del := fset.Bool('d', "delete")
	squeeze := fset.Bool('s', "squeeze-repeats")
	truncate := fset.Bool('t', "truncate-set1")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 || len(ops) > 2 || !*del && !*squeeze && len(ops) < 2 {
		env.Errorf("tr", "missing operand\nTry 'tr --help' for more information.")
		return 2
	}
	set1, err := expandSet(ops[0])
	if err != nil {
		env.Errorf("tr", "%v", err)
		return 1
	}
	var set2 []rune
	if len(ops) == 2 {
		if set2, err = expandSet(ops[1]); err != nil {
			env.Errorf("tr", "%v", err)
			return 1
		}
	}
	var in1 [256]bool
	for _, r := range set1 {
		if r < 256 {
			in1[r] = true
		}
	}
	if *comp {
		for i := range in1 {
			in1[i] = !in1[i]
		}
	}
	var mapping [256]int
	for i := range mapping {
		mapping[i] = i
	}
	translate := !*del && len(set2) > 0
	if translate {
		if *comp {
			// every byte not in SET1 becomes the last char of SET2
			for i := range mapping {
				if in1[i] {
					mapping[i] = int(set2[len(set2)-1])
				}
			}
		} else {
			if *truncate && len(set1) > len(set2) {
				set1 = set1[:len(set2)]
			}
			for i, r := range set1 {
				t := set2[min(i, len(set2)-1)]
				if r < 256 {
					mapping[r] = int(t)
				}
			}
		}
	}
	var sq [256]bool
	sqSet := set1
	if len(ops) == 2 {
		sqSet = set2
	}
	for _, r := range sqSet {
		if r < 256 {
			sq[r] = true
		}
	}
	if *comp && len(ops) == 1 {
		sq = in1
	}
	br := bufio.NewReaderSize(env.Stdin, 64<<10)
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	last := -1
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := br.Read(buf)
		for _, c := range buf[:n] {
			if *del && in1[c] {
				continue
			}
			o := mapping[c]
			if *squeeze && o < 256 && sq[o] && o == last {
				continue
			}
			if o < 256 {
				w.WriteByte(byte(o))
			} else {
				w.WriteRune(rune(o))
			}
			last = o
		}
		if err != nil {
			break
		}
	}
	return 0
}
