package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestKrewBotTemplate fills .krew.yaml as krew-release-bot does (the tag, then per
// addURIAndSha the uri and sha256 lines) and wants the manifest make release renders for
// the same version and archives; and the committed .krew.yaml to be made from the
// current template.
func TestKrewBotTemplate(t *testing.T) {
	got, err := KrewBotTemplate(readTemplate(t))
	if err != nil {
		t.Fatalf("KrewBotTemplate: %v", err)
	}
	committed, err := os.ReadFile("../../.krew.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != string(got) {
		t.Errorf(".krew.yaml is not made from hack/krew-manifest.yaml.tmpl: run make krew-template")
	}

	const tag = "v1.2.3"
	sum := func(url string) string {
		s := sha256.Sum256([]byte(url))
		return hex.EncodeToString(s[:])
	}
	filled := strings.ReplaceAll(string(got), botTag, tag)
	call := regexp.MustCompile(`\{\{ addURIAndSha "([^"]+)" \.TagName \}\}`)
	filled = call.ReplaceAllStringFunc(filled, func(m string) string {
		url := call.FindStringSubmatch(m)[1]
		return fmt.Sprintf("uri: %s\n    sha256: %s", url, sum(url))
	})
	if strings.Contains(filled, "{{") {
		t.Fatalf("left unfilled by the bot:\n%s", filled)
	}
	d := ManifestData{Version: tag, Image: "ghcr.io/kubectl-ddebug/toolbox:" + tag}
	for _, p := range Platforms {
		goos, arch, _ := strings.Cut(p, "/")
		url := fmt.Sprintf(DownloadBase, tag) + "/" + archiveName(tag, goos, arch)
		d.Platforms = append(d.Platforms, ManifestPlatform{OS: goos, Arch: arch, URI: url, SHA256: sum(url)})
	}
	want, err := RenderManifest(readTemplate(t), d)
	if err != nil {
		t.Fatal(err)
	}
	body := filled[strings.Index(filled, "# krew plugin manifest"):]
	if body != string(want) {
		t.Errorf("the bot's manifest differs from make release's:\n--- bot\n%s\n--- make release\n%s", body, want)
	}
}
