package archive

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Base64 is base64: base64 encode or decode.
var Base64 = tools.Applet{Name: "base64", Summary: "base64 encode or decode", Run: runBase64}

const base64Usage = `base64 [-d] [-i] [-w COLS] [FILE]
  -d  decode   -i  ignore non-alphabet characters when decoding
  -w COLS  wrap encoded lines after COLS characters (default 76, 0 disables)`

func runBase64(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("base64", base64Usage)
	decode := fs.Bool('d', "decode")
	ignore := fs.Bool('i', "ignore-garbage")
	wrap := fs.Int('w', "wrap", 76)
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) > 1 {
		env.Errorf("base64", "extra operand '%s'", ops[1])
		return 2
	}
	var in io.Reader = env.Stdin
	if len(ops) == 1 {
		// A directory opens, and fails as a read error.
		r, closeIt, err := tools.OpenOperand(env, ops[0])
		if err != nil {
			env.Errorf("base64", "%s: %s", ops[0], tools.Reason(err))
			return 1
		}
		defer closeIt()
		in = r
	}
	data, err := io.ReadAll(in)
	if err != nil {
		env.Errorf("base64", "read error: %v", err)
		return 1
	}
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer out.Flush()
	if *decode {
		clean := make([]byte, 0, len(data))
		for _, c := range data {
			switch {
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '=':
				clean = append(clean, c)
			case c == '\n' || c == '\r':
			case *ignore:
			default:
				out.Flush()
				env.Errorf("base64", "invalid input")
				return 1
			}
		}
		dec := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(dec, clean)
		out.Write(dec[:n])
		if err != nil {
			out.Flush()
			env.Errorf("base64", "invalid input")
			return 1
		}
		return 0
	}
	enc := []byte(base64.StdEncoding.EncodeToString(data))
	if *wrap <= 0 {
		out.Write(enc) // GNU base64 -w 0 ends without a newline
		return 0
	}
	for len(enc) > 0 {
		n := min(*wrap, len(enc))
		out.Write(enc[:n])
		out.WriteByte('\n')
		enc = enc[n:]
	}
	return 0
}
