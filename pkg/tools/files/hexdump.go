package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Hexdump is hexdump: display file contents in hexadecimal.
var Hexdump = tools.Applet{Name: "hexdump", Summary: "display file contents in hexadecimal", Run: runHexdump}

func runHexdump(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("hexdump", `hexdump [-Cv] [-e FORMAT]... [-n LEN] [-s SKIP] [FILE]...
  -e FORMAT  util-linux's format: units [COUNT][/BYTES] "TEXT", TEXT holding %d %i %o %u
             %x %X %c conversions (each of BYTES bytes, little-endian) and \n \t escapes`)
	formats := fset.List('e', "format")
	canonical := fset.Bool('C', "canonical")
	verbose := fset.Bool('v', "no-squeezing")
	length := fset.String('n', "length", "-1")
	skip := fset.String('s', "skip", "0")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	n, err1 := humanize.ParseSize(*length, hexSize)
	s, err2 := humanize.ParseSize(*skip, hexSize)
	if err1 != nil || err2 != nil {
		env.Errorf("hexdump", "invalid number")
		return 2
	}
	r, _, done := tools.Operands{Name: "hexdump"}.Concat(env, ops)
	defer done()
	if s > 0 {
		io.CopyN(io.Discard, r, s)
	}
	if n >= 0 {
		r = io.LimitReader(r, n)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	if len(*formats) > 0 {
		var fs []hexFormat
		for _, f := range *formats {
			hf, err := parseHexFormat(f)
			if err != nil {
				env.Errorf("hexdump", "%v", err)
				return 1
			}
			fs = append(fs, hf)
		}
		hexdumpFormats(ctx, br, w, fs, *verbose)
		return done()
	}
	off := s
	var prev []byte
	squeezed := false
	line := make([]byte, 16)
	for ctx.Err() == nil {
		k, _ := io.ReadFull(br, line)
		if k == 0 {
			break
		}
		b := line[:k]
		if !*verbose && k == 16 && prev != nil && bytes.Equal(b, prev) {
			if !squeezed {
				w.WriteString("*\n")
				squeezed = true
			}
			off += int64(k)
			continue
		}
		squeezed = false
		prev = append(prev[:0], b...)
		if *canonical {
			fmt.Fprintf(w, "%08x ", off)
			for i := 0; i < 16; i++ {
				if i == 8 {
					w.WriteByte(' ')
				}
				if i < k {
					fmt.Fprintf(w, " %02x", b[i])
				} else {
					w.WriteString("   ")
				}
			}
			w.WriteString("  |")
			for _, c := range b {
				if c >= 32 && c < 127 {
					w.WriteByte(c)
				} else {
					w.WriteByte('.')
				}
			}
			w.WriteString("|\n")
		} else {
			fmt.Fprintf(w, "%07x", off)
			for i := 0; i < k; i += 2 {
				v := uint16(b[i])
				if i+1 < k {
					v |= uint16(b[i+1]) << 8
				}
				fmt.Fprintf(w, " %04x", v)
			}
			w.WriteByte('\n')
		}
		off += int64(k)
	}
	if off > s || *canonical {
		if *canonical {
			fmt.Fprintf(w, "%08x\n", off)
		} else {
			fmt.Fprintf(w, "%07x\n", off)
		}
	}
	return done()
}

// hexUnit is one unit of a -e format: count times, TEXT, each conversion in it taking
// bytes bytes (0: the conversion's own size).
type hexUnit struct {
	count, bytes int
	pieces       []hexPiece
}

// hexPiece is literal text, or a conversion (spec as for fmt, verb one of d o u x X c).
type hexPiece struct {
	lit        string
	spec       string
	verb, size byte
}

type hexFormat []hexUnit

// blockSize is the bytes one application of f consumes.
func (f hexFormat) blockSize() int {
	n := 0
	for _, u := range f {
		for _, p := range u.pieces {
			if p.verb != 0 {
				n += u.count * int(p.size)
			}
		}
	}
	return n
}

// parseHexFormat reads util-linux's format: [COUNT][/BYTES] "TEXT" units.
func parseHexFormat(s string) (hexFormat, error) {
	var f hexFormat
	i := 0
	num := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if j == i {
			return -1
		}
		n := 0
		fmt.Sscan(s[j:i], &n)
		return n
	}
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		if i == len(s) {
			return f, nil
		}
		u := hexUnit{count: 1}
		if n := num(); n >= 0 {
			u.count = n
		}
		if i < len(s) && s[i] == '/' {
			i++
			if u.bytes = num(); u.bytes <= 0 {
				return nil, fmt.Errorf("bad byte count in format %q", s)
			}
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) || s[i] != '"' {
			return nil, fmt.Errorf("bad format %q", s)
		}
		j := strings.IndexByte(s[i+1:], '"')
		if j < 0 {
			return nil, fmt.Errorf("unterminated format %q", s)
		}
		text := s[i+1 : i+1+j]
		i += j + 2
		var err error
		if u.pieces, err = hexPieces(text, u.bytes); err != nil {
			return nil, err
		}
		f = append(f, u)
	}
}

func hexPieces(text string, bytes int) ([]hexPiece, error) {
	var ps []hexPiece
	var lit strings.Builder
	for k := 0; k < len(text); k++ {
		c := text[k]
		switch {
		case c == '\\' && k+1 < len(text):
			k++
			switch text[k] {
			case 'n':
				lit.WriteByte('\n')
			case 't':
				lit.WriteByte('\t')
			case '0':
				lit.WriteByte(0)
			default:
				lit.WriteByte(text[k])
			}
		case c == '%' && k+1 < len(text) && text[k+1] == '%':
			lit.WriteByte('%')
			k++
		case c == '%':
			j := k + 1
			for j < len(text) && strings.IndexByte("-+ #0123456789.", text[j]) >= 0 {
				j++
			}
			if j == len(text) || strings.IndexByte("diouxXc", text[j]) < 0 {
				return nil, fmt.Errorf("bad conversion in format %q", text)
			}
			if lit.Len() > 0 {
				ps = append(ps, hexPiece{lit: lit.String()})
				lit.Reset()
			}
			p := hexPiece{spec: text[k:j], verb: text[j], size: 4}
			if p.verb == 'c' {
				p.size = 1
			}
			if bytes > 0 {
				p.size = byte(bytes)
			}
			ps = append(ps, p)
			k = j
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		ps = append(ps, hexPiece{lit: lit.String()})
	}
	return ps, nil
}

// hexdumpFormats applies the formats to each block of input; a block the same as the one
// before is shown once as "*" (unless verbose), and conversions past the end of the input
// print as blanks of their width, as util-linux's hexdump does.
func hexdumpFormats(ctx context.Context, r io.Reader, w *bufio.Writer, fs []hexFormat, verbose bool) {
	size := 0
	for _, f := range fs {
		size = max(size, f.blockSize())
	}
	if size == 0 {
		size = 1
	}
	block := make([]byte, size)
	var prev []byte
	squeezed := false
	for ctx.Err() == nil {
		k, _ := io.ReadFull(r, block)
		if k == 0 {
			return
		}
		b := block[:k]
		if !verbose && k == size && prev != nil && bytes.Equal(b, prev) {
			if !squeezed {
				w.WriteString("*\n")
				squeezed = true
			}
			continue
		}
		squeezed = false
		prev = append(prev[:0], b...)
		for _, f := range fs {
			pos := 0
			for _, u := range f {
				for it := 0; it < u.count; it++ {
					for k, p := range u.pieces {
						if p.verb == 0 {
							lit := p.lit
							if u.count > 1 && it == u.count-1 && k == len(u.pieces)-1 {
								// No trailing blanks in a unit's last iteration (BSD, util-linux).
								lit = strings.TrimRight(lit, " \t")
							}
							w.WriteString(lit)
							continue
						}
						n := int(p.size)
						if pos >= len(b) {
							w.WriteString(strings.Repeat(" ", len(hexConvert(p, 0))))
						} else {
							// A conversion overlapping the end reads zeros past it.
							var v uint64
							for i := n - 1; i >= 0; i-- {
								v <<= 8
								if pos+i < len(b) {
									v |= uint64(b[pos+i])
								}
							}
							w.WriteString(hexConvert(p, v))
						}
						pos += n
					}
				}
			}
		}
	}
}

func hexConvert(p hexPiece, v uint64) string {
	switch p.verb {
	case 'c': // the byte as is, as C's printf %c writes it
		return fmt.Sprintf(p.spec+"s", string([]byte{byte(v)}))
	case 'd', 'i':
		s := int64(v)
		if p.size < 8 && v&(1<<(8*uint(p.size)-1)) != 0 {
			s -= 1 << (8 * uint(p.size))
		}
		return fmt.Sprintf(p.spec+"d", s)
	case 'u':
		return fmt.Sprintf(p.spec+"d", v)
	}
	return fmt.Sprintf(p.spec+string(p.verb), v)
}
