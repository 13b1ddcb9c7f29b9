package archive

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// cpioHeader is one member's header, the fields both formats carry.
type cpioHeader struct {
	ino, mode, uid, gid, nlink uint64
	mtime, size                int64
	dev, rdev                  [2]uint64 // major, minor
	name                       string
	bin                        bool // old binary format: data padded to an even length
}

// cpioFormat is a format cpio -o writes, as data: its magic, its header's fields in
// order (each written in width digits, hex or octal), the alignment of the header and
// of the data (1: none), and whether a file's hard links carry its data once (newc) or
// each (odc).
type cpioFormat struct {
	magic     string
	digitBits uint // 4: hex, 3: octal
	fields    []cpioFieldWidth
	align     int64
	dataOnce  bool
}

type cpioFieldWidth struct {
	field cpioField
	width int
}

// cpioField is a header field as a format writes it.
type cpioField uint8

const (
	cpioIno cpioField = iota
	cpioMode
	cpioUID
	cpioGID
	cpioNlink
	cpioMtime
	cpioSize
	cpioNamesize
	cpioDevMajor
	cpioDevMinor
	cpioRdevMajor
	cpioRdevMinor
	cpioDev   // major<<8 | minor: odc's one device number
	cpioRdev  // likewise
	cpioCheck // newc's checksum field: 0
)

// cpioFormats is what -o -H writes: SVR4 newc, and POSIX odc; built on first use (a toolbox
// process that runs no cpio builds no table).
var cpioFormats = sync.OnceValue(func() map[string]*cpioFormat {
	return map[string]*cpioFormat{
		"newc": {magic: "070701", digitBits: 4, align: 4, dataOnce: true, fields: []cpioFieldWidth{
			{cpioIno, 8}, {cpioMode, 8}, {cpioUID, 8}, {cpioGID, 8}, {cpioNlink, 8}, {cpioMtime, 8},
			{cpioSize, 8}, {cpioDevMajor, 8}, {cpioDevMinor, 8}, {cpioRdevMajor, 8}, {cpioRdevMinor, 8},
			{cpioNamesize, 8}, {cpioCheck, 8}}},
		"odc": {magic: "070707", digitBits: 3, align: 1, fields: []cpioFieldWidth{
			{cpioDev, 6}, {cpioIno, 6}, {cpioMode, 6}, {cpioUID, 6}, {cpioGID, 6}, {cpioNlink, 6},
			{cpioRdev, 6}, {cpioMtime, 11}, {cpioNamesize, 6}, {cpioSize, 11}}},
	}
})

// value is h's field f; a name's size counts its NUL.
func (h *cpioHeader) value(f cpioField) uint64 {
	switch f {
	case cpioIno:
		return h.ino
	case cpioMode:
		return h.mode
	case cpioUID:
		return h.uid
	case cpioGID:
		return h.gid
	case cpioNlink:
		return h.nlink
	case cpioMtime:
		return uint64(h.mtime)
	case cpioSize:
		return uint64(h.size)
	case cpioNamesize:
		return uint64(len(h.name) + 1)
	case cpioDevMajor:
		return h.dev[0]
	case cpioDevMinor:
		return h.dev[1]
	case cpioRdevMajor:
		return h.rdev[0]
	case cpioRdevMinor:
		return h.rdev[1]
	case cpioDev:
		return h.dev[0]<<8 | h.dev[1]
	case cpioRdev:
		return h.rdev[0]<<8 | h.rdev[1]
	}
	return 0
}

// max is the largest number a field of width digits holds.
func (f *cpioFormat) max(width int) uint64 { return 1<<(f.digitBits*uint(width)) - 1 }

// maxSize is the largest member the size field holds.
func (f *cpioFormat) maxSize() int64 {
	for _, fw := range f.fields {
		if fw.field == cpioSize {
			return int64(f.max(fw.width))
		}
	}
	return 0
}

// header is h as the format writes it: each field cut to its width (as GNU cpio
// writes a number too large for it), then the name and its NUL.
func (f *cpioFormat) header(h *cpioHeader) []byte {
	b := []byte(f.magic)
	for _, fw := range f.fields {
		d := strconv.FormatUint(h.value(fw.field)&f.max(fw.width), 1<<f.digitBits)
		for i := len(d); i < fw.width; i++ {
			b = append(b, '0')
		}
		b = append(b, d...)
	}
	b = append(b, h.name...)
	return append(b, 0)
}

type cpioWriter struct {
	w   *bufio.Writer
	f   *cpioFormat
	o   *cpioOpts // -R's owners
	n   int64
	ino uint64 // the last inode number given: members are numbered from 1

	// newc's hard links, as GNU cpio writes them: a name of a file with more links is
	// held back until the file's last link is read, then the names held (the latest
	// first) are written with size 0, and that last one with the data; the names still
	// held when the input ends are written the latest first, the data with the earliest
	// of each file. All the names of a file share one inode number.
	links    map[[2]uint64]uint64 // st_dev, st_ino: the inode number given
	heldBack []cpioHeld           // in the order read
}

type cpioHeld struct {
	key [2]uint64
	m   cpioMember
}

type cpioMember struct {
	p, name string
	fi      fs.FileInfo
}

func (w *cpioWriter) write(b []byte) error {
	n, err := w.w.Write(b)
	w.n += int64(n)
	return err
}

// pad writes zeros up to the format's alignment.
func (w *cpioWriter) pad() error {
	if w.n%w.f.align == 0 {
		return nil
	}
	return w.write(make([]byte, w.f.align-w.n%w.f.align))
}

func (w *cpioWriter) header(h *cpioHeader) error {
	if err := w.write(w.f.header(h)); err != nil {
		return err
	}
	return w.pad()
}

// add writes the member for the file p under name: a regular file's data, a symlink's
// target. A regular file's hard links share one inode number: odc stores the data with
// each name, newc once (see cpioWriter.links); errors name the member.
func (w *cpioWriter) add(p, name string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("%s: Cannot stat: %s", name, tools.Reason(err))
	}
	m := cpioMember{p, name, fi}
	sys, _ := fi.Sys().(*syscall.Stat_t)
	if sys == nil || !fi.Mode().IsRegular() || sys.Nlink < 2 {
		w.ino++
		return w.member(m, w.ino, true)
	}
	key := [2]uint64{uint64(sys.Dev), sys.Ino}
	ino, ok := w.links[key]
	if !ok {
		w.ino++
		ino = w.ino
		w.links[key] = ino
	}
	if !w.f.dataOnce {
		return w.member(m, ino, true)
	}
	held := 0
	for _, h := range w.heldBack {
		if h.key == key {
			held++
		}
	}
	if uint64(held+1) < uint64(sys.Nlink) {
		w.heldBack = append(w.heldBack, cpioHeld{key, m})
		return nil
	}
	var first error
	keep := w.heldBack[:0:0]
	for i := len(w.heldBack) - 1; i >= 0; i-- {
		h := w.heldBack[i]
		if h.key != key {
			keep = append(keep, h)
		} else if err := w.member(h.m, ino, false); err != nil && first == nil {
			first = err
		}
	}
	slices.Reverse(keep)
	w.heldBack = keep
	if err := w.member(m, ino, true); err != nil && first == nil {
		first = err
	}
	return first
}

// writeHeldBack writes the names of the files whose other links were never read: the
// latest first, the data with each file's earliest.
func (w *cpioWriter) writeHeldBack() []error {
	left := map[[2]uint64]int{}
	for _, h := range w.heldBack {
		left[h.key]++
	}
	var errs []error
	for i := len(w.heldBack) - 1; i >= 0; i-- {
		h := w.heldBack[i]
		left[h.key]--
		if err := w.member(h.m, w.links[h.key], left[h.key] == 0); err != nil {
			errs = append(errs, err)
		}
	}
	w.heldBack = nil
	return errs
}

func (w *cpioWriter) member(m cpioMember, ino uint64, withData bool) error {
	if err := w.memberErr(m, ino, withData); err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	return nil
}

func (w *cpioWriter) memberErr(m cpioMember, ino uint64, withData bool) error {
	p, name, fi := m.p, m.name, m.fi
	if fi.Size() > w.f.maxSize() {
		return errors.New("file too large for the archive format")
	}
	h := cpioHeader{ino: ino, nlink: 1, mtime: fi.ModTime().Unix(), name: name}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		h.mode = uint64(sys.Mode)
		h.uid, h.gid = uint64(sys.Uid), uint64(sys.Gid)
		w.o.setOwner(&h)
		h.dev = [2]uint64{uint64(unixMajor(uint64(sys.Dev))), uint64(unixMinor(uint64(sys.Dev)))}
		h.rdev = [2]uint64{uint64(unixMajor(uint64(sys.Rdev))), uint64(unixMinor(uint64(sys.Rdev)))}
		if fi.IsDir() || fi.Mode().IsRegular() {
			h.nlink = uint64(sys.Nlink)
		}
	}
	var data io.Reader
	switch {
	case fi.Mode().IsRegular() && !withData:
	case fi.Mode().IsRegular():
		f, err := tools.OpenRegular(p, fi)
		if err != nil {
			return fmt.Errorf("Cannot open: %s", tools.Reason(err))
		}
		defer f.Close()
		h.size, data = fi.Size(), io.LimitReader(f, fi.Size())
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return fmt.Errorf("Cannot readlink: %s", tools.Reason(err))
		}
		h.size, data = int64(len(target)), strings.NewReader(target)
	}
	if err := w.header(&h); err != nil {
		return err
	}
	if data == nil {
		return nil
	}
	n, err := io.Copy(w.w, data)
	w.n += n
	if err == nil && n != h.size {
		err = fmt.Errorf("Read error: file shrank by %d bytes", h.size-n)
	}
	if err != nil {
		return err
	}
	return w.pad()
}

func (w *cpioWriter) trailer() error {
	if err := w.header(&cpioHeader{nlink: 1, name: "TRAILER!!!"}); err != nil {
		return err
	}
	if w.n%512 != 0 {
		return w.write(make([]byte, 512-w.n%512))
	}
	return nil
}

func unixMajor(d uint64) uint32 { return uint32((d>>8)&0xfff | (d>>32)&^0xfff) }
func unixMinor(d uint64) uint32 { return uint32(d&0xff | (d>>12)&^0xff) }

// errCpioEnd: the input ended inside the archive (GNU's "premature end of archive").
var errCpioEnd = errors.New("premature end of archive")

type cpioReader struct {
	r *bufio.Reader
	n int64
}

func (r *cpioReader) full(b []byte) error {
	n, err := io.ReadFull(r.r, b)
	r.n += int64(n)
	if err != nil {
		return errCpioEnd
	}
	return nil
}

func (r *cpioReader) skipPad(odc bool) error {
	if odc || r.n%4 == 0 {
		return nil
	}
	return r.full(make([]byte, 4-r.n%4))
}

func (r *cpioReader) next() (*cpioHeader, bool, error) {
	magic := make([]byte, 6)
	if err := r.full(magic); err != nil {
		return nil, false, err
	}
	h := &cpioHeader{}
	var namesize uint64
	odc := false
	switch string(magic) {
	case "070701", "070702":
		b := make([]byte, 13*8)
		if err := r.full(b); err != nil {
			return nil, false, err
		}
		var f [13]uint64
		for i := range f {
			v, err := strconv.ParseUint(string(b[i*8:i*8+8]), 16, 32)
			if err != nil {
				return nil, false, errors.New("bad header")
			}
			f[i] = v
		}
		h.ino, h.mode, h.uid, h.gid, h.nlink = f[0], f[1], f[2], f[3], f[4]
		h.mtime, h.size = int64(f[5]), int64(f[6])
		h.dev, h.rdev = [2]uint64{f[7], f[8]}, [2]uint64{f[9], f[10]}
		namesize = f[11]
	case "070707":
		odc = true
		b := make([]byte, 70)
		if err := r.full(b); err != nil {
			return nil, false, err
		}
		field := func(off, n int) uint64 {
			v, err := strconv.ParseUint(string(b[off:off+n]), 8, 64)
			if err != nil {
				namesize = 0
			}
			return v
		}
		dev := field(0, 6)
		h.ino, h.mode, h.uid, h.gid, h.nlink = field(6, 6), field(12, 6), field(18, 6), field(24, 6), field(30, 6)
		rdev := field(36, 6)
		h.mtime = int64(field(42, 11))
		namesize = field(53, 6)
		h.size = int64(field(59, 11))
		h.dev, h.rdev = [2]uint64{dev >> 8, dev & 0xff}, [2]uint64{rdev >> 8, rdev & 0xff}
	default:
		if magic[0] == 0xc7 && magic[1] == 0x71 || magic[0] == 0x71 && magic[1] == 0xc7 {
			return r.binary(magic)
		}
		return nil, false, errors.New("unsupported archive format (only newc, crc, odc and bin are read)")
	}
	if namesize == 0 || namesize > 1<<16 {
		return nil, false, errors.New("bad header")
	}
	name := make([]byte, namesize)
	if err := r.full(name); err != nil {
		return nil, false, err
	}
	h.name = strings.TrimRight(string(name), "\x00")
	return h, odc, r.skipPad(odc)
}

// binary reads the old binary header (GNU cpio's default -H bin): 13 16-bit words in the
// writer's byte order, name and data padded to even lengths.
func (r *cpioReader) binary(magic []byte) (*cpioHeader, bool, error) {
	b := make([]byte, 26)
	copy(b, magic)
	if err := r.full(b[6:]); err != nil {
		return nil, false, err
	}
	word := func(i int) uint64 {
		if magic[0] == 0xc7 {
			return uint64(b[2*i]) | uint64(b[2*i+1])<<8
		}
		return uint64(b[2*i])<<8 | uint64(b[2*i+1])
	}
	h := &cpioHeader{ino: word(2), mode: word(3), uid: word(4), gid: word(5), nlink: word(6),
		mtime: int64(word(8)<<16 | word(9)), size: int64(word(11)<<16 | word(12))}
	dev, rdev := word(1), word(7)
	h.dev, h.rdev = [2]uint64{dev >> 8, dev & 0xff}, [2]uint64{rdev >> 8, rdev & 0xff}
	namesize := word(10)
	if namesize == 0 {
		return nil, false, errors.New("bad header")
	}
	name := make([]byte, namesize+namesize%2)
	if err := r.full(name); err != nil {
		return nil, false, err
	}
	h.name = strings.TrimRight(string(name), "\x00")
	h.bin = true
	return h, true, nil
}
