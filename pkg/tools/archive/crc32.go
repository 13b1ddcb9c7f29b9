package archive

import (
	"context"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Crc32 is crc32 [FILE]...: print the CRC-32 (IEEE, as zip and gzip use it) of each FILE
// in hex, as Debian's crc32 (libarchive-zip-perl): the sum alone for one FILE, the sum,
// a tab and the name for several.
var Crc32 = tools.Applet{Name: "crc32", Summary: "print CRC-32 checksums", Run: runCrc32}

func runCrc32(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("crc32", "crc32 [FILE]...   (stdin when none, or -)")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	st := tools.Operands{Name: "crc32"}.Each(ctx, env, ops, func(op string, r io.Reader) error {
		h := crc32.NewIEEE()
		if _, err := tools.CopyContext(ctx, h, r); err != nil {
			return err
		}
		if len(ops) > 1 {
			fmt.Fprintf(env.Stdout, "%08x\t%s\n", h.Sum32(), op)
		} else {
			fmt.Fprintf(env.Stdout, "%08x\n", h.Sum32())
		}
		return nil
	})
	if ctx.Err() != nil {
		return 1
	}
	return st
}
