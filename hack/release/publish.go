package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	_ "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolbox" // registers every applet
)

// NodeTagSuffix ends the node image's tag (internal/cli.NodeImageSuffix).
const NodeTagSuffix = "-node"

// Environment variables with the registry's credentials (CI: the workflow's token); without
// them the push uses the Docker config's (~/.docker/config.json, credential helpers).
const (
	EnvRegistryUser     = "REGISTRY_USER"
	EnvRegistryPassword = "REGISTRY_PASSWORD"
)

// Published names the images a release pushed, pinned by the digests of their indexes.
type Published struct {
	// Toolbox and Node are repo:tag@sha256:... references.
	Toolbox, Node string
}

// Publish builds the toolbox and the node images for the linux architectures of
// o.Platforms (multi-arch indexes, as images/build makes them), writes their OCI layouts
// under o.Out (image/, image-node/), pushes each index to o.Registry/toolbox with the
// version's tag (the node image's ends in NodeTagSuffix), and returns them pinned by
// digest. No Docker: go-containerregistry's remote.WriteIndex.
func Publish(ctx context.Context, o Options) (Published, error) {
	repo := strings.TrimSuffix(o.Registry, "/") + "/toolbox"
	if _, err := name.NewRepository(repo); err != nil {
		return Published{}, fmt.Errorf("registry %q: %w", o.Registry, err)
	}
	var archs []string
	for _, p := range o.Platforms {
		if goos, arch, _ := strings.Cut(p, "/"); goos == "linux" {
			archs = append(archs, arch)
		}
	}
	if len(archs) == 0 {
		return Published{}, fmt.Errorf("no linux platform among %v: the images are linux only", o.Platforms)
	}
	bundle, err := os.ReadFile(o.CABundle)
	if err != nil {
		return Published{}, fmt.Errorf("reading the CA bundle for the images (apt-get install ca-certificates): %w", err)
	}
	var pub Published
	for _, node := range []bool{false, true} {
		tag, dir := o.Version, "image"
		if node {
			tag, dir = o.Version+NodeTagSuffix, "image-node"
		}
		tmp, err := os.MkdirTemp("", "ddebug-release-image-")
		if err != nil {
			return Published{}, err
		}
		defer os.RemoveAll(tmp)
		var bins map[string][]byte
		if node {
			bins, err = toolboximage.CompileNodeBinaries(ctx, o.ModuleDir, tmp, archs)
		} else {
			bins, err = toolboximage.CompileToolboxes(ctx, o.ModuleDir, tmp, archs)
		}
		if err != nil {
			return Published{}, err
		}
		idx, images, err := toolboximage.Index(toolboximage.Options{Version: tag, Revision: o.Commit, Created: o.Created,
			Toolbox: bins, Names: tools.Names(), CABundle: bundle})
		if err != nil {
			return Published{}, err
		}
		if _, err := toolboximage.Write(filepath.Join(o.Out, dir), toolboximage.Repository+":"+tag, idx, images); err != nil {
			return Published{}, err
		}
		ref, err := pushIndex(ctx, repo+":"+tag, idx)
		if err != nil {
			return Published{}, err
		}
		if node {
			pub.Node = ref
		} else {
			pub.Toolbox = ref
		}
	}
	return pub, nil
}

// pushIndex pushes idx as ref (repo:tag) and returns repo:tag@digest.
func pushIndex(ctx context.Context, ref string, idx v1.ImageIndex) (string, error) {
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("image reference %q: %w", ref, err)
	}
	auth := remote.WithAuthFromKeychain(authn.DefaultKeychain)
	if u, p := os.Getenv(EnvRegistryUser), os.Getenv(EnvRegistryPassword); u != "" || p != "" {
		auth = remote.WithAuth(&authn.Basic{Username: u, Password: p})
	}
	if err := remote.WriteIndex(tag, idx, remote.WithContext(ctx), auth); err != nil {
		return "", fmt.Errorf("pushing %s: %w", ref, err)
	}
	d, err := idx.Digest()
	if err != nil {
		return "", fmt.Errorf("digest of %s: %w", ref, err)
	}
	return ref + "@" + d.String(), nil
}
