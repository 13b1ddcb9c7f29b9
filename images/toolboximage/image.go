package toolboximage

import (
	"compress/gzip"
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/ocibuild"
)

// Repository is where released toolbox images are published; the plugin's default
// --image is Repository:<its version>.
const Repository = "ghcr.io/kubectl-ddebug/toolbox"

// Source is the project's home, for the image labels.
const Source = "https://github.com/kubectl-ddebug/kubectl-ddebug"

// Architectures the image is built for (all linux).
var Architectures = []string{"amd64", "arm64"}

// Options say what goes into the image.
type Options struct {
	// Version is the image tag and org.opencontainers.image.version ("v0.1.0", "dev").
	Version string
	// Revision is the git commit, for org.opencontainers.image.revision ("" leaves it out).
	Revision string
	// Created is the fixed creation time (SOURCE_DATE_EPOCH); zero means the Unix epoch.
	Created time.Time
	// Toolbox holds the static toolbox binary per architecture (GOARCH names).
	Toolbox map[string][]byte
	// Names are the applet names and aliases to link.
	Names []string
	// CABundle is the PEM bundle to ship at CABundlePath (empty: none).
	CABundle []byte
}

// Ref is the image reference for version: Repository:version.
func Ref(version string) string {
	if version == "" {
		version = "dev"
	}
	return Repository + ":" + version
}

// Labels are the org.opencontainers.image.* labels of the image.
func Labels(o Options) map[string]string {
	created := o.Created
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	l := map[string]string{
		"org.opencontainers.image.title":         "ddebug toolbox",
		"org.opencontainers.image.description":   "Static shell and inspection tools for debugging distroless and FROM-scratch containers (kubectl ddebug)",
		"org.opencontainers.image.source":        Source,
		"org.opencontainers.image.url":           Source,
		"org.opencontainers.image.documentation": Source + "#readme",
		"org.opencontainers.image.licenses":      "Apache-2.0",
		"org.opencontainers.image.vendor":        "kubectl-ddebug",
		"org.opencontainers.image.version":       o.Version,
		"org.opencontainers.image.created":       created.UTC().Format(time.RFC3339),
		"org.opencontainers.image.base.name":     "scratch",
	}
	if o.Revision != "" {
		l["org.opencontainers.image.revision"] = o.Revision
	}
	return l
}

// ImageConfig is the image configuration for arch: the toolbox as entrypoint, its shell
// as default command, so `docker run IMAGE ls /` runs the ls applet.
func ImageConfig(arch string, o Options) ocibuild.Config {
	return ocibuild.Config{
		Entrypoint:   []string{BinaryPath},
		Cmd:          []string{"sh"},
		Env:          []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		WorkingDir:   "/",
		Labels:       Labels(o),
		Architecture: arch,
		OCI:          true,
		Created:      createdOrEpoch(o.Created),
		// Pulls are what the size budget is about: pay the compression once, here.
		CompressionLevel: gzip.BestCompression,
	}
}

func createdOrEpoch(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return t.UTC()
}

// Image builds the image of one architecture.
func Image(arch string, o Options) (v1.Image, error) {
	bin, ok := o.Toolbox[arch]
	if !ok {
		return nil, fmt.Errorf("no toolbox binary for linux/%s", arch)
	}
	files, err := Files(bin, o.Names, o.CABundle)
	if err != nil {
		return nil, fmt.Errorf("linux/%s: %w", arch, err)
	}
	img, err := ocibuild.Build(files, ImageConfig(arch, o))
	if err != nil {
		return nil, fmt.Errorf("building linux/%s image: %w", arch, err)
	}
	return img, nil
}

// Index builds one image per architecture in o.Toolbox (sorted) and the OCI index over
// them. It returns the images too, by architecture.
func Index(o Options) (v1.ImageIndex, map[string]v1.Image, error) {
	archs := make([]string, 0, len(o.Toolbox))
	for a := range o.Toolbox {
		archs = append(archs, a)
	}
	sort.Strings(archs)
	if len(archs) == 0 {
		return nil, nil, fmt.Errorf("no toolbox binaries")
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	images := map[string]v1.Image{}
	for _, arch := range archs {
		img, err := Image(arch, o)
		if err != nil {
			return nil, nil, err
		}
		images[arch] = img
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
		})
	}
	return idx, images, nil
}

// CompressedSize is what pulling img transfers: its manifest, config and compressed layers.
func CompressedSize(img v1.Image) (int64, error) {
	m, err := img.Manifest()
	if err != nil {
		return 0, fmt.Errorf("reading manifest: %w", err)
	}
	raw, err := img.RawManifest()
	if err != nil {
		return 0, fmt.Errorf("reading manifest: %w", err)
	}
	n := int64(len(raw)) + m.Config.Size
	for _, l := range m.Layers {
		n += l.Size
	}
	return n, nil
}

// platformString is "linux/<arch>".
func platformString(arch string) string { return "linux/" + strings.TrimSpace(arch) }
