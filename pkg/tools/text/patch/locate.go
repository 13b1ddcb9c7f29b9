package patch

import "strings"

func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

func (h *hunk) oldLines() []string {
	var out []string
	for _, l := range h.lines {
		if l.op != '+' {
			out = append(out, l.text)
		}
	}
	return out
}

// locate finds where hunk h applies in lines, at or after min, as GNU patch does: fuzz 0
// first over the whole file, then 1 and 2 ignoring as many context lines at each end;
// each search starts at the expected line (the hunk's, moved by the last offset) and goes
// outward, after before before.
func locate(h *hunk, lines []string, min, lastOffset, maxFuzz int) (int, int, bool) {
	return locateFuzz(h, lines, min, lastOffset, 0, maxFuzz)
}

// locateFuzz is locate for the fuzz levels from..to.
func locateFuzz(h *hunk, lines []string, min, lastOffset, from, to int) (int, int, bool) {
	old := h.oldLines()
	prefix, suffix := 0, 0
	for _, l := range h.lines {
		if l.op != ' ' {
			break
		}
		prefix++
	}
	for i := len(h.lines) - 1; i >= 0 && h.lines[i].op == ' '; i-- {
		suffix++
	}
	if prefix == len(h.lines) {
		suffix = 0
	}
	guess := h.oldStart - 1 + lastOffset
	if h.oldLen == 0 {
		guess = h.oldStart + lastOffset
	}
	context := prefix
	if suffix > context {
		context = suffix
	}
	for fuzz := from; fuzz <= to; fuzz++ {
		// GNU patch's rule: the side with less context is held to the file's edge, the
		// one with more gives up fuzz lines first.
		pf, sf := fuzz+prefix-context, fuzz+suffix-context
		edge := func(at, pf, sf int) bool {
			if at < min || at < 0 || at+len(old) > len(lines) {
				return false
			}
			for j := pf; j < len(old)-sf; j++ {
				if lines[at+j] != old[j] {
					return false
				}
			}
			return true
		}
		if pf < 0 && h.oldStart <= 1 {
			// Only at the start of the file (and, with sf < 0 too, as the whole file).
			if sf < 0 && len(old) != len(lines) {
				continue
			}
			if sf < 0 {
				sf = 0
			}
			if edge(0, 0, sf) {
				return 0, fuzz, true
			}
			continue
		}
		if pf < 0 {
			pf = 0
		}
		if sf < 0 {
			// Only at the end of the file.
			if at := len(lines) - len(old); edge(at, pf, 0) {
				return at, fuzz, true
			}
			continue
		}
		match := func(at int) bool {
			if at < min || at > len(lines) || at+len(old)-sf > len(lines) {
				return false
			}
			for j := pf; j < len(old)-sf; j++ {
				if at+j >= len(lines) || lines[at+j] != old[j] {
					return false
				}
			}
			return true
		}
		if match(guess) {
			return guess, fuzz, true
		}
		for off := 1; ; off++ {
			after, before := guess+off <= len(lines), guess-off >= min
			if after && match(guess+off) {
				return guess + off, fuzz, true
			}
			if before && match(guess-off) {
				return guess - off, fuzz, true
			}
			if !after && !before {
				break
			}
		}
	}
	return 0, 0, false
}
