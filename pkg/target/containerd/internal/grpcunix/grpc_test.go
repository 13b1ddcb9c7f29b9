package grpcunix

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"
)

// serve runs an HTTP/2 server of golang.org/x/net (prior knowledge, as gRPC's servers
// speak it on a unix socket) with handler h, and returns its socket.
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "grpc.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	srv := &http2.Server{}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go srv.ServeConn(c, &http2.ServeConnOpts{Handler: h})
		}
	}()
	return sock
}

// TestInvoke: calls to an independent HTTP/2 server: the requests arrive as gRPC frames
// them, answers come back in order, a big answer beyond HTTP/2's default window too, and
// a status as an error.
func TestInvoke(t *testing.T) {
	big := strings.Repeat("b", 200<<10)
	sock := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/grpc" || r.Header.Get("Te") != "trailers" {
			http.Error(w, "not gRPC", http.StatusBadRequest)
			return
		}
		if len(body) < 5 || int(binary.BigEndian.Uint32(body[1:5])) != len(body)-5 {
			http.Error(w, "bad message", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Trailer", "Grpc-Status, Grpc-Message")
		var answer string
		switch r.URL.Path {
		case "/p.S/Echo":
			answer = r.Header.Get("Containerd-Namespace") + ":" + string(body[5:])
		case "/p.S/Big":
			answer = big
		default:
			w.Header().Set("Grpc-Status", "12")
			w.Header().Set("Grpc-Message", "unknown method "+r.URL.Path)
			return
		}
		w.Write(binary.BigEndian.AppendUint32([]byte{0}, uint32(len(answer))))
		io.WriteString(w, answer)
		w.Header().Set("Grpc-Status", "0")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	replies, err := Invoke(ctx, sock, map[string]string{"containerd-namespace": "moby"},
		Call{Method: "/p.S/Echo", Request: []byte("ping")}, Call{Method: "/p.S/Big"}, Call{Method: "/p.S/Nope"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range replies {
		if r.Err != nil {
			got = append(got, "error: "+r.Err.Error())
		} else {
			got = append(got, string(r.Message))
		}
	}
	want := []string{"moby:ping", big, "error: rpc error: code = Unimplemented desc = unknown method /p.S/Nope"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("replies (-want +got):\n%s", d)
	}
	if !IsCode(replies[2].Err, 12) {
		t.Errorf("error %v is not a *Status of code 12", replies[2].Err)
	}
}

// TestInvokeTimeout: a server that never answers is left when the context ends.
func TestInvokeTimeout(t *testing.T) {
	sock := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := Invoke(ctx, sock, nil, Call{Method: "/p.S/Slow"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's deadline", err)
	}
}

// TestInvokeNoSocket: the dialer's error comes back as it is.
func TestInvokeNoSocket(t *testing.T) {
	_, err := Invoke(context.Background(), filepath.Join(t.TempDir(), "none.sock"), nil, Call{Method: "/p.S/A"})
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("error %v, want the dialer's", err)
	}
}
