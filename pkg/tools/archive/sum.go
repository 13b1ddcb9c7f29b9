package archive

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

var sums = map[string]func() hash.Hash{
	"md5sum":    md5.New,
	"sha1sum":   sha1.New,
	"sha256sum": sha256.New,
	"sha512sum": sha512.New,
}

// Md5sum is md5sum: print or check md5 checksums.
var Md5sum = tools.Applet{Name: "md5sum", Summary: "print or check md5 checksums", Run: runSum}

// Sha1sum is sha1sum: print or check sha1 checksums.
var Sha1sum = tools.Applet{Name: "sha1sum", Summary: "print or check sha1 checksums", Run: runSum}

// Sha256sum is sha256sum: print or check sha256 checksums.
var Sha256sum = tools.Applet{Name: "sha256sum", Summary: "print or check sha256 checksums", Run: runSum}

// Sha512sum is sha512sum: print or check sha512 checksums.
var Sha512sum = tools.Applet{Name: "sha512sum", Summary: "print or check sha512 checksums", Run: runSum}

func runSum(ctx context.Context, env *tools.Env, args []string) int {
	name := filepath.Base(args[0])
	newHash := sums[name]
	fs := gnuflag.New(name, name+` [-c] [FILE]...
  -c  read checksums from the FILEs and check them
  --quiet   (with -c) do not print OK for each verified file
  --status  (with -c) print nothing, the exit status tells`)
	check, quiet, status := sumFlags(fs)
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	return sumFiles(ctx, env, name, newHash, ops, *check, *quiet, *status)
}

// sumFlags declares the options every *sum applet takes: -c, --quiet and --status, and
// GNU's -b, -t, -w and --strict, accepted and without effect.
func sumFlags(fs *gnuflag.Set) (check, quiet, status *bool) {
	check = fs.Bool('c', "check")
	quiet = fs.Bool(0, "quiet")
	status = fs.Bool(0, "status")
	fs.Bool('b', "binary")
	fs.Bool('t', "text")
	fs.Bool('w', "warn")
	fs.Bool(0, "strict")
	return check, quiet, status
}

// sumFiles prints the sums of ops (stdin when none) or, with check, checks the lists
// they are, as the *sum applets share it.
func sumFiles(ctx context.Context, env *tools.Env, name string, newHash func() hash.Hash, ops []string, check, quiet, status bool) int {
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	st := 0
	for _, op := range ops {
		if ctx.Err() != nil {
			return 1
		}
		if check {
			if checkSums(ctx, env, out, name, newHash, op, quiet, status) != 0 {
				st = 1
			}
			continue
		}
		sum, err := hashFile(env, newHash, op)
		if err != nil {
			out.Flush()
			env.Errorf(name, "%s: %s", op, tools.Reason(err))
			st = 1
			continue
		}
		if strings.ContainsAny(op, "\\\n") {
			fmt.Fprintf(out, "\\%s  %s\n", sum, strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(op))
		} else {
			fmt.Fprintf(out, "%s  %s\n", sum, op)
		}
	}
	return st
}

func hashFile(env *tools.Env, newHash func() hash.Hash, op string) (string, error) {
	r, closeIt, err := tools.OpenInput(env, op)
	if err != nil {
		return "", err
	}
	defer closeIt()
	h := newHash()
	buf := make([]byte, 64<<10)
	if _, err := io.CopyBuffer(h, r, buf); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func checkSums(ctx context.Context, env *tools.Env, out *bufio.Writer, name string, newHash func() hash.Hash, list string, quiet, status bool) int {
	// A directory opens, and has no properly formatted lines.
	r, closeIt, err := tools.OpenOperand(env, list)
	if err != nil {
		out.Flush()
		env.Errorf(name, "%s: %s", list, tools.Reason(err))
		return 1
	}
	defer closeIt()
	size := newHash().Size() * 2
	failed, unreadable, bad, good := 0, 0, 0, 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if ctx.Err() != nil {
			return 1
		}
		line := strings.TrimPrefix(sc.Text(), "\\")
		if len(line) < size+2 || (line[size] != ' ') || (line[size+1] != ' ' && line[size+1] != '*') {
			bad++
			continue
		}
		want, file := strings.ToLower(line[:size]), line[size+2:]
		got, err := hashFile(env, newHash, file)
		switch {
		case err != nil:
			unreadable++
			out.Flush()
			env.Errorf(name, "%s: %s", file, tools.Reason(err))
			if !status {
				fmt.Fprintf(out, "%s: FAILED open or read\n", file)
			}
		case got != want:
			failed++
			if !status {
				fmt.Fprintf(out, "%s: FAILED\n", file)
			}
		default:
			good++
			if !status && !quiet {
				fmt.Fprintf(out, "%s: OK\n", file)
			}
		}
	}
	out.Flush()
	if good+failed+unreadable == 0 {
		env.Errorf(name, "%s: no properly formatted checksum lines found", list)
		return 1
	}
	if !status {
		if bad > 0 {
			env.Errorf(name, "WARNING: %d line%s improperly formatted", bad, plural(bad, " is", "s are"))
		}
		if unreadable > 0 {
			env.Errorf(name, "WARNING: %d listed file%s could not be read", unreadable, plural(unreadable, "", "s"))
		}
		if failed > 0 {
			env.Errorf(name, "WARNING: %d computed checksum%s did NOT match", failed, plural(failed, "", "s"))
		}
	}
	if failed+unreadable > 0 {
		return 1
	}
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
