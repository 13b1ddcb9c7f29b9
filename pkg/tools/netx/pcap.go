//go:build linux

package netx

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// The pcap file format (the classic libpcap one, microsecond time stamps) that tcpdump's
// -w writes and -r reads: a 24-byte file header, then a 16-byte header before each packet.
// It is a few lines of our own; no Go library of it is already linked.

// Link types (LINKTYPE_*) of the captures tcpdump makes and reads.
const (
	linkEthernet = 1   // EN10MB: Ethernet and Linux's loopback
	linkRaw      = 101 // RAW: an IP packet, no link header (tun, WireGuard)
	linkSLL      = 113 // LINUX_SLL: Linux cooked capture
	linkSLL2     = 276 // LINUX_SLL2: cooked v2, with the interface index (-i any)
)

const (
	pcapMagic      = 0xa1b2c3d4
	pcapMagicNanos = 0xa1b23c4d
)

// pcapWriter writes a pcap file.
type pcapWriter struct {
	w *bufio.Writer
}

// newPcapWriter writes the file header to w.
func newPcapWriter(w io.Writer, linkType uint32, snaplen int) (*pcapWriter, error) {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], pcapMagic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], uint32(snaplen))
	binary.LittleEndian.PutUint32(h[20:], linkType)
	pw := &pcapWriter{w: bufio.NewWriter(w)}
	if _, err := pw.w.Write(h); err != nil {
		return nil, err
	}
	return pw, nil
}

// WritePacket writes one packet: data as captured, origLen its length on the wire.
func (pw *pcapWriter) WritePacket(at time.Time, data []byte, origLen int) error {
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(at.Unix()))
	binary.LittleEndian.PutUint32(h[4:], uint32(at.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[12:], uint32(origLen))
	if _, err := pw.w.Write(h[:]); err != nil {
		return err
	}
	_, err := pw.w.Write(data)
	return err
}

// Flush writes what is buffered.
func (pw *pcapWriter) Flush() error { return pw.w.Flush() }

// pcapReader reads a pcap file of either byte order, micro- or nanosecond stamps.
type pcapReader struct {
	r        *bufio.Reader
	order    binary.ByteOrder
	nanos    bool
	LinkType uint32
	Snaplen  int
}

// errNotPcap is returned for a file that is not a pcap file (pcapng included).
var errNotPcap = errors.New("unknown file format")

func newPcapReader(r io.Reader) (*pcapReader, error) {
	pr := &pcapReader{r: bufio.NewReaderSize(r, 1<<16)}
	h := make([]byte, 24)
	if _, err := io.ReadFull(pr.r, h); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errors.New("truncated dump file; tried to read 4 file header bytes, only got 0")
		}
		return nil, err
	}
	switch {
	case binary.LittleEndian.Uint32(h) == pcapMagic:
		pr.order = binary.LittleEndian
	case binary.BigEndian.Uint32(h) == pcapMagic:
		pr.order = binary.BigEndian
	case binary.LittleEndian.Uint32(h) == pcapMagicNanos:
		pr.order, pr.nanos = binary.LittleEndian, true
	case binary.BigEndian.Uint32(h) == pcapMagicNanos:
		pr.order, pr.nanos = binary.BigEndian, true
	default:
		return nil, errNotPcap
	}
	pr.Snaplen = int(pr.order.Uint32(h[16:]))
	pr.LinkType = pr.order.Uint32(h[20:]) & 0x0fffffff
	return pr, nil
}

// ReadPacket returns the next packet, or io.EOF after the last.
func (pr *pcapReader) ReadPacket() (at time.Time, data []byte, origLen int, err error) {
	var h [16]byte
	if _, err := io.ReadFull(pr.r, h[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			err = errors.New("truncated dump file")
		}
		return time.Time{}, nil, 0, err
	}
	sec, frac := int64(pr.order.Uint32(h[0:])), int64(pr.order.Uint32(h[4:]))
	if !pr.nanos {
		frac *= 1000
	}
	n := pr.order.Uint32(h[8:])
	if n > 1<<24 {
		return time.Time{}, nil, 0, fmt.Errorf("bogus savefile header: a packet of %d bytes", n)
	}
	data = make([]byte, n)
	if _, err := io.ReadFull(pr.r, data); err != nil {
		return time.Time{}, nil, 0, errors.New("truncated dump file")
	}
	return time.Unix(sec, frac), data, int(pr.order.Uint32(h[12:])), nil
}
