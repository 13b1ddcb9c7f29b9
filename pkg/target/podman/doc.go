// Package podman resolves podman://NAME|ID references (and bare names) to the host PID of
// a running Podman container, through Podman's REST API (the libpod endpoints) on its
// unix socket: rootful /run/podman/podman.sock, rootless $XDG_RUNTIME_DIR/podman/podman.sock
// (and the invoking sudo user's), or $CONTAINER_HOST.
//
// A rootless service's containers have references of their own, podman://uid=UID/NAME
// (UID the owner of the service's socket), since one name may be used in the rootful
// service and in a user's: podman://NAME asks every service, and a name found running in
// two is an error that lists both references.
//
// It speaks HTTP with net/http directly: the Podman Go bindings
// (github.com/containers/podman/v4/pkg/bindings) drag in most of Podman, its storage
// and image libraries, for the three GET requests needed here.
package podman
