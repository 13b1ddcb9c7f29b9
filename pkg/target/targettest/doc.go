// Package targettest holds what the tests of the runtime packages (docker, containerd,
// podman, cri) share: a table of target references and the check that a registry parses
// each as it should. Tests only.
package targettest
