// Package target turns a user's reference to a container (app, docker://app, pid://1234)
// into a Target: the host PID whose namespaces a session enters, with the name and runtime
// to show. Each container runtime is a Resolver in a package of its own (pkg/target/docker,
// ...) that owns its scheme and the syntax of its references; a Registry of them parses and
// resolves references knowing no runtime itself, and the CLI registers each in one line.
package target
