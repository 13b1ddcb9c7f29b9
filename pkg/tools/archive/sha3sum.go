package archive

import (
	"context"
	"crypto/sha3"
	"hash"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Sha3sum is sha3sum [-c] [-a 224|256|384|512] [FILE]...: print or check SHA-3 checksums
// (the standard library's crypto/sha3), SHA3-224 by default as BusyBox's and Debian's
// sha3sum.
var Sha3sum = tools.Applet{Name: "sha3sum", Summary: "print or check SHA-3 checksums", Run: runSha3sum}

func runSha3sum(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("sha3sum", `sha3sum [-c] [-a BITS] [FILE]...
  -a BITS   224 (the default), 256, 384 or 512
  -c        read checksums from the FILEs and check them
  --quiet   (with -c) do not print OK for each verified file
  --status  (with -c) print nothing, the exit status tells`)
	bits := fset.String('a', "algorithm", "224")
	check, quiet, status := sumFlags(fset)
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	var newHash func() hash.Hash
	switch *bits {
	case "224":
		newHash = func() hash.Hash { return sha3.New224() }
	case "256":
		newHash = func() hash.Hash { return sha3.New256() }
	case "384":
		newHash = func() hash.Hash { return sha3.New384() }
	case "512":
		newHash = func() hash.Hash { return sha3.New512() }
	default:
		env.Errorf("sha3sum", "unrecognized algorithm '%s'", *bits)
		return 1
	}
	return sumFiles(ctx, env, "sha3sum", newHash, ops, *check, *quiet, *status)
}
