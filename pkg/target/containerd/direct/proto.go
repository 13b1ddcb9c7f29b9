package direct

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The protobuf wire types this package reads or writes.
const (
	wireVarint = 0
	wire64     = 1
	wireBytes  = 2
	wire32     = 5
)

// appendString appends field num of type string (or bytes) holding s.
func appendString(b []byte, num int, s string) []byte {
	b = binary.AppendUvarint(b, uint64(num)<<3|wireBytes)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errTruncated = errors.New("truncated protobuf message")

// fields calls f with each field of the message b: its number, its wire type, and its
// value (varint, fixed64 and fixed32 in v; length-delimited in p). Groups are refused.
func fields(b []byte, f func(num int, typ int, v uint64, p []byte) error) error {
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return errTruncated
		}
		b = b[n:]
		num, typ := tag>>3, int(tag&7)
		if num == 0 || num > 1<<29-1 {
			return fmt.Errorf("protobuf field number %d", num)
		}
		var v uint64
		var p []byte
		switch typ {
		case wireVarint:
			v, n = binary.Uvarint(b)
			if n <= 0 {
				return errTruncated
			}
			b = b[n:]
		case wire64:
			if len(b) < 8 {
				return errTruncated
			}
			v, b = binary.LittleEndian.Uint64(b), b[8:]
		case wire32:
			if len(b) < 4 {
				return errTruncated
			}
			v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		case wireBytes:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return errTruncated
			}
			p, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return fmt.Errorf("protobuf wire type %d of field %d", typ, num)
		}
		if err := f(int(num), typ, v, p); err != nil {
			return err
		}
	}
	return nil
}

// message calls f with the fields of the message in field num of b, once per occurrence
// (a repeated message, or a message sent in parts), and says whether b has that field;
// other fields are skipped.
func message(b []byte, num int, f func(num int, typ int, v uint64, p []byte) error) (bool, error) {
	found := false
	err := fields(b, func(n, typ int, _ uint64, p []byte) error {
		if n != num {
			return nil
		}
		if typ != wireBytes {
			return fmt.Errorf("protobuf field %d: wire type %d, want a message", n, typ)
		}
		found = true
		return fields(p, f)
	})
	return found, err
}
