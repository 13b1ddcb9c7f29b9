package files

import (
	"encoding/binary"
	"errors"
	"io"
)

// elfInfo is what `file` says of an ELF object. It is read by hand rather than with
// debug/elf, which pulls debug/dwarf, zlib and zstd into the toolbox for the sake of a
// header, the program headers and the section names: the toolbox image has a size budget.
type elfInfo struct {
	is64, msb    bool
	typ, machine uint16
	version      uint32
	osabi        byte
	interp       string
	dynamic, pie bool
	sections     map[string]bool
}

const (
	etRel, etExec, etDyn, etCore = 1, 2, 3, 4
	ptDynamic, ptInterp          = 2, 3
	dtFlags1, df1PIE             = 0x6ffffffb, 0x08000000
)

var errNotELF = errors.New("not an ELF file")

func readELF(r io.ReaderAt) (*elfInfo, error) {
	var ident [16]byte
	if _, err := r.ReadAt(ident[:], 0); err != nil {
		return nil, err
	}
	if string(ident[:4]) != "\x7fELF" || (ident[4] != 1 && ident[4] != 2) || (ident[5] != 1 && ident[5] != 2) {
		return nil, errNotELF
	}
	e := &elfInfo{is64: ident[4] == 2, msb: ident[5] == 2, osabi: ident[7], sections: map[string]bool{}}
	var bo binary.ByteOrder = binary.LittleEndian
	if e.msb {
		bo = binary.BigEndian
	}
	hdr := make([]byte, 64)
	if _, err := r.ReadAt(hdr, 0); err != nil && !(err == io.EOF && !e.is64) {
		return nil, err
	}
	e.typ, e.machine, e.version = bo.Uint16(hdr[16:]), bo.Uint16(hdr[18:]), bo.Uint32(hdr[20:])
	// The offsets and sizes of the program and section header tables.
	var phoff, shoff uint64
	var phentsize, phnum, shentsize, shnum, shstrndx uint16
	if e.is64 {
		phoff, shoff = bo.Uint64(hdr[32:]), bo.Uint64(hdr[40:])
		phentsize, phnum, shentsize, shnum, shstrndx = bo.Uint16(hdr[54:]), bo.Uint16(hdr[56:]), bo.Uint16(hdr[58:]), bo.Uint16(hdr[60:]), bo.Uint16(hdr[62:])
	} else {
		phoff, shoff = uint64(bo.Uint32(hdr[28:])), uint64(bo.Uint32(hdr[32:]))
		phentsize, phnum, shentsize, shnum, shstrndx = bo.Uint16(hdr[42:]), bo.Uint16(hdr[44:]), bo.Uint16(hdr[46:]), bo.Uint16(hdr[48:]), bo.Uint16(hdr[50:])
	}
	if phnum > 4096 || shnum > 65000 {
		return nil, errors.New("implausible header table sizes")
	}
	// Program headers: the interpreter, and the dynamic section's flags.
	for i := 0; i < int(phnum); i++ {
		ph := make([]byte, phentsize)
		if _, err := r.ReadAt(ph, int64(phoff)+int64(i)*int64(phentsize)); err != nil || len(ph) < 32 {
			break
		}
		var typ uint32 = bo.Uint32(ph[0:])
		var off, filesz uint64
		if e.is64 {
			off, filesz = bo.Uint64(ph[8:]), bo.Uint64(ph[32:])
		} else {
			off, filesz = uint64(bo.Uint32(ph[4:])), uint64(bo.Uint32(ph[16:]))
		}
		if filesz > 1<<20 {
			continue
		}
		data := make([]byte, filesz)
		if _, err := r.ReadAt(data, int64(off)); err != nil {
			continue
		}
		switch typ {
		case ptInterp:
			for len(data) > 0 && data[len(data)-1] == 0 {
				data = data[:len(data)-1]
			}
			e.interp = string(data)
		case ptDynamic:
			e.dynamic = true
			step := 8
			if e.is64 {
				step = 16
			}
			for j := 0; j+step <= len(data); j += step {
				var tag, val uint64
				if e.is64 {
					tag, val = bo.Uint64(data[j:]), bo.Uint64(data[j+8:])
				} else {
					tag, val = uint64(bo.Uint32(data[j:])), uint64(bo.Uint32(data[j+4:]))
				}
				if tag == dtFlags1 && val&df1PIE != 0 {
					e.pie = true
				}
			}
		}
	}
	// Section names, from the section header string table.
	if shnum == 0 || shstrndx >= shnum || shentsize < 40 {
		return e, nil
	}
	sh := make([]byte, int(shentsize)*int(shnum))
	if _, err := r.ReadAt(sh, int64(shoff)); err != nil {
		return e, nil
	}
	offSize := func(i int) (name uint32, off, size uint64) {
		s := sh[i*int(shentsize):]
		if e.is64 {
			return bo.Uint32(s[0:]), bo.Uint64(s[24:]), bo.Uint64(s[32:])
		}
		return bo.Uint32(s[0:]), uint64(bo.Uint32(s[16:])), uint64(bo.Uint32(s[20:]))
	}
	_, stroff, strsize := offSize(int(shstrndx))
	if strsize > 1<<20 {
		return e, nil
	}
	strtab := make([]byte, strsize)
	if _, err := r.ReadAt(strtab, int64(stroff)); err != nil {
		return e, nil
	}
	for i := 0; i < int(shnum); i++ {
		name, _, _ := offSize(i)
		if int(name) < len(strtab) {
			end := int(name)
			for end < len(strtab) && strtab[end] != 0 {
				end++
			}
			e.sections[string(strtab[name:end])] = true
		}
	}
	return e, nil
}
