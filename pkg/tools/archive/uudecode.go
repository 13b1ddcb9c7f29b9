package archive

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Uudecode is uudecode [-o OUTPUT] [FILE]...: decode what uuencode made (historical or
// base64), into the file its begin line names (or OUTPUT; - is stdout), with its mode,
// as sharutils' uudecode.
var Uudecode = tools.Applet{Name: "uudecode", Summary: "decode uuencoded or base64 files", Run: runUudecode}

func runUudecode(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("uudecode", `uudecode [-o OUTPUT-FILE] [FILE]...
  -o, --output-file=FILE   direct output to FILE (- for stdout), not the begin line's name`)
	output := fset.String('o', "output-file", "")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	// A directory opens, and is refused as having no begin line (status 2); one that does
	// not open is status 4, as sharutils' uudecode.
	fatal := false
	st := tools.Operands{Name: "uudecode", Lazy: true, Status: 4}.Each(ctx, env, ops, func(op string, in io.Reader) error {
		shown := op
		if op == "-" {
			shown = "standard input"
		}
		if err := uudecodeOne(env, in, *output); err != nil {
			fmt.Fprintf(env.Stderr, "uudecode fatal error:\n%s: %v\n", shown, err)
			fatal = true
			return tools.ErrStop
		}
		return nil
	})
	switch {
	case fatal:
		return 2
	case ctx.Err() != nil:
		return 1
	}
	return st
}

func uudecodeOne(env *tools.Env, in io.Reader, output string) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var b64 bool
	var mode uint64
	var name string
	for {
		if !sc.Scan() {
			return errors.New("Invalid or missing 'begin' line")
		}
		f := strings.SplitN(sc.Text(), " ", 3)
		if len(f) == 3 && (f[0] == "begin" || f[0] == "begin-base64") {
			m, err := strconv.ParseUint(f[1], 8, 32)
			if err == nil {
				b64, mode, name = f[0] == "begin-base64", m&0o7777, f[2]
				break
			}
		}
	}
	if output != "" {
		name = output
	}
	var w io.Writer = env.Stdout
	var file *os.File
	if name != "-" && name != "/dev/stdout" {
		f, err := os.OpenFile(env.Abs(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, os.FileMode(mode))
		if err != nil {
			return fmt.Errorf("%s: %s", name, tools.Reason(err))
		}
		defer f.Close()
		w, file = f, f
	}
	bw := bufio.NewWriter(w)
	ended := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if b64 {
			if line == "====" {
				ended = true
				break
			}
			b, err := base64.StdEncoding.DecodeString(line)
			if err != nil {
				return errors.New("Illegal character in base64 input")
			}
			bw.Write(b)
			continue
		}
		if line == "end" {
			ended = true
			break
		}
		if line == "" {
			continue
		}
		n := int((line[0] - ' ') & 0x3f)
		var out []byte
		for i := 1; len(out) < n; i += 4 {
			var g [4]byte
			for j := 0; j < 4; j++ {
				if i+j < len(line) {
					g[j] = (line[i+j] - ' ') & 0x3f
				}
			}
			out = append(out, g[0]<<2|g[1]>>4, g[1]<<4|g[2]>>2, g[2]<<6|g[3])
			if i+4 > len(line) && len(out) < n {
				return errors.New("Short file")
			}
		}
		bw.Write(out[:n])
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if !ended {
		return errors.New("No `end' line")
	}
	if file != nil {
		return file.Chmod(os.FileMode(mode))
	}
	return nil
}
