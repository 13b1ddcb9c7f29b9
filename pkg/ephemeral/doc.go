// Package ephemeral is the Kubernetes face of ddebug: everything `kubectl ddebug` does in a
// cluster, behind one Debugger whose fields (a clientset, an ExecFunc, a progress callback)
// are its only seams. It never prints and never exits: progress goes to the callback, and
// failures come back as *Error values that say what happened and what to do, with a
// sentinel Kind for errors.Is.
//
// Its parts, one file each:
//
//   - debugger.go: `kubectl ddebug pod/x`: Prepare finds a running debug container of the
//     same identity (ephemeral containers can never be removed, so one is reused) or adds
//     one, an ephemeral container with targetContainerName set and the target's uid/gid
//     copied so /proc/<pid>/root is readable; Session runs a shell or a command in it.
//   - spec.go, profile.go, identity.go: the pure builders. BuildDebugContainer makes the
//     container from SpecOptions without an API call; the profiles (auto, general, baseline,
//     restricted, sysadmin, netadmin) are checked against the namespace's Pod Security level.
//   - wait.go: watching a pod and its events until a container ddebug started runs, or
//     failing at the first event that says it never will.
//   - exec.go: RemoteExec, the exec stream (WebSocket, SPDY fallback) every session uses.
//   - fanout.go: one command in every running pod of a workload (--all-pods).
//   - cp.go: `kubectl ddebug cp`: copies into and out of the target through the toolbox's
//     tar, with no tar in the target.
//   - copyto.go: --copy-to: a copy of the pod whose target container runs the toolbox
//     instead of its command, for containers that cannot start.
//   - node.go: node/NAME: a privileged pod in the node's namespaces, with ddebug's host
//     command line to enter any container of the node.
//   - list.go: `kubectl ddebug list`: the debug containers of a pod, a selector, a
//     namespace or all of them.
//   - errors.go, suggest.go, requester.go: API errors turned into advice, "did you mean"
//     for a pod name, and who is asking (recorded in what ddebug creates).
package ephemeral
