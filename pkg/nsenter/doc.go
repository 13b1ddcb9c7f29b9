// Package nsenter starts a debugging session inside the namespaces of a running process,
// nsenter-style: no new container, nothing written into the target.
//
// Run, on the host, pins the target with a pidfd, copies the session binary (the toolbox)
// into a sealed memfd, joins the target's mount, pid, net, ipc, uts and cgroup namespaces on
// a locked OS thread and starts the session from that thread, so it is born inside the
// container: its mounts and root, its /proc, hostname and sockets. The session side
// (BeginSession) runs in that child. Linux only; it depends on the standard library and
// golang.org/x/sys alone.
package nsenter
