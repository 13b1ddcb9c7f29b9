// Command release builds the release of kubectl-ddebug: the plugin for linux and darwin on
// amd64 and arm64 (static, -trimpath; the Linux ones embed the toolbox of the same
// architecture, built exactly as the image's), one tar.gz per platform with LICENSE,
// README.md and the kubectl_complete-ddebug script, their sha256 sums, and the krew
// manifest filled with the version and the sums. The plugin's default --image is the
// toolbox image of the same version.
//
// With -registry HOST/PATH it also publishes: it builds the multi-arch toolbox and node
// images, pushes them to HOST/PATH/toolbox:<version>[-node] (go-containerregistry, no
// Docker), prints their digests, and pins the plugin's default images by digest
// (repo:tag@sha256:...), so a moved tag cannot change what runs in users' pods.
//
//	go run ./hack/release -version 0.1.0            # make release VERSION=0.1.0
//	go run ./hack/release -version 0.1.0 -registry ghcr.io/kubectl-ddebug   # ... REGISTRY=ghcr.io/kubectl-ddebug
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
)

// PluginName is the plugin's name for krew (kubectl ddebug).
const PluginName = "ddebug"

// DownloadBase is where release archives are published; %s is the version.
const DownloadBase = "https://github.com/kubectl-ddebug/kubectl-ddebug/releases/download/%s"

// Platforms the plugin is released for.
var Platforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"}

const cliPkg = "github.com/kubectl-ddebug/kubectl-ddebug/internal/cli"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

// Options of a release run.
type Options struct {
	Version   string // v-prefixed
	Commit    string
	Image     string
	NodeImage string // "" leaves the plugin's own default (Image's tag with -node)
	// Registry, when set, is where Release publishes the images (HOST/PATH); Image and
	// NodeImage are then the pushed ones, pinned by digest.
	Registry  string
	CABundle  string // PEM bundle the images ship
	Out       string
	ModuleDir string
	Platforms []string
	Template  string // path of the manifest template
	Manifest  string // where to write the filled manifest besides Out ("" = only Out)
	Created   time.Time
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	version := fs.String("version", os.Getenv("VERSION"), "release version x.y.z (required)")
	out := fs.String("out", "dist", "output directory")
	image := fs.String("image", "", "default toolbox image (default "+toolboximage.Repository+":v<version>)")
	platforms := fs.String("platforms", strings.Join(Platforms, ","), "comma-separated os/arch list; the manifest needs all four")
	manifest := fs.String("manifest", "krew-manifest.yaml", "also write the filled krew manifest here (empty: only in -out)")
	tmpl := fs.String("template", "hack/krew-manifest.yaml.tmpl", "krew manifest template")
	registry := fs.String("registry", "", "publish the toolbox and node images to HOST/PATH/toolbox and pin the plugin's defaults by digest (credentials: "+EnvRegistryUser+"/"+EnvRegistryPassword+" or the Docker config)")
	caBundle := fs.String("ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "PEM CA bundle the images ship (with -registry)")
	krewBot := fs.String("krew-bot-template", "", "only write krew-release-bot's .krew.yaml, made from -template, to this path")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *krewBot != "" {
		t, err := os.ReadFile(*tmpl)
		if err != nil {
			return fmt.Errorf("reading manifest template: %w", err)
		}
		data, err := KrewBotTemplate(string(t))
		if err != nil {
			return err
		}
		return os.WriteFile(*krewBot, data, 0o644)
	}
	v, err := normalizeVersion(*version)
	if err != nil {
		return err
	}
	moduleDir, err := toolboximage.ModuleRoot(ctx, ".")
	if err != nil {
		return err
	}
	created := time.Unix(0, 0).UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH=%q: want seconds since 1970", s)
		}
		created = time.Unix(n, 0).UTC()
	}
	o := Options{Version: v, Commit: gitCommit(ctx, moduleDir), Image: *image, Out: *out, ModuleDir: moduleDir,
		Platforms: strings.Split(*platforms, ","), Template: *tmpl, Manifest: *manifest, Created: created,
		Registry: *registry, CABundle: *caBundle}
	if o.Image == "" && o.Registry == "" {
		o.Image = toolboximage.Ref(v)
	}
	if o.Registry != "" && o.Image != "" {
		return errors.New("-image and -registry: the published image is the default; give one")
	}
	res, err := Release(ctx, o)
	if err != nil {
		return err
	}
	if res.Published.Toolbox != "" {
		fmt.Printf("pushed %s\npushed %s\n", res.Published.Toolbox, res.Published.Node)
	}
	for _, a := range res.Archives {
		fmt.Printf("%s  %s\n", a.SHA256, a.Path)
	}
	if res.Manifest != "" {
		fmt.Printf("krew manifest: %s\n", res.Manifest)
	}
	return nil
}

// normalizeVersion accepts x.y.z or vx.y.z and returns vx.y.z.
func normalizeVersion(v string) (string, error) {
	if v == "" {
		return "", errors.New("no version: make release VERSION=x.y.z")
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semVer.MatchString(v) {
		return "", fmt.Errorf("version %q is not x.y.z (semantic versioning)", v)
	}
	return v, nil
}

func gitCommit(ctx context.Context, dir string) string {
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Archive is one released tar.gz.
type Archive struct {
	OS, Arch, Path, SHA256 string
}

// Result is what a release wrote.
type Result struct {
	// Published are the images pushed (with o.Registry), pinned by digest.
	Published Published
	Archives  []Archive
	Checksums string
	Manifest  string // the filled manifest in Out, "" when not every platform was built
}

// Release builds, packs and sums every platform of o, then fills the krew manifest.
func Release(ctx context.Context, o Options) (Result, error) {
	work := filepath.Join(o.Out, "build")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return Result{}, err
	}
	var res Result
	if o.Registry != "" {
		pub, err := Publish(ctx, o)
		if err != nil {
			return Result{}, err
		}
		res.Published = pub
		o.Image, o.NodeImage = pub.Toolbox, pub.Node
	}
	for _, p := range o.Platforms {
		goos, goarch, ok := strings.Cut(p, "/")
		if !ok {
			return Result{}, fmt.Errorf("platform %q is not os/arch", p)
		}
		dir := filepath.Join(work, goos+"_"+goarch)
		plugin, err := buildPlugin(ctx, o, goos, goarch, dir)
		if err != nil {
			return Result{}, err
		}
		name := archiveName(o.Version, goos, goarch)
		files, err := archiveFiles(o.ModuleDir, plugin)
		if err != nil {
			return Result{}, err
		}
		path := filepath.Join(o.Out, name)
		if err := WriteTarGz(path, files, o.Created); err != nil {
			return Result{}, err
		}
		sum, err := fileSHA256(path)
		if err != nil {
			return Result{}, err
		}
		res.Archives = append(res.Archives, Archive{OS: goos, Arch: goarch, Path: path, SHA256: sum})
	}
	sort.Slice(res.Archives, func(i, j int) bool { return res.Archives[i].Path < res.Archives[j].Path })
	var sums strings.Builder
	for _, a := range res.Archives {
		fmt.Fprintf(&sums, "%s  %s\n", a.SHA256, filepath.Base(a.Path))
	}
	res.Checksums = filepath.Join(o.Out, "checksums.txt")
	if err := os.WriteFile(res.Checksums, []byte(sums.String()), 0o644); err != nil {
		return Result{}, err
	}
	if len(res.Archives) != len(Platforms) {
		return res, nil // a partial build has no manifest: krew users need every platform
	}
	tmpl, err := os.ReadFile(filepath.Join(o.ModuleDir, o.Template))
	if err != nil {
		return Result{}, fmt.Errorf("reading manifest template: %w", err)
	}
	d := ManifestData{Version: o.Version, Image: o.Image}
	for _, a := range res.Archives {
		d.Platforms = append(d.Platforms, ManifestPlatform{OS: a.OS, Arch: a.Arch, SHA256: a.SHA256,
			URI: fmt.Sprintf(DownloadBase, o.Version) + "/" + filepath.Base(a.Path)})
	}
	data, err := RenderManifest(string(tmpl), d)
	if err != nil {
		return Result{}, err
	}
	res.Manifest = filepath.Join(o.Out, "krew-manifest.yaml")
	if err := os.WriteFile(res.Manifest, data, 0o644); err != nil {
		return Result{}, err
	}
	if o.Manifest != "" {
		if err := os.WriteFile(filepath.Join(o.ModuleDir, o.Manifest), data, 0o644); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// buildPlugin builds cmd/kubectl-ddebug for goos/goarch into dir; on Linux it first builds
// the toolbox and the launcher of the same architecture and embeds them (tag
// ddebug_embed) through an overlay, so the work tree's internal/sessionbin is never touched.
func buildPlugin(ctx context.Context, o Options, goos, goarch, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	ldflags := fmt.Sprintf("-s -w -buildid= -X %s.Version=%s -X %s.GitCommit=%s -X %s.DefaultImage=%s",
		cliPkg, o.Version, cliPkg, o.Commit, cliPkg, o.Image)
	if o.NodeImage != "" {
		ldflags += fmt.Sprintf(" -X %s.DefaultNodeImage=%s", cliPkg, o.NodeImage)
	}
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + ldflags}
	if goos == "linux" {
		toolbox := filepath.Join(absDir, "ddebug-toolbox")
		if err := toolboximage.Compile(ctx, o.ModuleDir, toolboximage.ToolboxPackage, goarch, toolbox); err != nil {
			return "", err
		}
		launcher := filepath.Join(absDir, "ddebug-launch")
		if err := toolboximage.CompileLauncher(ctx, o.ModuleDir, goarch, launcher); err != nil {
			return "", err
		}
		overlay := filepath.Join(absDir, "overlay.json")
		embedDir := filepath.Join(o.ModuleDir, "internal", "sessionbin")
		if err := os.WriteFile(overlay, fmt.Appendf(nil, `{"Replace":{%q:%q,%q:%q}}`,
			filepath.Join(embedDir, "toolbox.bin"), toolbox, filepath.Join(embedDir, "launch.bin"), launcher), 0o644); err != nil {
			return "", err
		}
		args = append(args, "-tags=ddebug_embed", "-overlay="+overlay)
	}
	out := filepath.Join(absDir, "kubectl-ddebug")
	args = append(args, "-o", out, "./cmd/kubectl-ddebug")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = o.ModuleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build kubectl-ddebug for %s/%s: %w\n%s", goos, goarch, err, b)
	}
	return out, nil
}

func archiveFiles(moduleDir, plugin string) ([]ArchiveFile, error) {
	var files []ArchiveFile
	for _, f := range []struct {
		name, path string
		mode       int64
	}{
		{"kubectl-ddebug", plugin, 0o755},
		{"kubectl_complete-ddebug", filepath.Join(moduleDir, "hack", "kubectl_complete-ddebug"), 0o755},
		{"LICENSE", filepath.Join(moduleDir, "LICENSE"), 0o644},
		{"README.md", filepath.Join(moduleDir, "README.md"), 0o644},
	} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("reading %s for the archive: %w", f.name, err)
		}
		files = append(files, ArchiveFile{Name: f.name, Mode: f.mode, Data: data})
	}
	return files, nil
}

func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
