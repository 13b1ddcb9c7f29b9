// Package ocibuild packs a handful of files into a one-layer container
// image and writes it as a "docker save" tarball, which "docker load",
// "podman load" and "ctr images import" all accept. It lets tests build
// FROM-scratch images (a static binary, a passwd file) without a daemon or
// a registry.
package ocibuild
