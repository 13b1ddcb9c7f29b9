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
)

// ErrBadPath is returned for a file path that is not absolute and clean.
var ErrBadPath = errors.New("image path must be absolute and clean")

// File is one entry of the image's only layer.
type File struct {
	// Path is where the entry appears in the image, e.g. "/app".
	Path string
	// Mode holds the permission bits; with fs.ModeDir the entry is a
	// directory and Data is ignored.
	Mode fs.FileMode
	// Data is the content of a regular file.
	Data []byte
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
}

// Build returns a linux image holding files in one layer, with cfg as its
// configuration. Missing parent directories are added (mode 0755), and
// the layer is reproducible: entries are sorted and carry no timestamps.
func Build(files []File, cfg Config) (v1.Image, error) {
	layerTar, err := layerTar(files)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("making layer: %w", err)
	}
	arch := cfg.Architecture
	if arch == "" {
		arch = runtime.GOARCH
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
	img, err := mutate.ConfigFile(empty.Image, cf)
	if err != nil {
		return nil, fmt.Errorf("setting image config: %w", err)
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{CreatedBy: "ocibuild", Created: v1.Time{Time: time.Unix(0, 0).UTC()}},
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
			Mode:    int64(f.Mode.Perm()),
			Uid:     f.UID,
			Gid:     f.GID,
			ModTime: time.Unix(0, 0),
			Format:  tar.FormatPAX,
		}
		if f.Mode.IsDir() {
			hdr.Typeflag = tar.TypeDir
			hdr.Name += "/"
		} else {
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(f.Data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("writing layer entry %s: %w", p, err)
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
