package files

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// unixMode returns the permission and set-id bits of m as the kernel spells them.
func unixMode(m fs.FileMode) uint32 {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return v
}

// goMode turns kernel mode bits into an fs.FileMode for os.Chmod.
func goMode(v uint32) fs.FileMode {
	m := fs.FileMode(v & 0o777)
	if v&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if v&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if v&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// parseMode applies a chmod mode, octal ("755") or symbolic ("u+x,go-w", "a=rX"), to
// cur and returns the result. isDir decides what X means.
func parseMode(spec string, cur uint32, isDir bool) (uint32, error) {
	if spec == "" {
		return 0, fmt.Errorf("invalid mode: ''")
	}
	if spec[0] >= '0' && spec[0] <= '7' {
		v, err := strconv.ParseUint(spec, 8, 32)
		if err != nil || v > 0o7777 {
			return 0, fmt.Errorf("invalid mode: '%s'", spec)
		}
		return uint32(v), nil
	}
	m := cur
	for _, clause := range strings.Split(spec, ",") {
		i := 0
		var who uint32
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			switch clause[i] {
			case 'u':
				who |= 0o4700
			case 'g':
				who |= 0o2070
			case 'o':
				who |= 0o1007
			case 'a':
				who |= 0o7777
			}
			i++
		}
		if who == 0 {
			who = 0o7777
		}
		if i >= len(clause) {
			return 0, fmt.Errorf("invalid mode: '%s'", spec)
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, fmt.Errorf("invalid mode: '%s'", spec)
			}
			i++
			var perm uint32
			for i < len(clause) && strings.IndexByte("+-=", clause[i]) < 0 {
				switch c := clause[i]; c {
				case 'r':
					perm |= 0o444
				case 'w':
					perm |= 0o222
				case 'x':
					perm |= 0o111
				case 'X':
					if isDir || m&0o111 != 0 {
						perm |= 0o111
					}
				case 's':
					perm |= 0o6000
				case 't':
					perm |= 0o1000
				case 'u', 'g', 'o':
					shift := map[byte]uint{'u': 6, 'g': 3, 'o': 0}[c]
					bits := (m >> shift) & 7
					perm |= bits<<6 | bits<<3 | bits
				default:
					return 0, fmt.Errorf("invalid mode: '%s'", spec)
				}
				i++
			}
			perm &= who
			switch op {
			case '+':
				m |= perm
			case '-':
				m &^= perm
			case '=':
				m = m&^who | perm
			}
		}
	}
	return m, nil
}

func sortStrings(s []string) { sort.Strings(s) }
