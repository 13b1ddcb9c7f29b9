package grpcunix

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// HTTP/2 frame types (RFC 9113, section 6) this client reads or writes.
const (
	frameData         = 0x0
	frameHeaders      = 0x1
	frameRSTStream    = 0x3
	frameSettings     = 0x4
	framePushPromise  = 0x5
	framePing         = 0x6
	frameGoAway       = 0x7
	frameWindowUpdate = 0x8
	frameContinuation = 0x9
)

// Frame flags.
const (
	flagEndStream  = 0x1
	flagAck        = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

// Settings this client sends.
const (
	settingEnablePush        = 0x2
	settingInitialWindowSize = 0x4
)

// preface is the client connection preface.
const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// maxFrameSize is the largest frame payload either side may send: the default, which
// this client never raises.
const maxFrameSize = 16384

// frame is one HTTP/2 frame as read.
type frame struct {
	typ, flags uint8
	stream     uint32
	payload    []byte
}

// appendFrame appends the frame of type typ with flags on stream to b.
func appendFrame(b []byte, typ, flags uint8, stream uint32, payload []byte) []byte {
	n := len(payload)
	b = append(b, byte(n>>16), byte(n>>8), byte(n), typ, flags)
	b = binary.BigEndian.AppendUint32(b, stream&0x7fffffff)
	return append(b, payload...)
}

// appendSplit appends block as frames of at most maxFrameSize bytes: the first of type
// first, the others of type rest; the last one carries lastFlags, the first firstFlags.
func appendSplit(b []byte, first, rest uint8, firstFlags, lastFlags uint8, stream uint32, block []byte) []byte {
	typ, flags := first, firstFlags
	for {
		chunk := block
		if len(chunk) > maxFrameSize {
			chunk = chunk[:maxFrameSize]
		}
		block = block[len(chunk):]
		if len(block) == 0 {
			return appendFrame(b, typ, flags|lastFlags, stream, chunk)
		}
		b = appendFrame(b, typ, flags, stream, chunk)
		typ, flags = rest, 0
	}
}

// errFrameSize is a frame larger than this client allows.
var errFrameSize = errors.New("frame larger than 16384 bytes")

// readFrame reads one frame into buf (grown as needed) and returns it; the payload
// aliases buf.
func readFrame(r io.Reader, buf []byte) (frame, []byte, error) {
	var h [9]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return frame{}, buf, err
	}
	n := int(h[0])<<16 | int(h[1])<<8 | int(h[2])
	if n > maxFrameSize {
		return frame{}, buf, errFrameSize
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return frame{}, buf, err
	}
	return frame{typ: h[3], flags: h[4], stream: binary.BigEndian.Uint32(h[5:]) & 0x7fffffff, payload: buf}, buf, nil
}

// unpad strips the padding of a DATA or HEADERS frame, and the priority fields of a
// HEADERS frame, and returns what is left.
func (f frame) unpad() ([]byte, error) {
	p := f.payload
	pad := 0
	if f.flags&flagPadded != 0 {
		if len(p) < 1 {
			return nil, fmt.Errorf("padded frame of type %d without its pad length", f.typ)
		}
		pad, p = int(p[0]), p[1:]
	}
	if f.typ == frameHeaders && f.flags&flagPriority != 0 {
		if len(p) < 5 {
			return nil, errors.New("HEADERS frame too short for its priority")
		}
		p = p[5:]
	}
	if pad > len(p) {
		return nil, fmt.Errorf("frame of type %d padded beyond its length", f.typ)
	}
	return p[:len(p)-pad], nil
}
