package ephemeral

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// pullTrouble is what kept the node from pulling an image, as far as the kubelet's
// message tells.
type pullTrouble int

const (
	pullOther        pullTrouble = iota
	pullNotFound                 // the registry has no such repository or tag
	pullUnauthorized             // the registry wants credentials the node did not send
	pullDenied                   // "pull access denied": no such repository, or credentials needed
	pullUntrusted                // the node does not trust the registry's certificate
	pullUnreachable              // the node cannot reach the registry
	pullNever                    // pull policy Never and the image is not on the node
	pullInvalidName              // not an image reference
)

// classifyPull reads the kubelet's reason and message of a failed pull.
func classifyPull(reason, msg string) pullTrouble {
	l := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
	switch {
	case reason == "ErrImageNeverPull" || has("pull policy of never"):
		return pullNever
	case reason == "InvalidImageName" || has("invalid reference format", "couldn't parse image"):
		return pullInvalidName
	case has("x509:", "certificate signed by unknown authority", "tls: failed to verify"):
		return pullUntrusted
	case has("no basic auth credentials"): // containerd: a Basic challenge, and no secret gave a password
		return pullUnauthorized
	case has("pull access denied"):
		return pullDenied
	case has("401 unauthorized", "unauthorized", "authorization failed", "authentication required", "403 forbidden", "denied:"):
		return pullUnauthorized
	case has(": not found", "manifest unknown", "name unknown", "404 not found"):
		return pullNotFound
	case has("dial tcp", "no such host", "i/o timeout", "connection refused", "network is unreachable",
		"no route to host", "tls handshake timeout", "context deadline exceeded", "connection reset"):
		return pullUnreachable
	}
	return pullOther
}

// registryOf is the registry host of an image reference, as the container runtimes read
// it: the first path element when it looks like a host, else Docker Hub.
func registryOf(image string) string {
	first, rest, ok := strings.Cut(image, "/")
	if ok && rest != "" && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// registryAnswer is the end of the kubelet's message that the registry (or the network)
// said, without the layers of "failed to pull ... image X:" around it.
func registryAnswer(image, msg string) string {
	msg = strings.TrimSpace(msg)
	// The repository alone: runtimes name a pinned image by repo@digest or repo:tag.
	repo, _, _ := strings.Cut(image, "@")
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	for _, sep := range []string{`": `, `: `} {
		if i := strings.LastIndex(msg, repo); i >= 0 {
			after := msg[i+len(repo):]
			// Skip the rest of the reference (":tag", "@sha256:...") up to the separator.
			if j := strings.Index(after, sep); j >= 0 && !strings.ContainsAny(after[:j], " ") {
				if a := strings.TrimSpace(after[j+len(sep):]); a != "" {
					// containerd's own layer, when it did not repeat the reference.
					return strings.TrimPrefix(a, "failed to resolve image: ")
				}
			}
		}
	}
	return msg
}

// pullSite says where an image failed to pull: who runs it ("debug container X"), in which
// pod, whether ddebug made that pod (its pull secrets are then none of the user's), and
// the plugin's flag that chooses the image.
type pullSite struct {
	who  string
	pod  *corev1.Pod
	made bool
	flag string
}

// pullFailure explains why the node could not pull image at site, after the kubelet's
// reason and message, and what fixes it.
func pullFailure(site pullSite, image, reason, msg string) *Error {
	reg := registryOf(image)
	answer := registryAnswer(image, msg)
	e := &Error{Kind: ErrImagePull}
	what := fmt.Sprintf("the node cannot pull image %s for %s", image, site.who)
	var credentials string
	switch {
	case site.made:
		credentials = fmt.Sprintf("ddebug's own pods pull without imagePullSecrets: pass %s with an image the node can pull without credentials, "+
			"or give the node's runtime credentials for %s", site.flag, reg)
	default:
		secrets := "this pod has none"
		if site.pod != nil && len(site.pod.Spec.ImagePullSecrets) > 0 {
			names := make([]string, 0, len(site.pod.Spec.ImagePullSecrets))
			for _, s := range site.pod.Spec.ImagePullSecrets {
				names = append(names, s.Name)
			}
			secrets = "none of this pod's (" + strings.Join(names, ", ") + ") holds them"
		}
		credentials = fmt.Sprintf("the node pulls with the pod's imagePullSecrets, and %s: put %s's credentials in a secret the pod names "+
			"(kubectl create secret docker-registry NAME --docker-server=%s; a running pod's list cannot change), "+
			"or pass %s with an image the node can pull without them", secrets, reg, reg, site.flag)
	}
	switch classifyPull(reason, msg) {
	case pullNotFound:
		e.Msg = fmt.Sprintf("%s: %s has no such image (the registry answered: %s)", what, reg, answer)
		e.Advice = fmt.Sprintf("check the name and tag, or pass %s with an image that exists ('kubectl ddebug version' prints this plugin's default)", site.flag)
	case pullDenied:
		e.Msg = fmt.Sprintf("%s: %s has no such repository, or wants credentials (the registry answered: %s)", what, reg, answer)
		e.Advice = "check the name; if the image exists, " + credentials
	case pullUnauthorized:
		e.Msg = fmt.Sprintf("%s: %s wants credentials (the registry answered: %s)", what, reg, answer)
		e.Advice = credentials
	case pullUntrusted:
		e.Msg = fmt.Sprintf("%s: the node does not trust the certificate of %s (%s)", what, reg, answer)
		e.Advice = fmt.Sprintf("give the node's runtime the registry's CA (containerd: ca in /etc/containerd/certs.d/%s/hosts.toml), or pass %s with an image from a registry it trusts", reg, site.flag)
	case pullUnreachable:
		e.Msg = fmt.Sprintf("%s: the node cannot reach %s (%s)", what, reg, answer)
		e.Advice = fmt.Sprintf("copy the image to a registry the node reaches and pass %s, or point the runtime at a mirror of %s (containerd: /etc/containerd/certs.d/%s/hosts.toml)", site.flag, reg, reg)
	case pullNever:
		e.Msg = fmt.Sprintf("%s: it is not present on the node and the pull policy is Never", what)
		e.Advice = "use --image-pull-policy=IfNotPresent, or load the image on the node first"
	case pullInvalidName:
		e.Msg = fmt.Sprintf("%s: %q is not a valid image reference (%s)", what, image, answer)
		e.Advice = fmt.Sprintf("pass %s as REGISTRY/REPOSITORY:TAG or REPOSITORY@sha256:DIGEST", site.flag)
	default:
		e.Msg = fmt.Sprintf("%s: %s", what, answer)
		e.Advice = fmt.Sprintf("check %s (the default is the toolbox image of this plugin version), or load the image on the node and use --image-pull-policy=IfNotPresent", site.flag)
	}
	return e
}
