package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
)

// SizeBudget is the most a pull of the toolbox image may transfer, per architecture.
const SizeBudget = 5 << 20

// BenchmarkImageSize builds the image and reports its compressed size per architecture;
// it fails past SizeBudget (a benchmark, not a test: `make bench` / bench/image-size.sh).
func BenchmarkImageSize(b *testing.B) {
	dir := built(b)
	p, err := layout.FromPath(filepath.Join(dir, "oci"))
	if err != nil {
		b.Fatal(err)
	}
	top, err := p.ImageIndex()
	if err != nil {
		b.Fatal(err)
	}
	tm, err := top.IndexManifest()
	if err != nil || len(tm.Manifests) != 1 {
		b.Fatalf("index.json: %v", err)
	}
	idx, err := top.ImageIndex(tm.Manifests[0].Digest)
	if err != nil {
		b.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		b.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, d := range m.Manifests {
		img, err := idx.Image(d.Digest)
		if err != nil {
			b.Fatal(err)
		}
		n, err := toolboximage.CompressedSize(img)
		if err != nil {
			b.Fatal(err)
		}
		sizes[d.Platform.Architecture] = n
	}
	archs := make([]string, 0, len(sizes))
	for a := range sizes {
		archs = append(archs, a)
	}
	sort.Strings(archs)
	for i := 0; i < b.N; i++ {
		// Nothing to repeat: the numbers are the sizes, reported once below.
	}
	over := false
	for _, a := range archs {
		b.ReportMetric(float64(sizes[a]), "bytes-linux-"+a)
		fmt.Printf("toolbox image linux/%s: %d bytes (%.2f MiB) compressed, budget %.0f MiB\n",
			a, sizes[a], float64(sizes[a])/(1<<20), float64(SizeBudget)/(1<<20))
		if sizes[a] > SizeBudget {
			over = true
		}
	}
	if over {
		b.Fatalf("the toolbox image is over its %d MiB budget (see the sizes above)", SizeBudget>>20)
	}
}
