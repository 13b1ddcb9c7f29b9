//go:build !unix

package podman

// fileOwner cannot tell the owner of a file on this OS.
func fileOwner(string) (int, bool) { return 0, false }
