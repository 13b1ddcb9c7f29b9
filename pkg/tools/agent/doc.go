// Package agent is the toolbox side of `kubectl ddebug`: the hidden applet ddebug-agent that
// runs as the process of an ephemeral debug container, and the sessions that the plugin
// starts in that container with exec. A session finds the target container's processes by
// its container ID in /proc/<pid>/cgroup, gives the view of the target's files (a chroot
// into /proc/<pid>/root where CAP_SYS_CHROOT allows it, else the /target link), takes the
// target's uid when it runs as root and was asked to, and runs the shell or a command.
// The contract with pkg/ephemeral (environment names, command lines) is in contract.go;
// this package knows nothing of Kubernetes.
package agent
