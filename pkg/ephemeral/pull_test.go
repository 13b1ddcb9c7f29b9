package ephemeral

import (
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// Messages as the kubelet reports them from containerd 2.x (the e2e suite sees the same
// against a real registry: test/e2e/kube/registry_test.go).
const (
	msgNotFound = `failed to pull and unpack image "ghcr.io/kubectl-ddebug/toolbox:nope": failed to resolve image: ghcr.io/kubectl-ddebug/toolbox:nope: not found`
	msgBasic401 = `failed to pull and unpack image "127.0.0.1:16445/private/toolbox:dev": failed to resolve image: unexpected status from HEAD request to https://127.0.0.1:16445/v2/private/toolbox/manifests/dev: 401 Unauthorized`
	msgNoCreds  = `failed to pull and unpack image "127.0.0.1:16445/private/toolbox:dev": failed to resolve reference "127.0.0.1:16445/private/toolbox:dev": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`
	msgDenied   = `failed to pull and unpack image "docker.io/library/nope:1": failed to resolve reference "docker.io/library/nope:1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`
	msgX509     = `failed to pull and unpack image "r.example/tb:1": failed to resolve reference "r.example/tb:1": failed to do request: Head "https://r.example/v2/tb/manifests/1": tls: failed to verify certificate: x509: certificate signed by unknown authority`
	msgDNS      = `failed to pull and unpack image "r.example/tb:1": failed to resolve reference "r.example/tb:1": failed to do request: Head "https://r.example/v2/tb/manifests/1": dial tcp: lookup r.example on 10.0.0.2:53: no such host`
	msgPinned   = `failed to pull and unpack image "ghcr.io/kubectl-ddebug/toolbox@sha256:0123": failed to resolve image: ghcr.io/kubectl-ddebug/toolbox@sha256:0123: not found`
)

func TestPullFailure(t *testing.T) {
	withSecret := &corev1.Pod{Spec: corev1.PodSpec{ImagePullSecrets: []corev1.LocalObjectReference{{Name: "regcred"}}}}
	ephemeral := func(pod *corev1.Pod) pullSite {
		return pullSite{who: "debug container ddebug-x", pod: pod, flag: "--image"}
	}
	node := pullSite{who: "container ddebug of node pod p", made: true, flag: "--node-image"}
	tests := []struct {
		name, image, reason, msg string
		site                     pullSite
		want, advice             []string
	}{
		{"tag that does not exist", "ghcr.io/kubectl-ddebug/toolbox:nope", "ErrImagePull", msgNotFound, ephemeral(nil),
			[]string{"image ghcr.io/kubectl-ddebug/toolbox:nope", "ghcr.io has no such image", "the registry answered: not found)"},
			[]string{"--image", "kubectl ddebug version"}},
		{"digest that does not exist", "ghcr.io/kubectl-ddebug/toolbox:v1@sha256:0123", "ErrImagePull", msgPinned, ephemeral(nil),
			[]string{"ghcr.io has no such image", "answered: not found)"}, []string{"--image"}},
		{"registry that wants a password, pod without secrets", "127.0.0.1:16445/private/toolbox:dev", "Failed", "Failed to pull image \"127.0.0.1:16445/private/toolbox:dev\": " + msgBasic401, ephemeral(nil),
			[]string{"127.0.0.1:16445 wants credentials", "answered: unexpected status from HEAD request to https://127.0.0.1:16445/v2/private/toolbox/manifests/dev: 401 Unauthorized)"},
			[]string{"imagePullSecrets", "this pod has none", "kubectl create secret docker-registry NAME --docker-server=127.0.0.1:16445", "--image"}},
		{"registry that wants a password, pod with a secret", "127.0.0.1:16445/private/toolbox:dev", "ErrImagePull", msgBasic401, ephemeral(withSecret),
			[]string{"wants credentials"}, []string{"none of this pod's (regcred) holds them"}},
		{"node pod: no secrets of the user's", "127.0.0.1:16445/private/toolbox:dev-node", "ErrImagePull", msgBasic401, node,
			[]string{"for container ddebug of node pod p", "wants credentials"}, []string{"--node-image", "without imagePullSecrets"}},
		{"basic auth challenge, no credentials", "127.0.0.1:16445/private/toolbox:dev", "ErrImagePull", msgNoCreds, ephemeral(nil),
			[]string{"127.0.0.1:16445 wants credentials", "answered: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials)"},
			[]string{"this pod has none", "--docker-server=127.0.0.1:16445"}},
		{"pull access denied", "nope:1", "ErrImagePull", msgDenied, ephemeral(nil),
			[]string{"docker.io has no such repository, or wants credentials", "answered: pull access denied"}, []string{"check the name", "imagePullSecrets"}},
		{"untrusted certificate", "r.example/tb:1", "ErrImagePull", msgX509, ephemeral(nil),
			[]string{"does not trust the certificate of r.example", "x509"}, []string{"certs.d/r.example/hosts.toml", "--image"}},
		{"unreachable registry", "r.example/tb:1", "ErrImagePull", msgDNS, ephemeral(nil),
			[]string{"cannot reach r.example", "no such host"}, []string{"mirror", "--image"}},
		{"never pull", "tb:1", "ErrImageNeverPull", `Container image "tb:1" is not present with pull policy of Never`, ephemeral(nil),
			[]string{"not present on the node", "Never"}, []string{"--image-pull-policy=IfNotPresent"}},
		{"invalid name", "Tb:1", "InvalidImageName", `Failed to apply default image tag "Tb:1": couldn't parse image name "Tb:1": invalid reference format`, ephemeral(nil),
			[]string{`"Tb:1" is not a valid image reference`}, []string{"--image as REGISTRY/REPOSITORY:TAG"}},
		{"anything else", "tb:1", "ErrImagePull", "rpc error: something new", ephemeral(nil),
			[]string{"cannot pull image tb:1", "something new"}, []string{"check --image"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := failure(ErrImagePull, tt.site, tt.image, tt.reason, tt.msg)
			if !errors.Is(err, ErrImagePull) {
				t.Fatalf("err = %v, want ErrImagePull", err)
			}
			var e *Error
			errors.As(err, &e)
			for _, w := range tt.want {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("message %q\nlacks %q", e.Msg, w)
				}
			}
			for _, w := range tt.advice {
				if !strings.Contains(e.Advice, w) {
					t.Errorf("advice %q\nlacks %q", e.Advice, w)
				}
			}
		})
	}
}

func TestRegistryOf(t *testing.T) {
	for image, want := range map[string]string{
		"ghcr.io/kubectl-ddebug/toolbox:v1": "ghcr.io",
		"127.0.0.1:5000/tb:1":               "127.0.0.1:5000",
		"localhost/tb":                      "localhost",
		"busybox":                           "docker.io",
		"library/busybox:1":                 "docker.io",
	} {
		if got := registryOf(image); got != want {
			t.Errorf("registryOf(%q) = %q, want %q", image, got, want)
		}
	}
}
