package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/kubectl-ddebug/kubectl-ddebug/images/toolboximage"
)

// What krew-release-bot (the release workflow's last step) fills in a .krew.yaml: the tag,
// and per platform the archive's uri and sha256 lines, which its addURIAndSha writes
// after downloading the archive from the GitHub release.
const (
	botTag    = "{{ .TagName }}"
	botSHA256 = "KREW_RELEASE_BOT_SHA256"
)

// KrewBotTemplate turns the manifest template (hack/krew-manifest.yaml.tmpl) into the
// .krew.yaml that krew-release-bot reads, so both describe the same plugin.
func KrewBotTemplate(tmpl string) ([]byte, error) {
	d := ManifestData{Version: botTag, Image: toolboximage.Repository + ":" + botTag}
	for _, p := range Platforms {
		goos, arch, _ := strings.Cut(p, "/")
		url := fmt.Sprintf(DownloadBase, botTag) + "/" + archiveName(botTag, goos, arch)
		d.Platforms = append(d.Platforms, ManifestPlatform{OS: goos, Arch: arch,
			URI: fmt.Sprintf("{{ addURIAndSha %q .TagName }}", url), SHA256: botSHA256})
	}
	t, err := template.New("krew-manifest").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("parsing manifest template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("filling manifest template: %w", err)
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		switch {
		case strings.TrimSpace(line) == "sha256: "+botSHA256:
			continue // addURIAndSha writes both lines
		case strings.Contains(line, "uri: {{ addURIAndSha"):
			line = strings.Replace(line, "uri: {{ addURIAndSha", "{{ addURIAndSha", 1)
		}
		out.WriteString(line)
	}
	if strings.Count(out.String(), "addURIAndSha") != len(Platforms) {
		return nil, fmt.Errorf("the template's platforms do not read uri: {{ .URI }} then sha256: {{ .SHA256 }}")
	}
	header := "# krew-release-bot's template (.krew.yaml), made by `make krew-template` from\n" +
		"# hack/krew-manifest.yaml.tmpl: edit that, not this file.\n"
	return []byte(header + out.String()), nil
}

// archiveName is the release archive of the plugin for goos/goarch.
func archiveName(version, goos, goarch string) string {
	return fmt.Sprintf("kubectl-ddebug_%s_%s_%s.tar.gz", version, goos, goarch)
}
