// Package targetfile reads a small file of a target (a container's /etc/passwd, say) as
// data, so that the target can neither redirect the read nor block it: the path is
// resolved inside the given root and on its own mount, only a regular file within a size
// limit is read, and it is opened without blocking and without a device ever being opened.
// A file that is not read is a *RefusedError naming why. Linux; stdlib and x/sys only.
//
// Both faces use it: pkg/nsenter (exec -u's group lookup) and the toolbox's userdb, which
// the Kubernetes face links through its agent and archive code; so it lives outside
// pkg/nsenter, which pkg/ephemeral never reaches.
package targetfile
