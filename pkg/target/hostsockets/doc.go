// Package hostsockets says where each container runtime of a host listens, as its resolver
// under pkg/target looks for it by default (the environment variables its CLI reads, else
// the usual paths). It holds no client: the lean ddebug asks it whether Docker is the only
// runtime on the host without linking the other runtimes' clients.
package hostsockets
