package grpcunix

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2/hpack"
)

// readAll splits b into frames.
func readAll(t *testing.T, b []byte) []frame {
	t.Helper()
	r := bytes.NewReader(b)
	var out []frame
	for {
		f, _, err := readFrame(r, nil)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		out = append(out, f)
	}
}

// TestRequest: what the client sends is the preface, its settings and window, then each
// call's headers and length-prefixed message on streams 1, 3, ...; a header block over a
// frame goes on in CONTINUATION frames.
func TestRequest(t *testing.T) {
	long := strings.Repeat("x", 20000)
	b, err := request(map[string]string{"containerd-namespace": "moby", "x-long": long}, []Call{
		{Method: "/p.S/A", Request: []byte("hello")},
		{Method: "/p.S/B", Metadata: map[string]string{"containerd-namespace": "k8s.io"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(preface)) {
		t.Fatalf("no preface: %q", b[:30])
	}
	fs := readAll(t, b[len(preface):])
	type got struct {
		Typ, Flags uint8
		Stream     uint32
	}
	var kinds []got
	for _, f := range fs {
		kinds = append(kinds, got{f.typ, f.flags, f.stream})
	}
	want := []got{
		{frameSettings, 0, 0}, {frameWindowUpdate, 0, 0},
		{frameHeaders, 0, 1}, {frameContinuation, flagEndHeaders, 1}, {frameData, flagEndStream, 1},
		{frameHeaders, 0, 3}, {frameContinuation, flagEndHeaders, 3}, {frameData, flagEndStream, 3},
	}
	if d := cmp.Diff(want, kinds); d != "" {
		t.Fatalf("frames (-want +got):\n%s", d)
	}
	if s := fs[0].payload; !bytes.Equal(s, binary.BigEndian.AppendUint32([]byte{0, 2, 0, 0, 0, 0, 0, 4}, window)) {
		t.Errorf("SETTINGS %x: want push off and the window", s)
	}
	if inc := binary.BigEndian.Uint32(fs[1].payload); inc != window-defaultWindow {
		t.Errorf("WINDOW_UPDATE %d, want %d", inc, window-defaultWindow)
	}
	dec := hpack.NewDecoder(4096, nil)
	for i, method := range []string{"/p.S/A", "/p.S/B"} {
		ns := []string{"moby", "k8s.io"}[i]
		fields, err := dec.DecodeFull(append(append([]byte{}, fs[2+3*i].payload...), fs[3+3*i].payload...))
		if err != nil {
			t.Fatal(err)
		}
		wantFields := []hpack.HeaderField{{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"},
			{Name: ":path", Value: method}, {Name: ":authority", Value: "localhost"},
			{Name: "content-type", Value: "application/grpc"}, {Name: "te", Value: "trailers"},
			{Name: "containerd-namespace", Value: ns}, {Name: "x-long", Value: long}}
		if d := cmp.Diff(wantFields, fields); d != "" {
			t.Errorf("call %d: headers (-want +got):\n%s", i, d)
		}
	}
	if d := fs[4].payload; !bytes.Equal(d, []byte("\x00\x00\x00\x00\x05hello")) {
		t.Errorf("DATA %q, want the message with its prefix", d)
	}
	if d := fs[7].payload; !bytes.Equal(d, []byte{0, 0, 0, 0, 0}) {
		t.Errorf("DATA %q, want an empty message with its prefix", d)
	}
	if _, err := request(nil, []Call{{Method: "/p.S/A", Request: make([]byte, defaultWindow)}}); err == nil {
		t.Error("a request over the server's window: no error")
	}
}

// server builds what a server sends, frame by frame.
type server struct {
	b   []byte
	enc *hpack.Encoder
	hb  bytes.Buffer
}

func newServer() *server {
	s := &server{}
	s.enc = hpack.NewEncoder(&s.hb)
	return s
}

func (s *server) frame(typ, flags uint8, stream uint32, payload []byte) *server {
	s.b = appendFrame(s.b, typ, flags, stream, payload)
	return s
}

// headers encodes kv (name, value, ...) as one header block.
func (s *server) block(kv ...string) []byte {
	s.hb.Reset()
	for i := 0; i < len(kv); i += 2 {
		s.enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	return append([]byte{}, s.hb.Bytes()...)
}

func (s *server) headers(stream uint32, end bool, kv ...string) *server {
	flags := uint8(flagEndHeaders)
	if end {
		flags |= flagEndStream
	}
	return s.frame(frameHeaders, flags, stream, s.block(kv...))
}

// message is msg with gRPC's length prefix.
func message(msg string) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{0}, uint32(len(msg))), msg...)
}

func TestReadReplies(t *testing.T) {
	ok := func(s *server, stream uint32, msg string) *server {
		return s.headers(stream, false, ":status", "200", "content-type", "application/grpc").
			frame(frameData, 0, stream, message(msg)).
			headers(stream, true, "grpc-status", "0", "grpc-message", "")
	}
	type result struct {
		Message string
		Err     string
	}
	cases := []struct {
		name   string
		calls  int
		server *server
		want   []result
		err    string
		acks   string // what the client writes back, as frame types
	}{
		{name: "one answer, with the server's settings and a ping", calls: 1,
			server: ok(newServer().frame(frameSettings, 0, 0, []byte{0, 3, 0, 0, 0, 100}).
				frame(framePing, 0, 0, []byte("12345678")).frame(frameWindowUpdate, 0, 0, []byte{0, 0, 1, 0}), 1, "answer"),
			want: []result{{Message: "answer"}}, acks: "settings-ack ping-ack:12345678"},
		{name: "answers interleaved, in parts, padded, headers continued", calls: 2,
			server: func() *server {
				s := newServer()
				s.headers(3, false, ":status", "200")
				blk := s.block(":status", "200", "content-type", "application/grpc")
				s.frame(frameHeaders, flagPriority, 1, append([]byte{0, 0, 0, 0, 16}, blk[:2]...)).frame(frameContinuation, flagEndHeaders, 1, blk[2:])
				m := message("first")
				s.frame(frameData, flagPadded, 1, append(append([]byte{3}, m[:4]...), 0, 0, 0))
				s.frame(frameData, 0, 3, message("second"))
				s.frame(frameData, 0, 1, m[4:])
				s.headers(3, true, "grpc-status", "0")
				s.headers(1, true, "grpc-status", "0")
				return s
			}(),
			want: []result{{Message: "first"}, {Message: "second"}}},
		{name: "a status in a trailers-only answer, its message percent-encoded", calls: 1,
			server: newServer().headers(1, true, ":status", "200", "content-type", "application/grpc", "grpc-status", "5", "grpc-message", "container %22x%22: not found"),
			want:   []result{{Err: `rpc error: code = NotFound desc = container "x": not found`}}},
		{name: "stream reset", calls: 2,
			server: ok(newServer().frame(frameRSTStream, 0, 1, []byte{0, 0, 0, 2}), 3, ""),
			want:   []result{{Err: "stream reset by the server (HTTP/2 error code 2)"}, {Message: ""}}},
		{name: "going away after the first stream", calls: 2,
			server: ok(newServer().frame(frameGoAway, 0, 0, []byte{0, 0, 0, 1, 0, 0, 0, 0}), 1, "a"),
			want:   []result{{Message: "a"}, {Err: "refused by the server, which is going away (HTTP/2 error code 0: )"}}},
		{name: "compressed", calls: 1,
			server: newServer().headers(1, false, ":status", "200").frame(frameData, 0, 1, append([]byte{1}, message("x")[1:]...)).headers(1, true, "grpc-status", "0"),
			want:   []result{{Err: "compressed answer, though none was offered"}}},
		{name: "message shorter than its prefix says", calls: 1,
			server: newServer().headers(1, false, ":status", "200").frame(frameData, 0, 1, message("xyz")[:6]).headers(1, true, "grpc-status", "0"),
			want:   []result{{Err: "answer of 1 bytes for a message of 3"}}},
		{name: "no grpc-status", calls: 1,
			server: newServer().headers(1, false, ":status", "200").frame(frameData, flagEndStream, 1, message("x")),
			want:   []result{{Err: "answer without grpc-status"}}},
		{name: "HTTP error", calls: 1,
			server: newServer().headers(1, true, ":status", "415"),
			want:   []result{{Err: `HTTP status "415"`}}},
		{name: "closed early", calls: 2, server: ok(newServer(), 1, "a"),
			err: "connection closed before every call was answered"},
		{name: "a stream of the server's", calls: 1, server: newServer().headers(2, true, ":status", "200"),
			err: "HTTP/2 protocol error: frame on stream 2, not one of this client's"},
		{name: "data before headers", calls: 1, server: newServer().frame(frameData, 0, 1, message("x")),
			err: "HTTP/2 protocol error: DATA before HEADERS on stream 1"},
		{name: "a frame inside a header block", calls: 1,
			server: newServer().frame(frameHeaders, 0, 1, nil).frame(frameData, 0, 1, nil),
			err:    "HTTP/2 protocol error: frame of type 0 where a header block continues, or the reverse"},
		{name: "push", calls: 1, server: newServer().frame(framePushPromise, flagEndHeaders, 1, []byte{0, 0, 0, 2}),
			err: "HTTP/2 protocol error: PUSH_PROMISE, though push is disabled"},
		{name: "frame too large", calls: 1, server: newServer().frame(frameData, 0, 1, make([]byte, maxFrameSize+1)),
			err: "reading the answer: frame larger than 16384 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w bytes.Buffer
			replies, err := readReplies(bytes.NewReader(c.server.b), &w, c.calls)
			if c.err != "" || err != nil {
				if err == nil || err.Error() != c.err {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			var got []result
			for _, r := range replies {
				res := result{Message: string(r.Message)}
				if r.Err != nil {
					res.Err = r.Err.Error()
				}
				got = append(got, res)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("replies (-want +got):\n%s", d)
			}
			var acks []string
			for _, f := range readAll(t, w.Bytes()) {
				switch {
				case f.typ == frameSettings && f.flags == flagAck && len(f.payload) == 0:
					acks = append(acks, "settings-ack")
				case f.typ == framePing && f.flags == flagAck:
					acks = append(acks, "ping-ack:"+string(f.payload))
				default:
					acks = append(acks, "unexpected")
				}
			}
			if got := strings.Join(acks, " "); got != c.acks {
				t.Errorf("written back %q, want %q", got, c.acks)
			}
		})
	}
}

func TestIsCode(t *testing.T) {
	err := errors.Join(errors.New("x"), &Status{Code: NotFound, Message: "gone"})
	if !IsCode(err, NotFound) || IsCode(err, OK) || IsCode(errors.New("x"), NotFound) {
		t.Error("IsCode does not find the status in a wrapped error")
	}
	if s := Code(99).String(); s != "Code(99)" {
		t.Errorf("Code(99) prints %q", s)
	}
}
