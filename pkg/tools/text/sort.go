package text

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Sort is sort: sort lines of text.
var Sort = tools.Applet{Name: "sort", Summary: "sort lines of text", Run: runSort}

type sortKey struct {
	f1, c1, f2, c2               int // 1-based field/char; f2 == 0: to end of line
	numeric, human, version      bool
	reverse, fold, blanks, month bool
	general                      bool
}

func parseKeyOpts(k *sortKey, s string) string {
	i := len(s)
	for i > 0 && strings.IndexByte("bdfghinMrV", s[i-1]) >= 0 {
		i--
	}
	for _, c := range s[i:] {
		switch c {
		case 'n':
			k.numeric = true
		case 'h':
			k.human = true
		case 'g':
			k.general = true
		case 'V':
			k.version = true
		case 'r':
			k.reverse = true
		case 'f':
			k.fold = true
		case 'b':
			k.blanks = true
		case 'M':
			k.month = true
		}
	}
	return s[:i]
}

func parseKey(spec string) (sortKey, bool, error) {
	var k sortKey
	a, b, hasEnd := strings.Cut(spec, ",")
	a = parseKeyOpts(&k, a)
	opts := k
	f, c, _ := strings.Cut(a, ".")
	var err error
	if k.f1, err = strconv.Atoi(f); err != nil || k.f1 < 1 {
		return k, false, err
	}
	if c != "" {
		k.c1, _ = strconv.Atoi(c)
	}
	if hasEnd {
		b = parseKeyOpts(&k, b)
		f, c, _ := strings.Cut(b, ".")
		k.f2, _ = strconv.Atoi(f)
		if c != "" {
			k.c2, _ = strconv.Atoi(c)
		}
	}
	hasOpts := k != (sortKey{f1: k.f1, c1: k.c1, f2: k.f2, c2: k.c2}) || opts != (sortKey{f1: opts.f1, c1: opts.c1})
	return k, hasOpts, nil
}

// fields returns the start offsets of the fields of line (GNU rules: with a separator,
// split on it; without, a field is leading blanks plus non-blanks).
func fieldStarts(line []byte, sep int) (starts, ends []int) {
	if sep >= 0 {
		s := 0
		for i := 0; i <= len(line); i++ {
			if i == len(line) || int(line[i]) == sep {
				starts, ends = append(starts, s), append(ends, i)
				s = i + 1
			}
		}
		return
	}
	i := 0
	for i < len(line) {
		s := i
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		starts, ends = append(starts, s), append(ends, i)
	}
	return
}

func skipBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func (k *sortKey) extract(line []byte, sep int) []byte {
	starts, ends := fieldStarts(line, sep)
	if k.f1 > len(starts) {
		return nil
	}
	s := starts[k.f1-1]
	if k.blanks && sep < 0 || k.blanks {
		s = len(line) - len(skipBlanks(line[s:]))
	}
	if k.c1 > 1 {
		s = min(s+k.c1-1, len(line))
	}
	e := len(line)
	if k.f2 > 0 {
		if k.f2 <= len(ends) {
			e = ends[k.f2-1]
			if k.c2 > 0 {
				fs := starts[k.f2-1]
				if k.blanks {
					fs = len(line) - len(skipBlanks(line[fs:]))
				}
				e = min(fs+k.c2, len(line))
			}
		}
	}
	if e < s {
		return nil
	}
	return line[s:e]
}

// numPrefix parses the leading number of b the way sort -n does; ok is false when there
// is none (such lines sort as zero).
func numPrefix(b []byte) float64 {
	b = skipBlanks(b)
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	for i < len(b) && (b[i] >= '0' && b[i] <= '9' || b[i] == '.') {
		i++
	}
	v, err := strconv.ParseFloat(string(b[:i]), 64)
	if err != nil {
		// "1.2.3": take what parses
		for j := i; j > 0; j-- {
			if v, err = strconv.ParseFloat(string(b[:j]), 64); err == nil {
				return v
			}
		}
		return 0
	}
	return v
}

// humanSuffix is the unit letters sort -h orders by: K (or k) M G ... Y, in either case.
var humanSuffix = humanize.SizeSyntax{Powers: "KMGTPEZY", FoldCase: true}

// humanValue is the key of sort -h: the number, above every number of a smaller unit.
func humanValue(b []byte) float64 {
	b = skipBlanks(b)
	v := numPrefix(b)
	i := 0
	for i < len(b) && (b[i] == '-' || b[i] >= '0' && b[i] <= '9' || b[i] == '.') {
		i++
	}
	if i < len(b) {
		if p := humanSuffix.Power(b[i]); p > 0 {
			sign := 1.0
			if v < 0 {
				sign = -1
			}
			return sign * (float64(p)*1e30 + sign*v)
		}
	}
	return v
}

// versionCmp compares like sort -V / strverscmp: runs of digits numerically.
func versionCmp(a, b []byte) int {
	for len(a) > 0 && len(b) > 0 {
		ad, bd := a[0] >= '0' && a[0] <= '9', b[0] >= '0' && b[0] <= '9'
		if ad && bd {
			i, j := 0, 0
			for i < len(a) && a[i] >= '0' && a[i] <= '9' {
				i++
			}
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			na, nb := bytes.TrimLeft(a[:i], "0"), bytes.TrimLeft(b[:j], "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if c := bytes.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			// letters sort before non-letters, as in dpkg/GNU version order
			return cmpInt(verOrder(a[0]), verOrder(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	// "~" sorts before the end of the string: 2.0~rc1 < 2.0
	switch {
	case len(a) > 0 && a[0] == '~':
		return -1
	case len(b) > 0 && b[0] == '~':
		return 1
	}
	return cmpInt(len(a), len(b))
}

func verOrder(c byte) int {
	switch {
	case c == '~':
		return -1
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return int(c)
	case c >= '0' && c <= '9':
		return 0
	}
	return int(c) + 256
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var months = sync.OnceValue(func() map[string]int {
	return map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
})

func (k *sortKey) compare(a, b []byte) int {
	if k.blanks && !k.numeric {
		a, b = skipBlanks(a), skipBlanks(b)
	}
	var c int
	switch {
	case k.numeric || k.general:
		c = cmpFloat(numPrefix(a), numPrefix(b))
	case k.human:
		c = cmpFloat(humanValue(a), humanValue(b))
	case k.version:
		c = versionCmp(a, b)
	case k.month:
		ma, mb := skipBlanks(a), skipBlanks(b)
		c = cmpInt(months()[strings.ToUpper(string(ma[:min(3, len(ma))]))], months()[strings.ToUpper(string(mb[:min(3, len(mb))]))])
	case k.fold:
		c = bytes.Compare(bytes.ToUpper(a), bytes.ToUpper(b))
	default:
		c = bytes.Compare(a, b)
	}
	if k.reverse {
		c = -c
	}
	return c
}

func runSort(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("sort", `sort [-bcfghMnrsuVz] [-k POS1[,POS2]]... [-t SEP] [-o FILE] [FILE]...
  -n numeric  -h human sizes (2K 1G)  -V versions  -g general numeric  -M months()  -f fold case
  -r reverse  -u unique  -s stable  -b ignore leading blanks  -c check  -z NUL-terminated lines
  -k F[.C][OPTS][,F[.C][OPTS]] key  -t SEP field separator  -o FILE output`)
	var global sortKey
	fset.BoolFunc('n', "numeric-sort", func() { global.numeric = true })
	fset.BoolFunc('h', "human-numeric-sort", func() { global.human = true })
	fset.BoolFunc('V', "version-sort", func() { global.version = true })
	fset.BoolFunc('g', "general-numeric-sort", func() { global.general = true })
	fset.BoolFunc('M', "month-sort", func() { global.month = true })
	fset.BoolFunc('f', "ignore-case", func() { global.fold = true })
	fset.BoolFunc('r', "reverse", func() { global.reverse = true })
	fset.BoolFunc('b', "ignore-leading-blanks", func() { global.blanks = true })
	unique := fset.Bool('u', "unique")
	stable := fset.Bool('s', "stable")
	check := fset.Bool('c', "check")
	zero := fset.Bool('z', "zero-terminated")
	keySpecs := fset.List('k', "key")
	sepArg := fset.String('t', "field-separator", "")
	output := fset.String('o', "output", "")
	fset.String('S', "buffer-size", "")
	fset.String('T', "temporary-directory", "")
	fset.Int(0, "parallel", 1)
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	sep := -1
	if *sepArg != "" {
		if *sepArg == `\0` {
			sep = 0
		} else {
			sep = int((*sepArg)[0])
		}
	}
	var keys []sortKey
	for _, ks := range *keySpecs {
		k, hasOpts, err := parseKey(ks)
		if err != nil || k.f1 < 1 {
			env.Errorf("sort", "invalid number at field start: invalid count at start of '%s'", ks)
			return 2
		}
		if !hasOpts {
			r := k
			k = global
			k.f1, k.c1, k.f2, k.c2 = r.f1, r.c1, r.f2, r.c2
		}
		keys = append(keys, k)
	}
	o := tools.Operands{Name: "sort", OpenError: "cannot read: %s: %s", ReadError: "read failed: %s: %s", Status: 2}
	lines, st := readAllLines(ctx, env, o, ops, *zero)
	if st != 0 {
		return st
	}
	whole := global
	cmp := func(a, b []byte) int {
		if len(keys) == 0 {
			return whole.compare(a, b)
		}
		for i := range keys {
			k := &keys[i]
			if c := k.compare(k.extract(a, sep), k.extract(b, sep)); c != 0 {
				return c
			}
		}
		return 0
	}
	full := func(a, b []byte) int {
		c := cmp(a, b)
		if c == 0 && !*stable && !*unique {
			// GNU's last resort: compare whole lines as bytes.
			c = bytes.Compare(a, b)
			if global.reverse {
				c = -c
			}
		}
		return c
	}
	if *check {
		for i := 1; i < len(lines); i++ {
			c := full(lines[i-1], lines[i])
			if c > 0 || *unique && c == 0 {
				env.Errorf("sort", "%s:%d: disorder: %s", firstOr(ops, "-"), i+1, lines[i])
				return 1
			}
		}
		return 0
	}
	slices.SortStableFunc(lines, full)
	if ctx.Err() != nil {
		return 2
	}
	out := env.Stdout
	if *output != "" {
		f, err := os.Create(env.Abs(*output))
		if err != nil {
			env.Errorf("sort", "open failed: %s: %s", *output, tools.Reason(err))
			return 2
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	end := byte('\n')
	if *zero {
		end = 0
	}
	for i, l := range lines {
		if *unique && i > 0 && cmp(lines[i-1], l) == 0 {
			continue
		}
		w.Write(l)
		w.WriteByte(end)
	}
	return 0
}

func firstOr(s []string, d string) string {
	if len(s) > 0 {
		return s[0]
	}
	return d
}
