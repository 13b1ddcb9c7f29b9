// Package grpcunix makes unary gRPC calls over a unix socket with a small HTTP/2 client
// written by hand (prior knowledge, no TLS, one connection per batch of calls), so that
// the lean ddebug can ask containerd without linking google.golang.org/grpc or net/http,
// whose package initialisation costs more than the calls. Messages are passed encoded:
// the caller owns the protobuf. HPACK is golang.org/x/net/http2/hpack.
package grpcunix
