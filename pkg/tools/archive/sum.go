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

// sumHash is the hash of a *sum applet by its name, nil for no such name (a switch: a map
// would be built at every start of the toolbox).
func sumHash(name string) func() hash.Hash {
	switch name {
	case "md5sum":
		return md5.New
	case "sha1sum":
		return sha1.New
	case "sha256sum":
		return sha256.New
	case "sha512sum":
		return sha512.New
	}
	return nil
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
	newHash := sumHash(name)
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
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	o := tools.Operands{Name: name, Flush: out.Flush}
	if check {
		// A list that is a directory opens, and fails as a read.
		o.Lazy = true
		failed := false
		st := o.Each(ctx, env, ops, func(list string, r io.Reader) error {
			failed = checkSums(ctx, env, out, name, newHash, list, r, quiet, status) != 0 || failed
			return nil
		})
		if failed || ctx.Err() != nil {
			return 1
		}
		return st
	}
	st := o.Each(ctx, env, ops, func(op string, r io.Reader) error {
		sum, err := hashReader(newHash, r)
		if err != nil {
			return err
		}
		if strings.ContainsAny(op, "\\\n") {
			fmt.Fprintf(out, "\\%s  %s\n", sum, strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(op))
		} else {
			fmt.Fprintf(out, "%s  %s\n", sum, op)
		}
		return nil
	})
	if ctx.Err() != nil {
		return 1
	}
	return st
}

// hashFile is the sum of the file a checksum list names.
func hashFile(env *tools.Env, newHash func() hash.Hash, op string) (string, error) {
	r, closeIt, err := tools.OpenInput(env, op)
	if err != nil {
		return "", err
	}
	defer closeIt()
	return hashReader(newHash, r)
}

func hashReader(newHash func() hash.Hash, r io.Reader) (string, error) {
	h := newHash()
	buf := make([]byte, 64<<10)
	if _, err := io.CopyBuffer(h, r, buf); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkSums checks the checksum list r (the operand list), as GNU's -c.
func checkSums(ctx context.Context, env *tools.Env, out *bufio.Writer, name string, newHash func() hash.Hash, list string, r io.Reader, quiet, status bool) int {
	shown := list
	if list == "-" {
		shown = "'standard input'"
	}
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
	if sc.Err() != nil {
		env.Errorf(name, "%s: read error", shown)
		return 1
	}
	if good+failed+unreadable == 0 {
		env.Errorf(name, "%s: no properly formatted checksum lines found", shown)
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
