package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The tar applet's code for programs that are not the applet: kubectl ddebug cp writes and
// reads the stream on the user's machine with the same entries and the same checked
// extraction as the tar running in the debug container.

// ExtractOptions tune Extract.
type ExtractOptions struct {
	// Chown sets each entry's owner from the archive (what tar does as root).
	Chown bool
	// Header, when set, sees every header before it is checked: it may rename the entry
	// (Name, and Linkname of a hard link) or return an error to skip it (the error is
	// reported with the others).
	Header func(*tar.Header) error
}

// Extract writes the uncompressed tar stream r below dir as `tar -x -C dir` does: an
// entry whose name is absolute, holds "..", or is reached through a symlink leaving dir is
// refused (ErrUnsafePath); symlinks are created as links, never followed. It goes on after
// a failed entry and returns every failure joined; modes and times of directories are set
// once their contents are written.
func Extract(ctx context.Context, r io.Reader, dir string, o ExtractOptions) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("opening %s: %w", dir, err)
	}
	defer root.Close()
	x := &extractor{root: root, chown: o.Chown}
	defer x.finish()
	tr := tar.NewReader(r)
	var errs []error
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		h, err := tr.Next()
		if err == io.EOF {
			return errors.Join(errs...)
		}
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("reading archive: %w", err))...)
		}
		name := h.Name
		if o.Header != nil {
			if err := o.Header(h); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				continue
			}
		}
		if err := x.entry(h, tr, false); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", h.Name, err))
		}
	}
}

// CreateOptions tune Create.
type CreateOptions struct {
	// Header, when set, may edit every header before it is written (rename, owner).
	Header func(*tar.Header)
}

// Create writes a tar stream of names (relative to dir, or absolute) to w as `tar -c -C dir
// names...` does: directories recursively, symlinks as links (never followed), hard links
// once, modes and times kept. It goes on after a file it cannot read and returns every
// failure joined.
func Create(ctx context.Context, w io.Writer, dir string, names []string, o CreateOptions) error {
	tw := tar.NewWriter(w)
	var errs []error
	links := map[[2]uint64]string{}
	for _, op := range names {
		top := op
		if !filepath.IsAbs(top) {
			top = filepath.Join(dir, op)
		}
		err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			name := filepath.ToSlash(op)
			if p != top {
				name = filepath.ToSlash(filepath.Join(op, strings.TrimPrefix(p, top+string(filepath.Separator))))
			}
			name = strings.TrimLeft(name, "/")
			if name == "" {
				name = "."
			}
			var tw2 headerWriter = tw
			if o.Header != nil {
				tw2 = editingWriter{tw, o.Header}
			}
			if err := addTarEntry(tw2, p, name, links); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
			break
		}
	}
	if err := tw.Close(); err != nil {
		errs = append(errs, fmt.Errorf("writing archive: %w", err))
	}
	return errors.Join(errs...)
}

// headerWriter is what addTarEntry writes to.
type headerWriter interface {
	WriteHeader(*tar.Header) error
	io.Writer
}

// editingWriter passes every header through edit first.
type editingWriter struct {
	*tar.Writer
	edit func(*tar.Header)
}

func (e editingWriter) WriteHeader(h *tar.Header) error {
	e.edit(h)
	return e.Writer.WriteHeader(h)
}
