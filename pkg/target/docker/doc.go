// Package docker resolves docker://NAME|ID references (and bare names) to the host PID of
// a running container, through Docker's Engine API on its unix socket. It honours
// DOCKER_HOST as the docker CLI does (unix://, or a plain tcp:// without TLS: the target is
// on this host). It speaks the two GET requests it needs itself, without net/http or
// Docker's Go client, so that the lean ddebug binary links none of them (see engine.go).
package docker
