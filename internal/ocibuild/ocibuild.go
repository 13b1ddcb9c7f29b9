package ocibuild

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ErrBadPath is returned for a file path that is not absolute and clean.
var ErrBadPath = errors.New("image path must be absolute and clean")

// File is one entry of the image's only layer.
type File struct {
	// Path is where the entry appears in the image, e.g. "/app".
	Path string
	// Mode holds the permission bits (and fs.ModeSticky, fs.ModeSetuid,
	// fs.ModeSetgid); with fs.ModeDir the entry is a
	// directory and Data is ignored; with fs.ModeSymlink it is a symbolic
	// link to Link and Data is ignored.
	Mode fs.FileMode
	// Data is the content of a regular file.
	Data []byte
	// Link is the target of a symbolic link (Mode has fs.ModeSymlink).
	Link string
	// UID and GID own the entry (0 when unset).
	UID, GID int
}

// FileFromHost reads the host file at hostPath into a File placed at
// imagePath, keeping its permission bits.
func FileFromHost(imagePath, hostPath string) (File, error) {
	data, err := os.ReadFile(hostPath)
	if err != nil {
		return File{}, fmt.Errorf("reading %s: %w", hostPath, err)
	}
	st, err := os.Stat(hostPath)
	if err != nil {
		return File{}, fmt.Errorf("reading %s: %w", hostPath, err)
	}
	return File{Path: imagePath, Mode: st.Mode().Perm(), Data: data}, nil
}

// Config is the part of the image configuration a FROM-scratch image needs.
type Config struct {
	Entrypoint []string
	Cmd        []string
	// User is "uid" or "uid:gid"; empty means root, as in a Dockerfile.
	User       string
	Env        []string
	WorkingDir string
	Labels     map[string]string
	// Architecture defaults to the one this program runs on.
	Architecture string
	// OCI selects OCI media types for the manifest, config and layer
	// instead of Docker's (for an OCI image layout or index).
	OCI bool
	// Created is the creation time recorded in the config and history;
	// zero means the Unix epoch.
	Created time.Time
	// CompressionLevel is the gzip level of the layer (compress/gzip's
	// constants); zero keeps go-containerregistry's default (BestSpeed).
	CompressionLevel int
}

// Build returns a linux image holding files in one layer, with cfg as its
// configuration. Missing parent directories are added (mode 0755), and
// the layer is reproducible: entries are sorted and carry no timestamps.
func Build(files []File, cfg Config) (v1.Image, error) {
	layerTar, err := layerTar(files)
	if err != nil {
		return nil, err
	}
	var layerOpts []tarball.LayerOption
	if cfg.CompressionLevel != 0 {
		layerOpts = append(layerOpts, tarball.WithCompressionLevel(cfg.CompressionLevel))
	}
	if cfg.OCI {
		layerOpts = append(layerOpts, tarball.WithMediaType(types.OCILayer))
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, layerOpts...)
	if err != nil {
		return nil, fmt.Errorf("making layer: %w", err)
	}
	arch := cfg.Architecture
	if arch == "" {
		arch = runtime.GOARCH
	}
	created := time.Unix(0, 0).UTC()
	if !cfg.Created.IsZero() {
		created = cfg.Created.UTC()
	}
	cf := &v1.ConfigFile{
		Architecture: arch,
		OS:           "linux",
		Config: v1.Config{
			Entrypoint: cfg.Entrypoint,
			Cmd:        cfg.Cmd,
			User:       cfg.User,
			Env:        cfg.Env,
			WorkingDir: cfg.WorkingDir,
			Labels:     cfg.Labels,
		},
		RootFS: v1.RootFS{Type: "layers"},
	}
	if !cfg.Created.IsZero() {
		cf.Created = v1.Time{Time: created}
	}
	base := empty.Image
	if cfg.OCI {
		base = mutate.ConfigMediaType(mutate.MediaType(base, types.OCIManifestSchema1), types.OCIConfigJSON)
	}
	img, err := mutate.ConfigFile(base, cf)
	if err != nil {
		return nil, fmt.Errorf("setting image config: %w", err)
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{CreatedBy: "ocibuild", Created: v1.Time{Time: created}},
	})
	if err != nil {
		return nil, fmt.Errorf("appending layer: %w", err)
	}
	return img, nil
}

// WriteTarball writes img to path as a "docker save" tarball tagged ref,
// e.g. "registry.k8s.io/pause:3.10.2".
func WriteTarball(path, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("parsing image reference %q: %w", ref, err)
	}
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		return fmt.Errorf("writing image tarball %s: %w", path, err)
	}
	return nil
}

// tarMode is the tar header mode of m: permission bits plus setuid, setgid
// and sticky.
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}

func layerTar(files []File) ([]byte, error) {
	entries := map[string]File{}
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "/") || path.Clean(f.Path) != f.Path || f.Path == "/" {
			return nil, fmt.Errorf("adding %q: %w", f.Path, ErrBadPath)
		}
		if _, dup := entries[f.Path]; dup {
			return nil, fmt.Errorf("adding %q: path given twice", f.Path)
		}
		entries[f.Path] = f
	}
	for p := range entries {
		for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
			if _, ok := entries[dir]; !ok {
				entries[dir] = File{Path: dir, Mode: fs.ModeDir | 0o755}
			}
		}
	}
	paths := make([]string, 0, len(entries))
	for p := range entries {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range paths {
		f := entries[p]
		if parent, ok := entries[path.Dir(p)]; ok && !parent.Mode.IsDir() {
			return nil, fmt.Errorf("adding %q: parent is a file", p)
		}
		hdr := &tar.Header{
			Name:    strings.TrimPrefix(p, "/"),
			Mode:    tarMode(f.Mode),
			Uid:     f.UID,
			Gid:     f.GID,
			ModTime: time.Unix(0, 0),
			Format:  tar.FormatPAX,
		}
		switch {
		case f.Mode.IsDir():
			hdr.Typeflag = tar.TypeDir
			hdr.Name += "/"
		case f.Mode&fs.ModeSymlink != 0:
			if f.Link == "" {
				return nil, fmt.Errorf("adding %q: symbolic link without a target", p)
			}
			hdr.Typeflag = tar.TypeSymlink
			hdr.Linkname = f.Link
			hdr.Mode = 0o777
		default:
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(f.Data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("writing layer entry %s: %w", p, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, fmt.Errorf("writing layer entry %s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("closing layer: %w", err)
	}
	return buf.Bytes(), nil
}
