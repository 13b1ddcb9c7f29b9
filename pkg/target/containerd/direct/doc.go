// Package direct resolves the containerd references that name a container directly,
// containerd://NAMESPACE/ID and containerd://ID, with one round trip of containerd's API
// spoken by hand (internal/grpcunix, protobuf fields coded here): the lean ddebug's
// resolver, which links neither gRPC nor containerd's client. What it cannot answer
// exactly (ID prefixes, nerdctl names, a container not found) it leaves, as ErrNotDirect,
// to package containerd, which shares with it the container as a resolver sees it and the
// checks that turn one into a target (Running).
package direct
