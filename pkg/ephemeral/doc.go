// Package ephemeral is the Kubernetes face of ddebug: it adds an ephemeral debug container
// that runs the toolbox agent next to a pod's container (targetContainerName set, the
// target's uid/gid copied so /proc/<pid>/root is readable), waits for it by watching the
// pod and its events, reuses a running one of the same identity, and runs sessions in it
// through exec (WebSocket, SPDY fallback). The container itself is built by the pure
// BuildDebugContainer; API errors are turned into *Error values that carry advice.
// It never prints: progress goes to a callback.
package ephemeral
