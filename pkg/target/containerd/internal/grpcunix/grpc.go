package grpcunix

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"time"

	"golang.org/x/net/http2/hpack"
)

// Call is one unary call: the method's full name (/package.Service/Method), its request
// message, encoded, and metadata of its own (lowercase names), added to the batch's.
type Call struct {
	Method   string
	Request  []byte
	Metadata map[string]string
}

// Reply is the outcome of one Call: its response message, encoded, or Err, a *Status when
// the server answered with a gRPC status other than OK.
type Reply struct {
	Message []byte
	Err     error
}

// Code is a gRPC status code.
type Code uint32

// The codes callers branch on.
const (
	OK       Code = 0
	NotFound Code = 5
)

var codeNames = [...]string{"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
	"AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
	"OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"}

func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "Code(" + strconv.FormatUint(uint64(c), 10) + ")"
}

// Status is a gRPC status other than OK, as the server sent it.
type Status struct {
	Code    Code
	Message string
}

func (s *Status) Error() string {
	return fmt.Sprintf("rpc error: code = %s desc = %s", s.Code, s.Message)
}

// IsCode says whether err is a *Status of code c.
func IsCode(err error, c Code) bool {
	var s *Status
	return errors.As(err, &s) && s.Code == c
}

// Limits of one Invoke.
const (
	maxCalls   = 64
	maxMessage = 16 << 20
	// window is the flow-control window granted to the server, per stream and for the
	// connection, up front: every answer fits, so no WINDOW_UPDATE is sent later.
	window = maxCalls * (maxMessage + 5)
	// defaultWindow is the server's window for what this client sends: each request fits.
	defaultWindow = 65535
)

// Invoke connects to the unix socket at addr, sends every call on a stream of its own,
// all at once, with the metadata md (lowercase names) as headers of each, and returns
// their replies in the order of calls. An error is one of the connection: dialing,
// writing, reading, or an answer that is not HTTP/2 as this client speaks it.
func Invoke(ctx context.Context, addr string, md map[string]string, calls ...Call) ([]Reply, error) {
	if len(calls) == 0 || len(calls) > maxCalls {
		return nil, fmt.Errorf("%d calls in one batch: want 1 to %d", len(calls), maxCalls)
	}
	req, err := request(md, calls)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	// The context's end interrupts the calls (not a deadline of the socket's own, which
	// could fire before ctx.Err says why).
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := c.Write(req); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("sending %s: %w", calls[0].Method, err)
	}
	replies, err := readReplies(bufio.NewReaderSize(c, 32<<10), c, len(calls))
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return replies, err
}

// request is what the client sends: the preface, its settings and window, and each
// call's HEADERS and DATA on streams 1, 3, 5, ...
func request(md map[string]string, calls []Call) ([]byte, error) {
	b := []byte(preface)
	var settings []byte
	settings = binary.BigEndian.AppendUint16(settings, settingEnablePush)
	settings = binary.BigEndian.AppendUint32(settings, 0)
	settings = binary.BigEndian.AppendUint16(settings, settingInitialWindowSize)
	settings = binary.BigEndian.AppendUint32(settings, window)
	b = appendFrame(b, frameSettings, 0, 0, settings)
	b = appendFrame(b, frameWindowUpdate, 0, 0, binary.BigEndian.AppendUint32(nil, window-defaultWindow))

	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for i, c := range calls {
		if len(c.Request)+5 > defaultWindow {
			return nil, fmt.Errorf("%s: request of %d bytes, more than this client sends", c.Method, len(c.Request))
		}
		id := uint32(2*i + 1)
		block.Reset()
		for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":path", c.Method},
			{":authority", "localhost"}, {"content-type", "application/grpc"}, {"te", "trailers"}} {
			enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		all := make(map[string]string, len(md)+len(c.Metadata))
		for k, v := range md {
			all[k] = v
		}
		for k, v := range c.Metadata {
			all[k] = v
		}
		names := make([]string, 0, len(all))
		for k := range all {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			enc.WriteField(hpack.HeaderField{Name: k, Value: all[k]})
		}
		b = appendSplit(b, frameHeaders, frameContinuation, 0, flagEndHeaders, id, block.Bytes())
		msg := binary.BigEndian.AppendUint32([]byte{0}, uint32(len(c.Request)))
		b = appendSplit(b, frameData, frameData, 0, flagEndStream, id, append(msg, c.Request...))
	}
	return b, nil
}

// stream is the answer to one call as it arrives.
type stream struct {
	headers, trailers []hpack.HeaderField
	gotHeaders, done  bool
	data              []byte
	reply             Reply
}

// errProtocol is an answer this client does not take for HTTP/2.
var errProtocol = errors.New("HTTP/2 protocol error")

// readReplies reads frames from r until the n streams are answered, and writes to w the
// acknowledgements the server waits for (SETTINGS, PING).
func readReplies(r io.Reader, w io.Writer, n int) ([]Reply, error) {
	streams := make([]stream, n)
	lookup := func(id uint32) (*stream, error) {
		if id%2 == 0 || int(id/2) >= n {
			return nil, fmt.Errorf("%w: frame on stream %d, not one of this client's", errProtocol, id)
		}
		return &streams[id/2], nil
	}
	left := n
	finish := func(s *stream, reply Reply) {
		if !s.done {
			s.done, s.reply = true, reply
			left--
		}
	}
	dec := hpack.NewDecoder(4096, nil)
	dec.SetMaxStringLength(maxMessage)
	var (
		buf, block  []byte
		blockStream uint32 // the stream of the header block being read, 0 if none
		blockEnds   bool   // that block ends its stream
	)
	for left > 0 {
		f, b, err := readFrame(r, buf)
		buf = b
		if err == io.EOF {
			return nil, errors.New("connection closed before every call was answered")
		}
		if err != nil {
			return nil, fmt.Errorf("reading the answer: %w", err)
		}
		if (blockStream != 0) != (f.typ == frameContinuation) || (blockStream != 0 && f.stream != blockStream) {
			return nil, fmt.Errorf("%w: frame of type %d where a header block continues, or the reverse", errProtocol, f.typ)
		}
		switch f.typ {
		case frameSettings:
			if f.flags&flagAck == 0 {
				if f.stream != 0 || len(f.payload)%6 != 0 {
					return nil, fmt.Errorf("%w: malformed SETTINGS", errProtocol)
				}
				if _, err := w.Write(appendFrame(nil, frameSettings, flagAck, 0, nil)); err != nil {
					return nil, fmt.Errorf("acknowledging SETTINGS: %w", err)
				}
			}
		case framePing:
			if f.flags&flagAck == 0 && len(f.payload) == 8 {
				if _, err := w.Write(appendFrame(nil, framePing, flagAck, 0, f.payload)); err != nil {
					return nil, fmt.Errorf("answering PING: %w", err)
				}
			}
		case frameGoAway:
			if len(f.payload) < 8 {
				return nil, fmt.Errorf("%w: malformed GOAWAY", errProtocol)
			}
			last := binary.BigEndian.Uint32(f.payload) & 0x7fffffff
			code := binary.BigEndian.Uint32(f.payload[4:])
			for i := range streams {
				if uint32(2*i+1) > last {
					finish(&streams[i], Reply{Err: fmt.Errorf("refused by the server, which is going away (HTTP/2 error code %d: %s)", code, f.payload[8:])})
				}
			}
		case frameRSTStream:
			s, err := lookup(f.stream)
			if err != nil {
				return nil, err
			}
			code := uint32(0)
			if len(f.payload) == 4 {
				code = binary.BigEndian.Uint32(f.payload)
			}
			finish(s, Reply{Err: fmt.Errorf("stream reset by the server (HTTP/2 error code %d)", code)})
		case framePushPromise:
			return nil, fmt.Errorf("%w: PUSH_PROMISE, though push is disabled", errProtocol)
		case frameHeaders, frameContinuation:
			if f.typ == frameHeaders {
				p, err := f.unpad()
				if err != nil {
					return nil, fmt.Errorf("%w: %v", errProtocol, err)
				}
				block, blockStream, blockEnds = append(block[:0], p...), f.stream, f.flags&flagEndStream != 0
			} else {
				block = append(block, f.payload...)
			}
			if len(block) > maxMessage {
				return nil, fmt.Errorf("%w: header block over %d bytes", errProtocol, maxMessage)
			}
			if f.flags&flagEndHeaders == 0 {
				continue
			}
			id := blockStream
			blockStream = 0
			fields, err := dec.DecodeFull(block)
			if err != nil {
				return nil, fmt.Errorf("%w: decoding headers: %v", errProtocol, err)
			}
			s, err := lookup(id)
			if err != nil {
				return nil, err
			}
			if !s.gotHeaders {
				s.headers, s.gotHeaders = fields, true
			} else {
				if !blockEnds {
					return nil, fmt.Errorf("%w: trailers that do not end stream %d", errProtocol, id)
				}
				s.trailers = fields
			}
			if blockEnds {
				finish(s, s.result())
			}
		case frameData:
			s, err := lookup(f.stream)
			if err != nil {
				return nil, err
			}
			if !s.gotHeaders {
				return nil, fmt.Errorf("%w: DATA before HEADERS on stream %d", errProtocol, f.stream)
			}
			p, err := f.unpad()
			if err != nil {
				return nil, fmt.Errorf("%w: %v", errProtocol, err)
			}
			if len(s.data)+len(p) > maxMessage+5 {
				return nil, fmt.Errorf("answer on stream %d over %d bytes", f.stream, maxMessage)
			}
			s.data = append(s.data, p...)
			if f.flags&flagEndStream != 0 {
				finish(s, s.result())
			}
		}
	}
	out := make([]Reply, n)
	for i := range streams {
		out[i] = streams[i].reply
	}
	return out, nil
}

// result is the reply of a stream answered to its end.
func (s *stream) result() Reply {
	if st := field(s.headers, ":status"); st != "200" {
		return Reply{Err: fmt.Errorf("HTTP status %q", st)}
	}
	trailers := s.trailers
	if trailers == nil {
		trailers = s.headers // a trailers-only answer
	}
	gs := field(trailers, "grpc-status")
	if gs == "" {
		return Reply{Err: errors.New("answer without grpc-status")}
	}
	code, err := strconv.ParseUint(gs, 10, 32)
	if err != nil {
		return Reply{Err: fmt.Errorf("grpc-status %q", gs)}
	}
	if Code(code) != OK {
		msg := field(trailers, "grpc-message")
		if m, err := url.PathUnescape(msg); err == nil {
			msg = m
		}
		return Reply{Err: &Status{Code: Code(code), Message: msg}}
	}
	d := s.data
	if len(d) < 5 {
		return Reply{Err: errors.New("answer without a message")}
	}
	if d[0] != 0 {
		return Reply{Err: errors.New("compressed answer, though none was offered")}
	}
	if n := binary.BigEndian.Uint32(d[1:5]); int64(n) != int64(len(d)-5) {
		return Reply{Err: fmt.Errorf("answer of %d bytes for a message of %d", len(d)-5, n)}
	}
	return Reply{Message: d[5:]}
}

// field is the value of the header named name, "" if absent.
func field(fs []hpack.HeaderField, name string) string {
	for _, f := range fs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
