package files

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Od is od [-abcdfilosxv] [-A RADIX] [-t TYPE]... [-j SKIP] [-N COUNT] [-w BYTES] [FILE]...:
// dump files in octal and other formats, as GNU od.
//
//	-A  address radix: d, o, x or n (none)
//	-t  output type: a, c, d[SIZE], f[SIZE], o[SIZE], u[SIZE], x[SIZE], z suffix for text
//	-j  skip bytes first; -N  dump at most COUNT bytes; -w  bytes per line; -v  no '*'
var Od = tools.Applet{Name: "od", Summary: "dump files in octal and other formats", Run: runOd}

// odShort is the traditional one-letter options, each the -t type it stands for.
var odShort = []struct {
	c byte
	t string
}{{'a', "a"}, {'b', "o1"}, {'c', "c"}, {'d', "u2"}, {'f', "fF"}, {'i', "dI"}, {'l', "dL"}, {'o', "o2"}, {'s', "d2"}, {'x', "x2"}}

// odUsage is od's usage, its last line made from odShort when od runs.
const odUsage = `od [OPTION]... [FILE]...
  -A, --address-radix=RADIX   d, o, x or n: how addresses are printed
  -j, --skip-bytes=BYTES      skip BYTES input bytes first
  -N, --read-bytes=BYTES      dump at most BYTES input bytes
  -t, --format=TYPE           a, c, d[SIZE], f[SIZE], o[SIZE], u[SIZE], x[SIZE]; z appends text
  -v, --output-duplicates     do not use * to mark line suppression
  -w, --width=BYTES           output BYTES bytes per line (default 16)
`

// odShortUsage is the usage line of odShort: "  -a -b ...   same as -t a, o1, ...".
func odShortUsage() string {
	var opts, types []string
	for _, tr := range odShort {
		opts = append(opts, "-"+string(tr.c))
		types = append(types, tr.t)
	}
	return "  " + strings.Join(opts, " ") + "   same as -t " + strings.Join(types, ", ")
}

// odSpec is one output type of -t: its letter, size in bytes, field width, whether the
// text column follows (z), and how one field prints.
type odSpec struct {
	kind  byte
	size  int
	width int
	text  bool
	pad   int
	field func(sp odSpec, u uint64, v []byte) string
}

// odType is what od knows of one -t letter: its default size, the size letters it takes
// (nil: it takes no size), GNU's field width for each size this system provides, and how
// one field prints.
type odType struct {
	size    int
	letters map[byte]int
	width   [9]int
	what    string // "integral" or "floating point", in the error for a size not provided
	field   func(sp odSpec, u uint64, v []byte) string
}

// odTypes is every output type od prints, by its -t letter, built on first use (a toolbox
// process that runs no od builds no table).
var odTypes = sync.OnceValue(func() map[byte]odType {
	odIntLetters := map[byte]int{'C': 1, 'S': 2, 'I': 4, 'L': 8}
	odFloatLetters := map[byte]int{'F': 4, 'D': 8}
	return map[byte]odType{
		'a': {size: 1, width: [9]int{1: 3}, field: odNamed},
		'c': {size: 1, width: [9]int{1: 3}, field: odEscaped},
		'd': {4, odIntLetters, [9]int{1: 4, 2: 6, 4: 11, 8: 20}, "integral", odSigned},
		'o': {4, odIntLetters, [9]int{1: 3, 2: 6, 4: 11, 8: 22}, "integral", odZeroFilled("o")},
		'u': {4, odIntLetters, [9]int{1: 3, 2: 5, 4: 10, 8: 20}, "integral", odUnsigned},
		'x': {4, odIntLetters, [9]int{1: 2, 2: 4, 4: 8, 8: 16}, "integral", odZeroFilled("x")},
		'f': {8, odFloatLetters, [9]int{4: 15, 8: 24}, "floating point", odFloatField},
	}
})

func parseOdType(s string) ([]odSpec, error) {
	var out []odSpec
	orig := s
	for s != "" {
		k := s[0]
		s = s[1:]
		t, ok := odTypes()[k]
		if !ok {
			return nil, fmt.Errorf("invalid character '%c' in type string '%s'", k, orig)
		}
		sp := odSpec{kind: k, size: t.size, field: t.field}
		if t.letters != nil && s != "" {
			if size, ok := t.letters[s[0]]; ok {
				sp.size, s = size, s[1:]
			} else if s[0] >= '0' && s[0] <= '9' {
				n := 0
				for n < len(s) && s[n] >= '0' && s[n] <= '9' {
					n++
				}
				v, _ := strconv.Atoi(s[:n])
				if v >= len(t.width) || t.width[v] == 0 {
					return nil, fmt.Errorf("invalid type string '%s';\nthis system doesn't provide a %d-byte %s type", orig, v, t.what)
				}
				sp.size, s = v, s[n:]
			}
		}
		sp.width = t.width[sp.size]
		if s != "" && s[0] == 'z' {
			sp.text, s = true, s[1:]
		}
		out = append(out, sp)
	}
	return out, nil
}

// odCount parses -j and -N values: decimal, 0x hex or 0 octal, with b (512), k, m, ... suffixes.
func odCount(v string) (int64, error) {
	mult := int64(1)
	s := v
	switch {
	case strings.HasSuffix(s, "b") && !strings.HasPrefix(s, "0x"):
		mult, s = 512, s[:len(s)-1]
	case strings.HasSuffix(s, "KB"):
		mult, s = 1000, s[:len(s)-2]
	case strings.HasSuffix(s, "k") || strings.HasSuffix(s, "K") || strings.HasSuffix(s, "KiB"):
		mult, s = 1024, strings.TrimSuffix(strings.TrimRight(s, "kK"), "KiB")
	case strings.HasSuffix(s, "MB"):
		mult, s = 1000*1000, s[:len(s)-2]
	case strings.HasSuffix(s, "M") || strings.HasSuffix(s, "m"):
		mult, s = 1<<20, s[:len(s)-1]
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid number '%s'", v)
	}
	return n * mult, nil
}

func runOd(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("od", odUsage+odShortUsage())
	radix := byte('o')
	var bad error // GNU od exits 1, not 2, on a bad -t or -A
	fset.Func('A', "address-radix", func(v string) error {
		if len(v) != 1 || !strings.Contains("doxn", v) {
			bad = fmt.Errorf("invalid output address radix '%s'; it must be one character from [doxn]", v)
			return nil
		}
		radix = v[0]
		return nil
	})
	var specs []odSpec
	fset.Func('t', "format", func(v string) error {
		s, err := parseOdType(v)
		specs = append(specs, s...)
		if bad == nil {
			bad = err
		}
		return nil
	})
	for _, tr := range odShort {
		t := tr.t
		fset.BoolFunc(rune(tr.c), "", func() { s, _ := parseOdType(t); specs = append(specs, s...) })
	}
	var skip, limit int64 = 0, -1
	fset.Func('j', "skip-bytes", func(v string) (err error) { skip, err = odCount(v); return })
	fset.Func('N', "read-bytes", func(v string) (err error) { limit, err = odCount(v); return })
	width := 16
	fset.Func('w', "width", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("invalid -w argument '%s'", v)
		}
		width = n
		return nil
	})
	all := fset.Bool('v', "output-duplicates")
	traditional := fset.Bool(0, "traditional")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if *traditional && len(ops) > 1 {
		// od --traditional [FILE] [[+]OFFSET[.][b] [[+]LABEL[.][b]]]: OFFSET is octal, or
		// decimal with '.', in 512-byte blocks with 'b'. The label is not printed.
		if len(ops) > 3 {
			env.Errorf("od", "extra operand '%s'", ops[3])
			return 1
		}
		off, ok := odOffset(ops[1])
		if !ok {
			env.Errorf("od", "invalid offset '%s'", ops[1])
			return 1
		}
		skip += off
		ops = ops[:1]
	}
	if bad != nil {
		env.Errorf("od", "%v", bad)
		return 1
	}
	if len(specs) == 0 {
		specs, _ = parseOdType("o2")
	}
	for _, sp := range specs {
		if width%sp.size != 0 {
			env.Errorf("od", "warning: invalid width %d; using %d instead", width, 16)
			width = 16
		}
	}
	// A directory opens, and reading it ends the dump: "od: d: Is a directory", then the
	// end address, as GNU.
	in, opened, done := tools.Operands{Name: "od", Lazy: true}.Concat(env, ops)
	if opened == 0 {
		return done() // nothing to dump, not even the end address, as GNU od
	}
	defer done()
	st := 0
	r := io.Reader(in)
	if skip > 0 {
		n, err := io.CopyN(io.Discard, r, skip)
		if err != nil && err != io.EOF {
			env.Errorf("od", "%s", tools.Reason(err))
			return 1
		}
		if n < skip {
			env.Errorf("od", "cannot skip past end of combined input")
			return 1
		}
	}
	if limit >= 0 {
		r = io.LimitReader(r, limit)
	}
	// Columns align across types: every type's fields of one line take the same width.
	lineWidth := 0
	for _, sp := range specs {
		if w := (sp.width + 1) * (width / sp.size); w > lineWidth {
			lineWidth = w
		}
	}
	for i := range specs {
		specs[i].pad = lineWidth - specs[i].width*(width/specs[i].size)
	}
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer out.Flush()
	addr := skip
	buf := make([]byte, width)
	var prev []byte
	starred := false
	for {
		if ctx.Err() != nil {
			return 1
		}
		n, err := io.ReadFull(r, buf)
		if n == 0 {
			if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
				env.Errorf("od", "%s", tools.Reason(err))
				st = 1
			}
			break
		}
		line := buf[:n]
		if !*all && n == width && prev != nil && bytes.Equal(prev, line) {
			if !starred {
				out.WriteString("*\n")
				starred = true
			}
			addr += int64(n)
			continue
		}
		starred = false
		prev = append(prev[:0], line...)
		for i, sp := range specs {
			if i == 0 {
				out.WriteString(odAddr(radix, addr))
			} else if radix != 'n' {
				out.WriteString(strings.Repeat(" ", len(odAddr(radix, 0))))
			}
			odLine(out, sp, line, width)
			out.WriteByte('\n')
		}
		addr += int64(n)
		if err != nil {
			break
		}
	}
	if radix != 'n' {
		out.WriteString(odAddr(radix, addr) + "\n")
	}
	return max(st, done())
}

func odAddr(radix byte, a int64) string {
	switch radix {
	case 'd':
		return fmt.Sprintf("%07d", a)
	case 'x':
		return fmt.Sprintf("%06x", a)
	case 'n':
		return ""
	}
	return fmt.Sprintf("%07o", a)
}

var odNames = [...]string{"nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
	"dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp"}

// odLine prints one type's fields for line (zero-filled to whole fields), padded as GNU's
// print_N spreads pad over the fields.
func odLine(out *bufio.Writer, sp odSpec, line []byte, width int) {
	fields := width / sp.size
	have := (len(line) + sp.size - 1) / sp.size
	data := make([]byte, have*sp.size)
	copy(data, line)
	padLeft := sp.pad
	for i := 0; i < have; i++ {
		next := sp.pad * (fields - i - 1) / fields
		w := padLeft - next + sp.width
		padLeft = next
		v := data[i*sp.size : (i+1)*sp.size]
		out.WriteString(fmt.Sprintf("%*s", w, odField(sp, v)))
	}
	if sp.text {
		blank := fields - have
		out.WriteString(strings.Repeat(" ", blank*sp.width+sp.pad*blank/fields))
		out.WriteString("  >")
		for _, c := range line {
			if c >= 0x20 && c < 0x7f {
				out.WriteByte(c)
			} else {
				out.WriteByte('.')
			}
		}
		out.WriteString("<")
	}
}

func odField(sp odSpec, v []byte) string {
	var u uint64
	switch sp.size {
	case 1:
		u = uint64(v[0])
	case 2:
		u = uint64(binary.LittleEndian.Uint16(v))
	case 4:
		u = uint64(binary.LittleEndian.Uint32(v))
	case 8:
		u = binary.LittleEndian.Uint64(v)
	}
	return sp.field(sp, u, v)
}

// odNamed is -t a: a byte's low 7 bits as a character or its ASCII name.
func odNamed(_ odSpec, _ uint64, v []byte) string {
	c := v[0] & 0x7f
	if c <= 0x20 {
		return odNames[c]
	}
	if c == 0x7f {
		return "del"
	}
	return string(rune(c))
}

// odEscapes is -t c's C escapes, by byte ("": none); an array is static data, built by no code.
var odEscapes = [256]string{0: `\0`, '\a': `\a`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`, '\v': `\v`}

// odEscaped is -t c: a byte as a printable character, a C escape or three octal digits.
func odEscaped(_ odSpec, _ uint64, v []byte) string {
	c := v[0]
	if e := odEscapes[c]; e != "" {
		return e
	}
	if c >= 0x20 && c < 0x7f {
		return string(rune(c))
	}
	return fmt.Sprintf("%03o", c)
}

// odSigned is -t d: the field as a signed decimal.
func odSigned(sp odSpec, u uint64, _ []byte) string {
	shift := 64 - 8*uint(sp.size)
	return strconv.FormatInt(int64(u<<shift)>>shift, 10)
}

// odUnsigned is -t u: the field as an unsigned decimal.
func odUnsigned(_ odSpec, u uint64, _ []byte) string { return strconv.FormatUint(u, 10) }

// odZeroFilled is -t o and -t x: the field in octal or hex, zero-filled to its width.
func odZeroFilled(verb string) func(odSpec, uint64, []byte) string {
	format := "%0*" + verb
	return func(sp odSpec, u uint64, _ []byte) string { return fmt.Sprintf(format, sp.width, u) }
}

// odFloatField is -t f: a float of the field's size.
func odFloatField(sp odSpec, u uint64, _ []byte) string {
	if sp.size == 4 {
		return odFloat(float64(math.Float32frombits(uint32(u))), 32)
	}
	return odFloat(math.Float64frombits(u), 64)
}

// odFloat prints f as C's %.*g with the fewest digits that read back as f (gnulib's
// ftoastr, which GNU od uses).
func odFloat(f float64, bits int) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		switch {
		case math.IsNaN(f):
			return "nan"
		case f > 0:
			return "inf"
		}
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, bits)
	mant, _, _ := strings.Cut(e, "e")
	digits := len(strings.TrimPrefix(strings.Replace(mant, ".", "", 1), "-"))
	return strconv.FormatFloat(f, 'g', digits, bits)
}

// odOffset parses a traditional offset: [+]digits, octal unless followed by '.', times
// 512 with a trailing 'b'.
func odOffset(v string) (int64, bool) {
	v = strings.TrimPrefix(v, "+")
	mult := int64(1)
	if strings.HasSuffix(v, "b") {
		mult, v = 512, v[:len(v)-1]
	}
	base := 8
	if strings.HasSuffix(v, ".") {
		base, v = 10, v[:len(v)-1]
	}
	n, err := strconv.ParseInt(v, base, 64)
	return n * mult, err == nil && n >= 0
}
