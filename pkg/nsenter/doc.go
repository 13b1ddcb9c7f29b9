// Package nsenter starts a debugging session inside the namespaces of a running process,
// nsenter-style: no new container, nothing written into the target.
//
// Run, on the host, pins the target with a pidfd, seals the session binary (the toolbox)
// and the launcher (through a detached read-only overlay from a root-only store, else by
// copies into sealed memfds: see Preload) and starts the launcher, with none of its
// environment, in the host's PID namespace. The launcher (Launch, or LaunchWithoutRuntime in a
// program entered without the Go runtime) joins the target's mount, pid, net,
// ipc, uts and cgroup namespaces on a locked OS thread, narrows that thread's capabilities,
// and forks the session from it with a real fork, so the session is born inside the
// container (its mounts and root, its /proc, hostname and sockets) sharing no memory with
// anything on the host. The session side (BeginSession) runs in that child. Linux only; it
// depends on the standard library and golang.org/x/sys alone.
package nsenter
