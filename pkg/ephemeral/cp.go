package ephemeral

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/archive"
)

// Sentinels of copy failures (errors.Is on the *Error).
var (
	ErrWriteRefused = errors.New("writing into the target refused")
	ErrReadOnly     = errors.New("target file system is read-only")
	ErrCopy         = errors.New("copy failed")
)

// CopyOptions tune CopyFrom and CopyTo.
type CopyOptions struct {
	// AllowWrite must be set for CopyTo: writing into a running container is a change to
	// it, never a side effect of debugging.
	AllowWrite bool
	// Progress, when set, is called as the stream moves with the bytes so far and the
	// total (-1 when unknown: a copy out of the target).
	Progress func(done, total int64)
}

// targetPath turns a path in the target (absolute, or relative to its root) into the
// relative path a session uses: the session starts at the target's root whatever its
// view (/ after a chroot, /target without), so relative paths work in both.
func targetPath(p string) string {
	c := path.Clean("/" + p)
	if c == "/" {
		return "."
	}
	return c[1:]
}

// renameTop returns name with its first component(s) top replaced by to ("." for the
// root: every name is put below to).
func renameTop(name, top, to string) string {
	name = strings.TrimSuffix(name, "/")
	switch {
	case top == ".":
		return path.Join(to, name)
	case name == top:
		return to
	case strings.HasPrefix(name, top+"/"):
		return path.Join(to, name[len(top)+1:])
	}
	return name // not below top: the extraction's own checks decide
}

// CopyFrom copies src, a file, directory or symlink of the target, to dst on this machine
// as `cp -R` would: into dst when dst is a directory, else as dst. It streams the toolbox's
// tar out of the debug container and extracts with the same checked extraction
// (archive.Extract): no entry may leave the destination, symlinks stay links and are never
// followed, device nodes are not created, owners are not copied.
func (d *Debugger) CopyFrom(ctx context.Context, t *Target, src, dst string, o CopyOptions) error {
	rel := targetPath(src)
	if rel == "." {
		return &Error{Kind: ErrCopy, Msg: "copying the target's whole root would walk its /proc and /sys: refused",
			Advice: "name the directories you want (kubectl ddebug POD -- ls / lists them)"}
	}
	dir, top := path.Dir(rel), path.Base(rel)
	into, newTop := dst, top
	if fi, err := os.Stat(dst); err != nil || !fi.IsDir() {
		into, newTop = filepath.Dir(dst), filepath.Base(dst)
		if fi, err := os.Stat(into); err != nil || !fi.IsDir() {
			return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("copying to %s: %s is not a directory", dst, into)}
		}
	}
	if newTop == "." && top != "." {
		newTop = top
	}
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	var status int
	var execErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		status, execErr = d.Session(ctx, t, []string{"tar", "-c", "-f", "-", "-C", dir, "--", top}, true,
			ExecRequest{Stdout: pw, Stderr: &limitedBuffer{b: &stderr, max: 4096}})
		pw.Close()
	}()
	var n atomic.Int64
	in := io.Reader(pr)
	if o.Progress != nil {
		in = &countingReader{r: pr, n: &n, f: func(v int64) { o.Progress(v, -1) }}
	}
	xerr := archive.Extract(ctx, in, into, archive.ExtractOptions{Header: func(h *tar.Header) error {
		switch h.Typeflag {
		case tar.TypeChar, tar.TypeBlock:
			return errors.New("device node not copied")
		case tar.TypeLink:
			h.Linkname = renameTop(h.Linkname, top, newTop)
		}
		h.Name = renameTop(h.Name, top, newTop)
		return nil
	}})
	pr.CloseWithError(errors.New("extraction ended")) // unblocks the exec if extraction stopped early
	<-done
	where := fmt.Sprintf("%s of pod %s", t.Container, t.Pod)
	if execErr != nil {
		return execErr
	}
	if status != 0 {
		return remoteTarError(status, stderr.String(), "copying "+src+" out of "+where)
	}
	if xerr != nil {
		return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("copying %s out of %s into %s: %v", src, where, dst, xerr), Err: xerr}
	}
	return nil
}

// probeScript says what $1 is in the target (dir, file, none), whether the directory a
// copy lands in ($1 if a directory, else its parent $2) exists and is writable, and who
// owns it (the owner of what is copied in).
const probeScript = `p=$1; d=$2
if [ -d "$p" ]; then echo dir; d=$p; elif [ -e "$p" ] || [ -L "$p" ]; then echo file; else echo none; fi
if [ ! -d "$d" ]; then echo noparent; exit 0; fi
stat -c '%u:%g' "$d"
if [ -w "$d" ]; then echo writable; exit 0; fi
mkdir "$d/.ddebug-cp-probe" 2>&1 && rmdir "$d/.ddebug-cp-probe" && echo writable
exit 0`

// CopyTo copies src on this machine (a file, directory or symlink) to dst in the target
// as `cp -R` would: into dst when dst is a directory there, else as dst. It refuses without
// o.AllowWrite, and with ErrReadOnly when the destination is on a read-only file system,
// before anything is written. New files belong to the owner of the directory they land in.
func (d *Debugger) CopyTo(ctx context.Context, t *Target, src, dst string, o CopyOptions) error {
	where := fmt.Sprintf("container %s of pod %s", t.Container, t.Pod)
	if !o.AllowWrite {
		return &Error{Kind: ErrWriteRefused, Msg: fmt.Sprintf("copying into %s changes a running container: refused", where),
			Advice: "add --allow-write if that is what you want"}
	}
	sfi, err := os.Lstat(src)
	if err != nil {
		return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("copying %s: %v", src, err), Err: err}
	}
	rel := targetPath(dst)
	parent := path.Dir(rel)
	var out bytes.Buffer
	status, err := d.Session(ctx, t, []string{"sh", "-c", probeScript, "sh", rel, parent}, true,
		ExecRequest{Stdout: &limitedBuffer{b: &out, max: 4096}, Stderr: io.Discard})
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if status != 0 || len(lines) < 2 {
		return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("looking at %s in %s: status %d: %s", dst, where, status, strings.TrimSpace(out.String()))}
	}
	kind := lines[0]
	into, newTop := parent, path.Base(rel)
	switch {
	case lines[1] == "noparent":
		return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("copying to %s in %s: no directory /%s there", dst, where, strings.TrimPrefix(parent, "."))}
	case kind == "dir":
		into, newTop = rel, filepath.Base(src)
	case kind == "file" && sfi.IsDir():
		return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("copying directory %s to %s in %s: that is a file there", src, dst, where)}
	}
	uid, gid := -1, -1
	if u, g, ok := strings.Cut(lines[1], ":"); ok {
		uid, _ = strconv.Atoi(u)
		gid, _ = strconv.Atoi(g)
	}
	if len(lines) < 3 || lines[len(lines)-1] != "writable" {
		why := strings.Join(lines[2:], " ")
		return writeError(why, "/"+strings.TrimPrefix(into, "."), where)
	}

	var total int64
	filepath.WalkDir(src, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if fi, err := e.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	pr, pw := io.Pipe()
	top := filepath.Base(src)
	go func() {
		err := archive.Create(ctx, pw, filepath.Dir(src), []string{top}, archive.CreateOptions{Header: func(h *tar.Header) {
			h.Name = renameTop(h.Name, top, newTop)
			if h.Typeflag == tar.TypeLink {
				h.Linkname = renameTop(h.Linkname, top, newTop)
			}
			if uid >= 0 && gid >= 0 {
				h.Uid, h.Gid = uid, gid
			}
			h.Uname, h.Gname = "", ""
		}})
		pw.CloseWithError(err)
	}()
	var n atomic.Int64
	in := io.Reader(pr)
	if o.Progress != nil {
		in = &countingReader{r: pr, n: &n, f: func(v int64) { o.Progress(min(v, total), total) }}
	}
	var stderr bytes.Buffer
	status, err = d.Session(ctx, t, []string{"tar", "-x", "-f", "-", "-C", into}, true,
		ExecRequest{Stdin: in, Stdout: io.Discard, Stderr: &limitedBuffer{b: &stderr, max: 4096}})
	pr.CloseWithError(errors.New("copy ended"))
	if err != nil {
		return err
	}
	if status != 0 {
		if strings.Contains(strings.ToLower(stderr.String()), "read-only file system") {
			return writeError(stderr.String(), "/"+strings.TrimPrefix(into, "."), where)
		}
		return remoteTarError(status, stderr.String(), "copying "+src+" into "+where)
	}
	return nil
}

// writeError explains why the directory into of the target cannot be written to.
func writeError(why, into, where string) error {
	why = strings.TrimSpace(why)
	if strings.Contains(strings.ToLower(why), "read-only file system") {
		return &Error{Kind: ErrReadOnly, Msg: fmt.Sprintf("cannot copy into %s of %s: it is on a read-only file system (readOnlyRootFilesystem or a read-only mount); nothing was written", into, where),
			Advice: "copy into a writable volume of the pod (an emptyDir, for instance): 'kubectl ddebug POD -- findmnt' shows the mounts"}
	}
	if why == "" {
		why = "not writable"
	}
	return &Error{Kind: ErrCopy, Msg: fmt.Sprintf("cannot copy into %s of %s: %s; nothing was written", into, where, why),
		Advice: "the debug container runs as the target's uid; a directory it may not write needs a root profile (--profile=netadmin)"}
}

// remoteTarError turns the tar of the debug container failing into an error that quotes it.
func remoteTarError(status int, stderr, what string) error {
	msg := strings.TrimSpace(stderr)
	msg = strings.ReplaceAll(msg, "tar: Exiting with failure status due to previous errors", "")
	msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", "; ")), " ")
	msg = strings.TrimSuffix(strings.TrimSpace(msg), ";")
	if msg == "" {
		msg = fmt.Sprintf("tar exited with status %d", status)
	}
	return &Error{Kind: ErrCopy, Msg: what + ": " + msg}
}

// countingReader reports the bytes read so far.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
	f func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.f(c.n.Add(int64(n)))
	}
	return n, err
}

// limitedBuffer keeps the first max bytes written and swallows the rest.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
