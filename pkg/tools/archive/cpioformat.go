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

type cpioWriter struct {
	w   *bufio.Writer
	odc bool
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

func (w *cpioWriter) pad(align int64) error {
	if w.odc || w.n%align == 0 {
		return nil
	}
	return w.write(make([]byte, align-w.n%align))
}

func (w *cpioWriter) header(h *cpioHeader) error {
	var s string
	if w.odc {
		dev := h.dev[0]<<8 | h.dev[1]
		rdev := h.rdev[0]<<8 | h.rdev[1]
		s = fmt.Sprintf("070707%06o%06o%06o%06o%06o%06o%06o%011o%06o%011o%s\x00",
			dev&0o777777, h.ino&0o777777, h.mode, h.uid&0o777777, h.gid&0o777777, h.nlink&0o777777,
			rdev&0o777777, h.mtime, len(h.name)+1, h.size, h.name)
	} else {
		s = fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%s\x00",
			uint32(h.ino), uint32(h.mode), uint32(h.uid), uint32(h.gid), uint32(h.nlink), uint32(h.mtime),
			uint32(h.size), uint32(h.dev[0]), uint32(h.dev[1]), uint32(h.rdev[0]), uint32(h.rdev[1]),
			len(h.name)+1, 0, h.name)
	}
	if err := w.write([]byte(s)); err != nil {
		return err
	}
	return w.pad(4)
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
	if w.odc {
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
	if !w.odc && int64(uint32(fi.Size())) != fi.Size() || w.odc && fi.Size() > 0o77777777777 {
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
	return w.pad(4)
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
