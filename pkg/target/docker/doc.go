// Package docker resolves docker://NAME|ID references (and bare names) to the host PID of
// a running container, through Docker's Engine API with the official Go client. It honours
// DOCKER_HOST and the other DOCKER_* variables the docker CLI reads.
package docker
