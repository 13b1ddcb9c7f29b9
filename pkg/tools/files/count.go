package files

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// countArg parses head/tail's -n/-c values: "10", "+10" (from line 10), "-10" (all but
// the last 10 for head), with optional size suffixes for -c.
func countArg(v string) (n int64, plus, minus bool, err error) {
	switch {
	case strings.HasPrefix(v, "+"):
		plus, v = true, v[1:]
	case strings.HasPrefix(v, "-"):
		minus, v = true, v[1:]
	}
	mult := int64(1)
	for suf, m := range map[string]int64{"b": 512, "K": 1024, "k": 1024, "KB": 1000, "M": 1 << 20, "MB": 1e6, "G": 1 << 30, "GB": 1e9} {
		if strings.HasSuffix(v, suf) && len(v) > len(suf) {
			if _, e := strconv.ParseInt(strings.TrimSuffix(v, suf), 10, 64); e == nil {
				v, mult = strings.TrimSuffix(v, suf), m
				break
			}
		}
	}
	n, err = strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, false, fmt.Errorf("invalid number: '%s'", v)
	}
	return n * mult, plus, minus, nil
}

// legacyCount turns "head -5" / "tail -5" / "tail +5" into "-n 5" / "-n +5".
func legacyCount(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if i == 0 && len(a) > 1 && (a[0] == '-' || a[0] == '+') && a[1] >= '0' && a[1] <= '9' {
			if _, err := strconv.Atoi(a[1:]); err == nil {
				if a[0] == '+' {
					out = append(out, "-n", a)
				} else {
					out = append(out, "-n", a[1:])
				}
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// splitLines splits b after each newline, keeping the newlines.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}
