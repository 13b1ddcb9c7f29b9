# kubectl-ddebug. `make install` builds and installs the binary; `make test` runs every
# test (as root: the end-to-end suites enter namespaces and run real Docker and Kubernetes).
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
export CGO_ENABLED := 0
export GOFLAGS := -mod=mod

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
IMAGE   ?= ghcr.io/kubectl-ddebug/toolbox:$(VERSION)
PREFIX  ?= /usr/local
LDFLAGS := -s -w \
	-X github.com/kubectl-ddebug/kubectl-ddebug/internal/cli.Version=$(VERSION) \
	-X github.com/kubectl-ddebug/kubectl-ddebug/internal/cli.GitCommit=$(COMMIT) \
	-X github.com/kubectl-ddebug/kubectl-ddebug/internal/cli.DefaultImage=$(IMAGE)
GO_BUILD := go build -trimpath -ldflags '$(LDFLAGS)'
# The launcher is entered without the Go runtime where it has an entry for that
# (cmd/ddebug-launch; images/toolboximage.LauncherEntry says the same for releases).
LAUNCH_LDFLAGS := $(if $(filter amd64 arm64,$(shell go env GOARCH)),-E github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry)

.PHONY: image image-node release krew-template all build install uninstall demo test unit conformance e2e e2e-docker e2e-cluster cluster-up cluster-down bench bench-cluster vet fmt clean

all: build

# The toolbox is built first and embedded: a session copies it into a sealed memfd, and a
# 10 MB toolbox copies in a fraction of the time the 70 MB plugin would. So is the 2 MB
# launcher that starts the session in the target (nsenter.Launch).
# bin/kubectl-ddebug is the whole product (it answers to ddebug too); bin/ddebug is the host
# command line built lean (cmd/ddebug, tags ddebug_host ddebug_lean): it resolves docker://,
# pid:// and containerd:// of a container's ID or name itself (see README, "The lean
# ddebug") and hands every other command line to kubectl-ddebug beside it, since
# the initialisation of the Kubernetes, containerd and CRI clients and of the applets would
# cost `ddebug exec` more than entering the container does.
build:
	$(GO_BUILD) -tags nethttpomithttp2 -o bin/ddebug-toolbox ./cmd/ddebug-toolbox
	cp bin/ddebug-toolbox internal/sessionbin/toolbox.bin
	go build -trimpath -ldflags '-s -w $(LAUNCH_LDFLAGS)' -o bin/ddebug-launch ./cmd/ddebug-launch
	cp bin/ddebug-launch internal/sessionbin/launch.bin
	$(GO_BUILD) -tags ddebug_embed -o bin/kubectl-ddebug ./cmd/kubectl-ddebug
	$(GO_BUILD) -tags 'ddebug_embed ddebug_host ddebug_lean' -o bin/ddebug ./cmd/ddebug

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 bin/kubectl-ddebug $(DESTDIR)$(PREFIX)/bin/kubectl-ddebug
	install -m 0755 bin/ddebug $(DESTDIR)$(PREFIX)/bin/ddebug
	install -m 0755 hack/kubectl_complete-ddebug $(DESTDIR)$(PREFIX)/bin/kubectl_complete-ddebug
	@echo "installed $(DESTDIR)$(PREFIX)/bin/kubectl-ddebug and ddebug"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kubectl-ddebug $(DESTDIR)$(PREFIX)/bin/ddebug $(DESTDIR)$(PREFIX)/bin/kubectl_complete-ddebug

# The toolbox image, daemonless and reproducible: OCI layout + docker-loadable tarballs,
# linux/amd64 and linux/arm64, in images/out.
image:
	go run ./images/build -version $(VERSION) -out images/out

# The node image of kubectl ddebug node/NAME: the same tree around the binary that also
# holds ddebug's host command line, in images/out-node (tag $(VERSION)-node).
image-node:
	go run ./images/build -node -version $(VERSION) -out images/out-node

# make release VERSION=x.y.z: the plugin for linux/darwin x amd64/arm64, archives, sums,
# the krew manifest, and the image of the same version, in dist/.
# make release VERSION=x.y.z REGISTRY=host/path also publishes: it pushes the multi-arch
# toolbox and node images to REGISTRY/toolbox:vx.y.z[-node] (no Docker; credentials from
# REGISTRY_USER and REGISTRY_PASSWORD, else the Docker config), prints their digests, and
# the plugins it builds pin their default images by digest (repo:tag@sha256:...).
REGISTRY ?=
release:
	@test "$(origin VERSION)" = "command line" || { echo "usage: make release VERSION=x.y.z [REGISTRY=host/path]"; exit 1; }
ifeq ($(REGISTRY),)
	go run ./hack/release -version $(VERSION) -out dist
	go run ./images/build -version $(VERSION) -out dist/image
	go run ./images/build -node -version $(VERSION) -out dist/image-node
else
	go run ./hack/release -version $(VERSION) -out dist -registry $(REGISTRY)
endif

# .krew.yaml, the manifest template krew-release-bot fills on a release tag, made from
# hack/krew-manifest.yaml.tmpl (hack/release's test keeps the two in step).
krew-template:
	go run ./hack/release -krew-bot-template .krew.yaml

# A distroless-like demo container: a static Go program FROM scratch, no shell, no ls.
demo:
	@docker info >/dev/null 2>&1 || { command -v dockerd >/dev/null || { echo "make demo needs Docker: apt-get install docker.io"; exit 1; }; \
		echo "starting dockerd (log: /tmp/ddebug-demo-dockerd.log)"; (dockerd >/tmp/ddebug-demo-dockerd.log 2>&1 &); \
		for i in $$(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done; }
	rm -rf _output/demo && mkdir -p _output/demo
	go build -o _output/demo/app ./test/e2e/targetapp
	printf 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n' > _output/demo/Dockerfile
	docker build -q -t ddebug-demo _output/demo
	docker rm -f ddebug-demo >/dev/null 2>&1 || true
	docker run -d --name ddebug-demo ddebug-demo -listen :8080 -child
	@echo "now: sudo ddebug exec ddebug-demo"

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	go vet ./...
	go vet -tags e2e ./test/...
	go vet -tags ddebug_host ./internal/cli ./cmd/...
	go vet -tags 'ddebug_host ddebug_lean' ./internal/cli ./cmd/ddebug
	GOOS=darwin GOARCH=arm64 go build -o /dev/null ./cmd/kubectl-ddebug

# One package at a time: several tests (namespaces, chroots with a /proc, the cluster's
# network namespace) change the mount table that the toolbox's golden tests compare.
# Then the lean ddebug's own build (its tags): what it hands to kubectl-ddebug, and how.
unit:
	go test -p 1 -count=1 ./...
	go test -p 1 -count=1 -tags 'ddebug_host ddebug_lean' ./internal/cli

test: vet unit conformance e2e

# BusyBox's own testsuites (the applet testsuite, the ash tests) against the toolbox, run
# the way BusyBox runs them on itself: per-applet and per-area scores, then the two lines
# of the table. Fails on a failing case test/conformance/known-failures does not list, or
# a score below test/conformance/floor. The suites are fetched (Debian's busybox source
# package), never committed: test/conformance/run.sh says how.
conformance: build
	test/conformance/run.sh bin/ddebug-toolbox

e2e: e2e-docker e2e-cluster

e2e-docker: build
	DDEBUG_E2E_BIN=$(CURDIR)/bin/ddebug go test -tags e2e -count=1 -timeout 20m ./test/e2e/

# A real single-node Kubernetes built from Go modules (test/cluster/README.md): up, the
# cluster and Kubernetes-face suites, down (also on failure).
E2E_KUBE_PKGS ?= $(wildcard ./test/e2e/kube)
# It also runs the cluster benchmarks (test/e2e/kube/bench_test.go, fanout_test.go, about
# a minute) and prints their tables; a missed target is reported, not failed (timings of a
# shared CI machine), except under make bench-cluster. DDEBUG_E2E_BENCH=0 leaves them out.
DDEBUG_E2E_BENCH ?= report
e2e-cluster: build
	DDEBUG_E2E_BENCH=$(DDEBUG_E2E_BENCH) DDEBUG_E2E_PKGS="$(E2E_KUBE_PKGS)" test/cluster/e2e.sh $(E2E_FLAGS)

cluster-up:
	test/cluster/up.sh

cluster-down:
	test/cluster/down.sh

bench: build
	bench/exec.sh
	bench/goinstall.sh
	bench/toolbox.sh
	bench/plugin-start.sh
	bench/image-size.sh
	$(MAKE) bench-cluster

bench-cluster: build
	DDEBUG_E2E_BENCH=1 DDEBUG_E2E_PKGS="$(E2E_KUBE_PKGS)" test/cluster/e2e.sh -run 'Benchmark$$'

clean:
	rm -rf bin _output dist images/out images/out-node internal/sessionbin/toolbox.bin internal/sessionbin/launch.bin
