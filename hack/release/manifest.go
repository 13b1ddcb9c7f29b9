package main

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	yaml "go.yaml.in/yaml/v3"
)

// The krew manifest types, as krew's pkg/index declares them (sigs.k8s.io/krew is not
// served by the module proxy, so its validation package cannot be imported).
type (
	// Plugin is a krew plugin manifest.
	Plugin struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Metadata   Metadata   `yaml:"metadata"`
		Spec       PluginSpec `yaml:"spec"`
	}
	// Metadata is the part of ObjectMeta a manifest uses.
	Metadata struct {
		Name string `yaml:"name"`
	}
	// PluginSpec is the plugin's description and platforms.
	PluginSpec struct {
		Version          string     `yaml:"version"`
		ShortDescription string     `yaml:"shortDescription"`
		Description      string     `yaml:"description"`
		Caveats          string     `yaml:"caveats"`
		Homepage         string     `yaml:"homepage"`
		Platforms        []Platform `yaml:"platforms"`
	}
	// Platform is one archive and how it installs.
	Platform struct {
		URI      string          `yaml:"uri"`
		Sha256   string          `yaml:"sha256"`
		Selector *Selector       `yaml:"selector"`
		Files    []FileOperation `yaml:"files"`
		License  string          `yaml:"license"`
		Bin      string          `yaml:"bin"`
	}
	// Selector is a metav1.LabelSelector over the labels os and arch.
	Selector struct {
		MatchLabels      map[string]string `yaml:"matchLabels"`
		MatchExpressions []Requirement     `yaml:"matchExpressions"`
	}
	// Requirement is a metav1.LabelSelectorRequirement.
	Requirement struct {
		Key      string   `yaml:"key"`
		Operator string   `yaml:"operator"`
		Values   []string `yaml:"values"`
	}
	// FileOperation copies files from the archive into the install directory.
	FileOperation struct {
		From string `yaml:"from"`
		To   string `yaml:"to"`
	}
)

// Krew's constants and the platforms its manifest validator knows.
const (
	krewAPIVersion = "krew.googlecontainertools.github.com/v1alpha2"
	krewKind       = "Plugin"
)

var (
	safePluginName = regexp.MustCompile(`^[\w-]+$`)
	validSHA256    = regexp.MustCompile(`^[a-f0-9]{64}$`)
	// semVer is semver 2.0 with krew's mandatory leading v.
	semVer           = regexp.MustCompile(`^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)
	windowsForbidden = []string{"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5",
		"COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"}
	krewPlatforms = [][2]string{{"windows", "386"}, {"windows", "amd64"}, {"windows", "arm64"},
		{"linux", "386"}, {"linux", "amd64"}, {"linux", "arm"}, {"linux", "arm64"}, {"linux", "ppc64le"}, {"linux", "s390x"},
		{"darwin", "amd64"}, {"darwin", "arm64"}}
)

// DecodeManifest parses a manifest strictly: an unknown or misspelled field is an error
// (krew would silently ignore it and, say, install without a license file).
func DecodeManifest(data []byte) (Plugin, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Plugin
	if err := dec.Decode(&p); err != nil {
		return Plugin{}, fmt.Errorf("decoding krew manifest: %w", err)
	}
	var extra any
	if err := dec.Decode(&extra); err == nil {
		return Plugin{}, errors.New("decoding krew manifest: more than one YAML document")
	}
	return p, nil
}

// ValidateManifest applies krew's rules (pkg/index/validation.ValidatePlugin and
// cmd/validate-krew-manifest): apiVersion and kind, a safe name equal to name, a short
// description, a v-prefixed semver version, and per platform a URI, a sha256, a bin,
// file operations and a selector on os/arch that matches a platform krew knows, no two
// platforms matching the same one; plus its line-length limits.
func ValidateManifest(name string, p Plugin) error {
	if p.APIVersion != krewAPIVersion {
		return fmt.Errorf("apiVersion %q is not %q", p.APIVersion, krewAPIVersion)
	}
	if p.Kind != krewKind {
		return fmt.Errorf("kind %q is not %q", p.Kind, krewKind)
	}
	if !isSafePluginName(name) {
		return fmt.Errorf("plugin name %q is not allowed, must match %s", name, safePluginName)
	}
	if p.Metadata.Name != name {
		return fmt.Errorf("plugin should be named %q, not %q", name, p.Metadata.Name)
	}
	s := p.Spec
	if s.ShortDescription == "" {
		return errors.New("should have a short description")
	}
	if strings.Contains(strings.TrimSpace(s.ShortDescription), "\n") {
		return errors.New("shortDescription must be one line")
	}
	for field, text := range map[string]string{"shortDescription": s.ShortDescription, "description": s.Description, "caveats": s.Caveats} {
		limit := 80
		if field == "shortDescription" {
			limit = 70
		}
		if err := checkLineLength(text, limit); err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
	}
	if s.Version == "" {
		return errors.New("should have a version specified")
	}
	if !semVer.MatchString(s.Version) {
		return fmt.Errorf("version %q is not a semantic version with a leading v (v1.2.3)", s.Version)
	}
	if len(s.Platforms) == 0 {
		return errors.New("should have a platform specified")
	}
	for i, pl := range s.Platforms {
		if err := validatePlatform(pl); err != nil {
			return fmt.Errorf("platforms[%d]: %w", i, err)
		}
		if os, _ := matchAnyPlatform(pl.Selector); os == "" {
			return fmt.Errorf("platforms[%d]: selector matches no platform krew supports", i)
		}
	}
	for _, osArch := range krewPlatforms {
		var matched []int
		for i, pl := range s.Platforms {
			if pl.Selector.matches(osArch[0], osArch[1]) {
				matched = append(matched, i)
			}
		}
		if len(matched) > 1 {
			return fmt.Errorf("platforms %v all select os=%s arch=%s", matched, osArch[0], osArch[1])
		}
	}
	return nil
}

func isSafePluginName(name string) bool {
	if !safePluginName.MatchString(name) {
		return false
	}
	for _, f := range windowsForbidden {
		if strings.EqualFold(f, name) {
			return false
		}
	}
	return true
}

func validatePlatform(p Platform) error {
	switch {
	case p.URI == "":
		return errors.New("URI has to be set")
	case p.Sha256 == "":
		return errors.New("sha256 sum has to be set")
	case !validSHA256.MatchString(p.Sha256):
		return fmt.Errorf("sha256 value %q is not 64 lowercase hex digits", p.Sha256)
	case p.Bin == "":
		return errors.New("bin has to be set")
	case len(p.Files) == 0:
		return errors.New("can't have a plugin without specifying file operations")
	}
	return validateSelector(p.Selector)
}

func validateSelector(sel *Selector) error {
	if sel == nil {
		return errors.New("nil selector is not supported")
	}
	if sel.MatchLabels == nil && len(sel.MatchExpressions) == 0 {
		return errors.New("empty selector is not supported")
	}
	if sel.MatchLabels != nil && len(sel.MatchLabels) == 0 {
		return errors.New("matchLabels specified but empty")
	}
	if sel.MatchExpressions != nil && len(sel.MatchExpressions) == 0 {
		return errors.New("matchExpressions specified but empty")
	}
	keys := []string{}
	for k := range sel.MatchLabels {
		keys = append(keys, k)
	}
	for _, e := range sel.MatchExpressions {
		keys = append(keys, e.Key)
		switch e.Operator {
		case "In", "NotIn":
			if len(e.Values) == 0 {
				return fmt.Errorf("operator %s on %q needs values", e.Operator, e.Key)
			}
		case "Exists", "DoesNotExist":
			if len(e.Values) != 0 {
				return fmt.Errorf("operator %s on %q takes no values", e.Operator, e.Key)
			}
		default:
			return fmt.Errorf("operator %q is not a label selector operator", e.Operator)
		}
	}
	for _, k := range keys {
		if k != "os" && k != "arch" {
			return fmt.Errorf("selector key %q not supported (only os and arch)", k)
		}
	}
	return nil
}

// matches evaluates the selector on the labels os and arch, as metav1's selectors do.
func (sel *Selector) matches(os, arch string) bool {
	if sel == nil {
		return false
	}
	labels := map[string]string{"os": os, "arch": arch}
	for k, v := range sel.MatchLabels {
		if labels[k] != v {
			return false
		}
	}
	for _, e := range sel.MatchExpressions {
		v, has := labels[e.Key]
		in := false
		for _, x := range e.Values {
			in = in || x == v
		}
		switch e.Operator {
		case "In":
			if !has || !in {
				return false
			}
		case "NotIn":
			if has && in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		}
	}
	return true
}

func matchAnyPlatform(sel *Selector) (string, string) {
	for _, p := range krewPlatforms {
		if sel.matches(p[0], p[1]) {
			return p[0], p[1]
		}
	}
	return "", ""
}

// checkLineLength allows lines over limit only when they are one word (a URL).
func checkLineLength(s string, limit int) error {
	for _, line := range strings.Split(s, "\n") {
		if len(line) > limit && strings.Contains(strings.TrimSpace(line), " ") {
			return fmt.Errorf("line longer than %d characters: %q", limit, line)
		}
	}
	return nil
}

// ManifestData fills the template.
type ManifestData struct {
	Version   string
	Image     string
	Platforms []ManifestPlatform
}

// ManifestPlatform is one archive of the release.
type ManifestPlatform struct {
	OS, Arch, URI, SHA256 string
}

// RenderManifest fills the manifest template and checks the result.
func RenderManifest(tmpl string, d ManifestData) ([]byte, error) {
	t, err := template.New("krew-manifest").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("parsing manifest template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("filling manifest template: %w", err)
	}
	p, err := DecodeManifest(b.Bytes())
	if err != nil {
		return nil, err
	}
	if err := ValidateManifest(PluginName, p); err != nil {
		return nil, fmt.Errorf("the filled manifest is not valid for krew: %w", err)
	}
	return b.Bytes(), nil
}
