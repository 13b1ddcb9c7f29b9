package archive

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Uuencode is uuencode [-m] [FILE] NAME: encode FILE (stdin) for mail, to be decoded as
// NAME, in the historical uuencoding or, with -m, base64, as sharutils' uuencode.
var Uuencode = tools.Applet{Name: "uuencode", Summary: "encode a file into text (uuencode, base64)", Run: runUuencode}

func runUuencode(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("uuencode", `uuencode [-m] [INPUT] OUTPUT-NAME
  -m, --base64   use base64 encoding instead of the historical uuencoding`)
	b64 := fset.Bool('m', "base64")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 || len(ops) > 2 {
		env.Errorf("uuencode", "Usage: uuencode [-m] [INPUT] OUTPUT-NAME")
		return 1
	}
	var in io.Reader = env.Stdin
	mode := os.FileMode(0o644) // 0666 less the usual umask, as for stdin
	if len(ops) == 2 {
		f, err := os.Open(env.Abs(ops[0]))
		if err != nil {
			env.Errorf("uuencode", "%s: %s", ops[0], tools.Reason(err))
			return 1
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			mode = fi.Mode().Perm()
		}
		in = f
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	head := "begin"
	if *b64 {
		head = "begin-base64"
	}
	fmt.Fprintf(out, "%s %o %s\n", head, mode, ops[len(ops)-1])
	r := bufio.NewReaderSize(in, 64<<10)
	buf := make([]byte, 45)
	for ctx.Err() == nil {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if *b64 {
				out.WriteString(base64.StdEncoding.EncodeToString(buf[:n]) + "\n")
			} else {
				out.WriteString(uuLine(buf[:n]))
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			out.Flush()
			env.Errorf("uuencode", "%s", tools.Reason(err))
			return 1
		}
	}
	if *b64 {
		out.WriteString("====\n")
	} else {
		out.WriteString("`\nend\n")
	}
	if err := out.Flush(); err != nil {
		env.Errorf("uuencode", "write error: %s", tools.Reason(err))
		return 1
	}
	return 0
}

// uuChar is the historical encoding of six bits: a space plus them, '`' for zero.
func uuChar(v byte) byte {
	if v&0x3f == 0 {
		return '`'
	}
	return ' ' + v&0x3f
}

// uuLine encodes up to 45 bytes as one line: its length, then four characters for each
// three bytes (the last group padded with zeros).
func uuLine(b []byte) string {
	line := []byte{uuChar(byte(len(b)))}
	for i := 0; i < len(b); i += 3 {
		var g [3]byte
		copy(g[:], b[i:])
		line = append(line, uuChar(g[0]>>2), uuChar(g[0]<<4|g[1]>>4), uuChar(g[1]<<2|g[2]>>6), uuChar(g[2]))
	}
	return string(line) + "\n"
}
