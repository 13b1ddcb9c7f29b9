package toolboximage

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

// Outputs name what Write produced.
type Outputs struct {
	// Layout is an OCI image layout directory holding the multi-arch index.
	Layout string
	// Archive is Layout as one tar file (`ctr images import`, `skopeo copy oci-archive:`).
	Archive string
	// Docker holds one "docker save" tarball per architecture (`docker load`, `podman
	// load`, `ctr images import`), all tagged with the same reference.
	Docker map[string]string
	// IndexDigest is the digest of the multi-arch index.
	IndexDigest v1.Hash
	// Digests are the per-architecture manifest digests; Sizes their compressed sizes.
	Digests map[string]v1.Hash
	Sizes   map[string]int64
}

// Write writes idx and its images under dir: oci/ (layout), toolbox.oci.tar (the layout
// as a tar file) and toolbox-linux-<arch>.tar (docker tarballs), all naming ref.
func Write(dir, ref string, idx v1.ImageIndex, images map[string]v1.Image) (Outputs, error) {
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return Outputs{}, fmt.Errorf("parsing image reference %q: %w", ref, err)
	}
	out := Outputs{
		Layout:  filepath.Join(dir, "oci"),
		Archive: filepath.Join(dir, "toolbox.oci.tar"),
		Docker:  map[string]string{},
		Digests: map[string]v1.Hash{},
		Sizes:   map[string]int64{},
	}
	if out.IndexDigest, err = idx.Digest(); err != nil {
		return Outputs{}, fmt.Errorf("digest of index: %w", err)
	}
	// A stale layout would keep old blobs: start from nothing.
	if err := os.RemoveAll(out.Layout); err != nil {
		return Outputs{}, fmt.Errorf("removing old layout: %w", err)
	}
	p, err := layout.Write(out.Layout, empty.Index)
	if err != nil {
		return Outputs{}, fmt.Errorf("writing OCI layout %s: %w", out.Layout, err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": tag.TagStr(),
		"io.containerd.image.name":          tag.Name(),
	})); err != nil {
		return Outputs{}, fmt.Errorf("writing index to %s: %w", out.Layout, err)
	}
	if err := TarDir(out.Archive, out.Layout); err != nil {
		return Outputs{}, err
	}
	archs := make([]string, 0, len(images))
	for a := range images {
		archs = append(archs, a)
	}
	sort.Strings(archs)
	for _, arch := range archs {
		img := images[arch]
		path := filepath.Join(dir, "toolbox-linux-"+arch+".tar")
		if err := tarball.WriteToFile(path, tag, img); err != nil {
			return Outputs{}, fmt.Errorf("writing docker tarball %s: %w", path, err)
		}
		out.Docker[arch] = path
		if out.Digests[arch], err = img.Digest(); err != nil {
			return Outputs{}, fmt.Errorf("digest of linux/%s: %w", arch, err)
		}
		if out.Sizes[arch], err = CompressedSize(img); err != nil {
			return Outputs{}, fmt.Errorf("linux/%s: %w", arch, err)
		}
	}
	return out, nil
}

// TarDir writes the tree under dir to the tar file path, reproducibly: sorted entries,
// no timestamps, no owners.
func TarDir(path, dir string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing %s: %w", path, cerr)
		}
	}()
	var paths []string
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			paths = append(paths, p)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	sort.Strings(paths)
	tw := tar.NewWriter(f)
	for _, p := range paths {
		st, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: filepath.ToSlash(rel), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		switch {
		case st.IsDir():
			hdr.Typeflag, hdr.Mode, hdr.Name = tar.TypeDir, 0o755, hdr.Name+"/"
		case st.Mode().IsRegular():
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o644, st.Size()
		default:
			return fmt.Errorf("%s: not a file or directory", p)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if hdr.Typeflag == tar.TypeReg {
			if err := copyFile(tw, p); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func copyFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// Summary is a few lines on what was written, for the build's output and CI logs.
func (o Outputs) Summary(ref string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "image %s\nindex %s\n", ref, o.IndexDigest)
	archs := make([]string, 0, len(o.Digests))
	for a := range o.Digests {
		archs = append(archs, a)
	}
	sort.Strings(archs)
	for _, a := range archs {
		fmt.Fprintf(&b, "%-12s %s  %7.2f MiB compressed  %s\n", platformString(a), o.Digests[a], float64(o.Sizes[a])/(1<<20), o.Docker[a])
	}
	fmt.Fprintf(&b, "oci layout   %s\noci archive  %s\n", o.Layout, o.Archive)
	return b.String()
}

// WriteRootFS writes files as a directory tree under dir (for images/Dockerfile, which
// copies it into a FROM-scratch image). Owners are set only when running as root.
func WriteRootFS(dir string, files []ocibuild.File) error {
	sorted := append([]ocibuild.File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, f := range sorted {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		var err error
		switch {
		case f.Mode.IsDir():
			if err = os.MkdirAll(p, 0o755); err == nil {
				err = os.Chmod(p, f.Mode&(fs.ModePerm|fs.ModeSticky|fs.ModeSetuid|fs.ModeSetgid))
			}
		case f.Mode&fs.ModeSymlink != 0:
			err = os.Symlink(f.Link, p)
		default:
			if err = os.WriteFile(p, f.Data, 0o600); err == nil {
				err = os.Chmod(p, f.Mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid))
			}
		}
		if err == nil && os.Geteuid() == 0 && (f.UID != 0 || f.GID != 0) {
			err = os.Lchown(p, f.UID, f.GID)
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
	}
	return nil
}
