package archive

// The .xz container (https://tukaani.org/xz/xz-file-format.txt) around ulikunitz's LZMA2
// codec. Only github.com/ulikunitz/xz/lzma is imported: the xz package itself builds
// Go's CRC-64 tables in its package initialisation, which every toolbox start would pay
// for; here the CRC-64 table is made on the first .xz that has that check.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"sync"

	"github.com/ulikunitz/xz/lzma"
)

var (
	xzMagic       = [6]byte{0xFD, '7', 'z', 'X', 'Z', 0x00}
	xzFooterMagic = [2]byte{'Y', 'Z'}
	// errXzFormat is input that does not start with the .xz magic.
	errXzFormat = errors.New("not in the .xz format")
	// errXzCorrupt is a size, a CRC, a check or LZMA2 data that is wrong.
	errXzCorrupt = errors.New("compressed data is corrupt")
	// errXzTruncated is input that ends inside a stream.
	errXzTruncated = errors.New("unexpected end of input")
	// errXzUnsupported is valid .xz that this reader cannot decode (a filter other than LZMA2).
	errXzUnsupported = errors.New("unsupported options")
)

const (
	xzCheckNone   = 0x00
	xzCheckCRC32  = 0x01
	xzCheckCRC64  = 0x04
	xzCheckSHA256 = 0x0A
	xzFilterLZMA2 = 0x21
	// xzMaxDict is the largest dictionary accepted from a file's filter properties:
	// xz-utils' presets stop at 64 MiB, and a corrupt byte must not allocate 4 GiB.
	xzMaxDict = 1536 << 20
)

// xzCRC64Table is the ECMA table, made on first use.
var xzCRC64Table = sync.OnceValue(func() *crc64.Table { return crc64.MakeTable(crc64.ECMA) })

// xzCheckSize is the size of the check of type id (the spec fixes it for all 16 ids).
func xzCheckSize(id byte) int {
	if id == 0 {
		return 0
	}
	return 4 << ((id - 1) / 3)
}

// xzNewCheck is the hash of check type id, nil for none.
func xzNewCheck(id byte) (hash.Hash, error) {
	switch id {
	case xzCheckNone:
		return nil, nil
	case xzCheckCRC32:
		return crc32.NewIEEE(), nil
	case xzCheckCRC64:
		return crc64.New(xzCRC64Table()), nil
	case xzCheckSHA256:
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("%w: integrity check type 0x%02x", errXzUnsupported, id)
}

// xzCheckSum is h's sum as the .xz stores it: CRCs little-endian, SHA-256 as is.
func xzCheckSum(h hash.Hash) []byte {
	switch h := h.(type) {
	case hash.Hash32:
		return binary.LittleEndian.AppendUint32(nil, h.Sum32())
	case hash.Hash64:
		return binary.LittleEndian.AppendUint64(nil, h.Sum64())
	}
	return h.Sum(nil)
}

// xzDictSize decodes the LZMA2 filter's properties byte.
func xzDictSize(p byte) (int64, error) {
	if p > 40 {
		return 0, fmt.Errorf("%w: LZMA2 dictionary size byte 0x%02x", errXzCorrupt, p)
	}
	if p == 40 {
		return 1<<32 - 1, nil
	}
	return int64(2|p&1) << (p/2 + 11), nil
}

// xzDictByte is the smallest properties byte whose dictionary holds dict bytes.
func xzDictByte(dict int) byte {
	for p := byte(0); p < 40; p++ {
		if n, _ := xzDictSize(p); n >= int64(dict) {
			return p
		}
	}
	return 40
}

// xzAppendVarint appends the .xz multibyte integer v.
func xzAppendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// xzVarint reads a multibyte integer from b; it returns the value and its length, 0 if
// it is malformed (over 9 bytes, unterminated, or a needless trailing zero byte).
func xzVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 9; i++ {
		v |= uint64(b[i]&0x7F) << (7 * i)
		if b[i]&0x80 == 0 {
			if i > 0 && b[i] == 0 {
				return 0, 0
			}
			return v, i + 1
		}
	}
	return 0, 0
}

// xzCountingReader counts the bytes read and remembers whether the input ended.
type xzCountingReader struct {
	r   *bufio.Reader
	n   int64
	eof bool
}

func (c *xzCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}

// full reads exactly len(p) bytes; a short input is errXzTruncated.
func (c *xzCountingReader) full(p []byte) error {
	if _, err := io.ReadFull(c, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errXzTruncated
		}
		return err
	}
	return nil
}

// xzChunks follows the LZMA2 chunk headers in the bytes the LZMA2 reader reads, on its
// own: the reader does not check that a chunk's data ends where its header says, so a
// changed size would pass unseen. At the block's end the two must agree: the end
// marker read, and the chunks' uncompressed sizes summing to what came out.
type xzChunks struct {
	r      io.Reader
	hdr    [6]byte
	nhdr   int   // bytes of the current header so far
	skip   int   // data bytes left in the current chunk
	out    int64 // uncompressed bytes the headers announce
	ended  bool  // the end marker was read
	broken bool  // a byte after the end marker, or an invalid control byte
}

func (c *xzChunks) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for b := p[:n]; len(b) > 0; {
		switch {
		case c.ended:
			c.broken = true
			b = nil
		case c.skip > 0:
			k := min(c.skip, len(b))
			c.skip -= k
			b = b[k:]
		default:
			c.hdr[c.nhdr] = b[0]
			c.nhdr++
			b = b[1:]
			ctl := c.hdr[0]
			switch {
			case ctl == 0:
				c.ended, c.nhdr = true, 0
			case ctl == 1 || ctl == 2:
				if c.nhdr == 3 {
					size := int(c.hdr[1])<<8 | int(c.hdr[2]) + 1
					c.skip, c.out, c.nhdr = size, c.out+int64(size), 0
				}
			case ctl < 0x80:
				c.broken, c.ended, c.nhdr = true, true, 0
			case c.nhdr == 5 && ctl&0x60 < 0x40 || c.nhdr == 6:
				c.out += int64(ctl&0x1F)<<16 | int64(c.hdr[1])<<8 | int64(c.hdr[2]) + 1
				c.skip, c.nhdr = int(c.hdr[3])<<8|int(c.hdr[4])+1, 0
			}
		}
	}
	return n, err
}

// xzRecord is one block as the index lists it.
type xzRecord struct{ unpadded, uncompressed uint64 }

// xzReader decompresses concatenated .xz streams.
type xzReader struct {
	in      *xzCountingReader
	flags   [2]byte    // the current stream's flags
	records []xzRecord // the current stream's blocks so far
	// The current block: its LZMA2 reader, check, header size, sizes from its header
	// (-1 when absent), where its data starts, and how much it has produced.
	block      *lzma.Reader2
	chunks     *xzChunks
	check      hash.Hash
	hdrSize    int64
	csize      int64
	usize      int64
	start      int64
	out        int64
	err        error
	done       bool
	firstBlock bool
}

// newXzReader reads the first stream header of r: input without the magic is errXzFormat.
func newXzReader(r io.Reader) (io.Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	z := &xzReader{in: &xzCountingReader{r: br}}
	if err := z.streamHeader(); err != nil {
		if errors.Is(err, errXzTruncated) {
			err = errXzFormat // xz-utils: fewer than 12 bytes are not an .xz file
		}
		return nil, err
	}
	return z, nil
}

func (z *xzReader) streamHeader() error {
	var h [12]byte
	if err := z.in.full(h[:]); err != nil {
		return err
	}
	if !bytes.Equal(h[:6], xzMagic[:]) {
		return errXzFormat
	}
	if crc32.ChecksumIEEE(h[6:8]) != binary.LittleEndian.Uint32(h[8:]) {
		return fmt.Errorf("%w: stream header CRC32", errXzCorrupt)
	}
	if h[6] != 0 || h[7]&0xF0 != 0 {
		return fmt.Errorf("%w: stream flags 0x%02x%02x", errXzUnsupported, h[6], h[7])
	}
	if _, err := xzNewCheck(h[7]); err != nil {
		return err
	}
	z.flags = [2]byte{h[6], h[7]}
	z.records = z.records[:0]
	return nil
}

func (z *xzReader) Read(p []byte) (int, error) {
	for z.err == nil && !z.done {
		if z.block == nil {
			z.err = z.next()
			continue
		}
		n, err := z.block.Read(p)
		z.out += int64(n)
		if z.check != nil {
			z.check.Write(p[:n])
		}
		switch {
		case err == io.EOF:
			z.block = nil
			z.err = z.endBlock()
		case err != nil:
			z.err = z.dataErr(err)
		case z.usize >= 0 && z.out > z.usize:
			z.err = fmt.Errorf("%w: block larger than its header says", errXzCorrupt)
		}
		if n > 0 {
			return n, nil
		}
	}
	if z.done {
		return 0, io.EOF
	}
	return 0, z.err
}

// dataErr classifies an error of the LZMA2 decoder: truncation or corruption.
func (z *xzReader) dataErr(err error) error {
	if z.in.eof {
		return errXzTruncated
	}
	if errors.Is(err, errXzCorrupt) || errors.Is(err, errXzTruncated) {
		return err
	}
	return fmt.Errorf("%w: %v", errXzCorrupt, err)
}

// next reads a block header and starts the block, or reads the index, the footer and
// what follows the stream.
func (z *xzReader) next() error {
	var b [1024]byte
	if err := z.in.full(b[:1]); err != nil {
		return err
	}
	if b[0] == 0 {
		return z.endStream()
	}
	size := (int(b[0]) + 1) * 4
	if err := z.in.full(b[1:size]); err != nil {
		return err
	}
	h := b[:size]
	if crc32.ChecksumIEEE(h[:size-4]) != binary.LittleEndian.Uint32(h[size-4:]) {
		return fmt.Errorf("%w: block header CRC32", errXzCorrupt)
	}
	flags := h[1]
	if flags&0x3C != 0 {
		return fmt.Errorf("%w: block flags 0x%02x", errXzUnsupported, flags)
	}
	rest := h[2 : size-4]
	field := func(what string) (int64, error) {
		v, n := xzVarint(rest)
		if n == 0 || v >= 1<<63 {
			return 0, fmt.Errorf("%w: block header %s", errXzCorrupt, what)
		}
		rest = rest[n:]
		return int64(v), nil
	}
	z.csize, z.usize = -1, -1
	var err error
	if flags&0x40 != 0 {
		if z.csize, err = field("compressed size"); err != nil {
			return err
		}
		if z.csize == 0 {
			return fmt.Errorf("%w: block header compressed size 0", errXzCorrupt)
		}
	}
	if flags&0x80 != 0 {
		if z.usize, err = field("uncompressed size"); err != nil {
			return err
		}
	}
	var dict int64
	for i := 0; i <= int(flags&3); i++ {
		id, err := field("filter id")
		if err != nil {
			return err
		}
		psize, err := field("filter properties size")
		if err != nil {
			return err
		}
		if psize > int64(len(rest)) {
			return fmt.Errorf("%w: block header filter properties", errXzCorrupt)
		}
		props := rest[:psize]
		rest = rest[psize:]
		if id != xzFilterLZMA2 {
			return fmt.Errorf("%w: filter 0x%02x (only LZMA2, 0x21, is supported: recompress without BCJ, delta or other filters)", errXzUnsupported, id)
		}
		if flags&3 != 0 {
			return fmt.Errorf("%w: a chain of %d filters (only LZMA2 alone is supported)", errXzUnsupported, flags&3+1)
		}
		if len(props) != 1 {
			return fmt.Errorf("%w: LZMA2 properties of %d bytes", errXzCorrupt, len(props))
		}
		if dict, err = xzDictSize(props[0]); err != nil {
			return err
		}
	}
	if bytes.IndexFunc(rest, func(r rune) bool { return r != 0 }) >= 0 {
		return fmt.Errorf("%w: block header padding", errXzCorrupt)
	}
	if dict > xzMaxDict {
		return fmt.Errorf("%w: LZMA2 dictionary of %d MiB, over %d MiB", errXzUnsupported, dict>>20, xzMaxDict>>20)
	}
	if z.usize >= 0 && dict > z.usize {
		dict = z.usize // no match reaches further back than the block's start
	}
	dict = max(dict, lzma.MinDictCap)
	z.hdrSize, z.start, z.out = int64(size), z.in.n, 0
	var data io.Reader = z.in
	if z.csize >= 0 {
		data = io.LimitReader(z.in, z.csize)
	}
	z.chunks = &xzChunks{r: data}
	z.block, err = lzma.Reader2Config{DictCap: int(dict)}.NewReader2(z.chunks)
	if err != nil {
		return z.dataErr(err)
	}
	z.check, _ = xzNewCheck(z.flags[1])
	return nil
}

// endBlock checks a block's sizes, padding and check once its LZMA2 data ended.
func (z *xzReader) endBlock() error {
	csize := z.in.n - z.start
	if z.in.eof {
		return errXzTruncated
	}
	if !z.chunks.ended || z.chunks.broken || z.chunks.skip != 0 || z.chunks.out != z.out {
		return fmt.Errorf("%w: LZMA2 chunk sizes", errXzCorrupt)
	}
	if z.csize >= 0 && csize != z.csize || z.usize >= 0 && z.out != z.usize {
		return fmt.Errorf("%w: block sizes differ from its header", errXzCorrupt)
	}
	var b [64 + 3]byte
	pad := int((4 - csize%4) % 4)
	n := pad + xzCheckSize(z.flags[1])
	if err := z.in.full(b[:n]); err != nil {
		return err
	}
	if bytes.IndexFunc(b[:pad], func(r rune) bool { return r != 0 }) >= 0 {
		return fmt.Errorf("%w: block padding", errXzCorrupt)
	}
	if z.check != nil && !bytes.Equal(b[pad:n], xzCheckSum(z.check)) {
		return fmt.Errorf("%w: block check", errXzCorrupt)
	}
	z.records = append(z.records, xzRecord{uint64(z.hdrSize + csize + int64(xzCheckSize(z.flags[1]))), uint64(z.out)})
	return nil
}

// endStream reads the index (its indicator byte read already) and the footer, checks
// them against the blocks read, then skips stream padding and reads the next stream's
// header, if any.
func (z *xzReader) endStream() error {
	crc := crc32.NewIEEE()
	crc.Write([]byte{0})
	size := int64(1)
	var buf [10]byte
	varint := func() (uint64, error) {
		for i := range buf {
			if err := z.in.full(buf[i : i+1]); err != nil {
				return 0, err
			}
			if buf[i]&0x80 == 0 {
				v, n := xzVarint(buf[:i+1])
				if n == 0 {
					break
				}
				crc.Write(buf[:n])
				size += int64(n)
				return v, nil
			}
		}
		return 0, fmt.Errorf("%w: index", errXzCorrupt)
	}
	count, err := varint()
	if err != nil {
		return err
	}
	if count != uint64(len(z.records)) {
		return fmt.Errorf("%w: index lists %d blocks, the stream has %d", errXzCorrupt, count, len(z.records))
	}
	for _, rec := range z.records {
		unpadded, err := varint()
		if err != nil {
			return err
		}
		uncompressed, err := varint()
		if err != nil {
			return err
		}
		if (xzRecord{unpadded, uncompressed}) != rec {
			return fmt.Errorf("%w: index record differs from its block", errXzCorrupt)
		}
	}
	var b [3 + 4 + 12]byte
	pad := int((4 - size%4) % 4)
	if err := z.in.full(b[:pad+4]); err != nil {
		return err
	}
	if bytes.IndexFunc(b[:pad], func(r rune) bool { return r != 0 }) >= 0 {
		return fmt.Errorf("%w: index padding", errXzCorrupt)
	}
	crc.Write(b[:pad])
	if crc.Sum32() != binary.LittleEndian.Uint32(b[pad:pad+4]) {
		return fmt.Errorf("%w: index CRC32", errXzCorrupt)
	}
	size += int64(pad) + 4
	f := b[7:19]
	if err := z.in.full(f); err != nil {
		return err
	}
	switch {
	case !bytes.Equal(f[10:], xzFooterMagic[:]):
		return fmt.Errorf("%w: stream footer magic", errXzCorrupt)
	case crc32.ChecksumIEEE(f[4:10]) != binary.LittleEndian.Uint32(f[:4]):
		return fmt.Errorf("%w: stream footer CRC32", errXzCorrupt)
	case (int64(binary.LittleEndian.Uint32(f[4:8]))+1)*4 != size:
		return fmt.Errorf("%w: stream footer backward size", errXzCorrupt)
	case f[8] != z.flags[0] || f[9] != z.flags[1]:
		return fmt.Errorf("%w: stream footer flags differ from the header's", errXzCorrupt)
	}
	// Stream padding: groups of four zero bytes, then the end or another stream.
	for {
		p, err := z.in.r.Peek(4)
		if len(p) == 0 && err == io.EOF {
			z.done = true
			return nil
		}
		if len(p) < 4 {
			if err == io.EOF {
				return errXzTruncated
			}
			return err
		}
		if !bytes.Equal(p, []byte{0, 0, 0, 0}) {
			break
		}
		z.in.r.Discard(4)
		z.in.n += 4
	}
	if err := z.streamHeader(); err != nil {
		if errors.Is(err, errXzFormat) {
			return fmt.Errorf("%w: data after the stream", errXzCorrupt)
		}
		return err
	}
	return nil
}

// xzWriter compresses into one .xz stream of one LZMA2 block (none for empty input)
// with a CRC-64 check.
type xzWriter struct {
	w       io.Writer
	dict    int
	check   byte
	sum     hash.Hash
	block   *lzma.Writer2
	counted *xzCountingWriter
	hdrSize int
	in      int64
	err     error
}

type xzCountingWriter struct {
	w io.Writer
	n int64
}

func (c *xzCountingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// newXzWriter writes the stream header to w.
func newXzWriter(w io.Writer, dict int) (io.WriteCloser, error) {
	z := &xzWriter{w: w, dict: dict, check: xzCheckCRC64}
	h := append(xzMagic[:], 0, z.check)
	h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE(h[6:8]))
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	return z, nil
}

func (z *xzWriter) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if z.block == nil {
		// Block header: one filter, no sizes; LZMA2 with its dictionary size.
		h := []byte{0, 0, xzFilterLZMA2, 1, xzDictByte(z.dict)}
		for (len(h)+4)%4 != 0 {
			h = append(h, 0)
		}
		h[0] = byte((len(h)+4)/4 - 1)
		h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE(h))
		if _, z.err = z.w.Write(h); z.err != nil {
			return 0, z.err
		}
		z.hdrSize = len(h)
		z.counted = &xzCountingWriter{w: z.w}
		z.sum, _ = xzNewCheck(z.check)
		if z.block, z.err = (lzma.Writer2Config{DictCap: z.dict}).NewWriter2(z.counted); z.err != nil {
			return 0, z.err
		}
	}
	n, err := z.block.Write(p)
	z.sum.Write(p[:n])
	z.in += int64(n)
	z.err = err
	return n, err
}

// Close ends the block and writes the index and the footer.
func (z *xzWriter) Close() error {
	if z.err != nil {
		return z.err
	}
	var tail []byte
	index := []byte{0}
	if z.block != nil {
		if err := z.block.Close(); err != nil {
			return err
		}
		csize := z.counted.n
		tail = make([]byte, (4-csize%4)%4)
		tail = append(tail, xzCheckSum(z.sum)...)
		index = xzAppendVarint(index, 1)
		index = xzAppendVarint(index, uint64(int64(z.hdrSize)+csize+int64(xzCheckSize(z.check))))
		index = xzAppendVarint(index, uint64(z.in))
	} else {
		index = xzAppendVarint(index, 0)
	}
	for len(index)%4 != 0 {
		index = append(index, 0)
	}
	index = binary.LittleEndian.AppendUint32(index, crc32.ChecksumIEEE(index))
	footer := binary.LittleEndian.AppendUint32(nil, uint32(len(index)/4-1))
	footer = append(footer, 0, z.check)
	footer = append(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(footer)), footer...)
	footer = append(footer, xzFooterMagic[:]...)
	tail = append(append(tail, index...), footer...)
	_, z.err = z.w.Write(tail)
	if z.err == nil {
		z.err = errClosedXz
		return nil
	}
	return z.err
}

var errClosedXz = errors.New("xz writer closed")
