package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Wc is wc: count lines, words and bytes.
var Wc = tools.Applet{Name: "wc", Summary: "count lines, words and bytes", Run: runWc}

type wcCounts struct{ lines, words, chars, bytes, maxLine int64 }

func countWC(ctx context.Context, r io.Reader, wantChars bool) (wcCounts, error) {
	var c wcCounts
	buf := make([]byte, 256<<10)
	inWord := false
	lineLen := int64(0)
	for {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		n, err := r.Read(buf)
		b := buf[:n]
		c.bytes += int64(n)
		c.lines += int64(bytes.Count(b, []byte{'\n'}))
		for _, ch := range b {
			// GNU wc counts words as runs of non-space; space is the C-locale set.
			sp := ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f'
			if !sp && !inWord {
				c.words++
			}
			inWord = !sp
			if wantChars && ch&0xc0 != 0x80 {
				c.chars++
			}
			if ch == '\n' {
				c.maxLine = max(c.maxLine, lineLen)
				lineLen = 0
			} else if ch == '\t' {
				lineLen = (lineLen/8 + 1) * 8
			} else if ch&0xc0 != 0x80 {
				lineLen++
			}
		}
		if err == io.EOF {
			c.maxLine = max(c.maxLine, lineLen)
			return c, nil
		}
		if err != nil {
			return c, err
		}
	}
}

func runWc(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("wc", "wc [-clmwL] [FILE]...")
	bytesF := fset.Bool('c', "bytes")
	chars := fset.Bool('m', "chars")
	lines := fset.Bool('l', "lines")
	words := fset.Bool('w', "words")
	maxLine := fset.Bool('L', "max-line-length")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if !*bytesF && !*chars && !*lines && !*words && !*maxLine {
		*lines, *words, *bytesF = true, true, true
	}
	stdinOnly := len(ops) == 0
	type res struct {
		c    wcCounts
		name string
	}
	var rs []res
	var total wcCounts
	// GNU pads every column to the digits of the sizes of the regular files, at least 7
	// when an input is not one (a pipe, a directory), and prints a lone count unpadded.
	var sizes int64
	minWidth := 1
	// A directory opens, fails when read and counts as empty, as GNU: "wc: d: Is a directory".
	st := tools.Operands{Name: "wc", Lazy: true}.Each(ctx, env, ops, func(op string, r io.Reader) error {
		if fi, err := statInput(r); err == nil && fi.Mode().IsRegular() {
			sizes += fi.Size()
		} else if err == nil || op == "-" {
			minWidth = 7
		}
		c, err := countWC(ctx, r, *chars)
		if err != nil {
			c = wcCounts{}
		}
		name := op
		if stdinOnly {
			name = ""
		}
		rs = append(rs, res{c, name})
		total.lines += c.lines
		total.words += c.words
		total.chars += c.chars
		total.bytes += c.bytes
		total.maxLine = max(total.maxLine, c.maxLine)
		return err
	})
	if len(ops) > 1 {
		rs = append(rs, res{total, "total"})
	}
	nCols := 0
	for _, b := range []bool{*lines, *words, *chars, *bytesF, *maxLine} {
		if b {
			nCols++
		}
	}
	width := max(len(strconv.FormatInt(sizes, 10)), minWidth)
	if nCols == 1 && len(ops) <= 1 {
		width = 1
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for _, r := range rs {
		var fields []string
		add := func(on bool, v int64) {
			if on {
				fields = append(fields, fmt.Sprintf("%*d", width, v))
			}
		}
		add(*lines, r.c.lines)
		add(*words, r.c.words)
		add(*chars, r.c.chars)
		add(*bytesF, r.c.bytes)
		add(*maxLine, r.c.maxLine)
		line := strings.Join(fields, " ")
		if r.name != "" {
			line += " " + r.name
		}
		w.WriteString(line + "\n")
	}
	return st
}

// statInput is the Stat of r when it is a file (a FILE operand, or standard input
// redirected from one).
func statInput(r io.Reader) (os.FileInfo, error) {
	f, ok := r.(*os.File)
	if !ok {
		return nil, os.ErrInvalid
	}
	return f.Stat()
}
