// Package target turns a user's reference to a container (app, docker://app, pid://1234)
// into a Target: the host PID whose namespaces a session enters, with the name and runtime
// to show. Each container runtime is a Resolver behind one small interface, so new
// runtimes slot in beside Docker without touching the session code.
package target
