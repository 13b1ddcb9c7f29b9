package grep

import "strconv"

func (g *grepper) writeName(name string, sep byte) {
	if g.color {
		g.out.WriteString("\x1b[35m" + name + "\x1b[m")
	} else {
		g.out.WriteString(name)
	}
	if g.nulNames {
		g.out.WriteByte(0)
	} else {
		g.out.WriteByte(sep)
	}
}

func (g *grepper) prefix(name string, lineNo, off int64, sep byte) {
	if g.names {
		g.writeName(name, sep)
	}
	if g.lineNum {
		g.out.WriteString(strconv.FormatInt(lineNo, 10))
		g.out.WriteByte(sep)
	}
	if g.byteOff {
		g.out.WriteString(strconv.FormatInt(off, 10))
		g.out.WriteByte(sep)
	}
}

func (g *grepper) emitLine(name string, line []byte, lineNo, off int64) {
	if g.onlyMatch {
		if g.m.invert {
			return
		}
		for from := 0; from <= len(line); {
			s, e := g.m.find(line, from)
			if s < 0 {
				break
			}
			if e > s {
				g.prefix(name, lineNo, off+int64(s), ':')
				g.writeMatch(line[s:e])
				g.out.WriteByte('\n')
				from = e
			} else {
				from = e + 1
			}
		}
		return
	}
	g.prefix(name, lineNo, off, ':')
	if g.color && !g.m.invert {
		last := 0
		for from := 0; from < len(line); {
			s, e := g.m.find(line, from)
			if s < 0 {
				break
			}
			if e == s {
				from = e + 1
				continue
			}
			g.out.Write(line[last:s])
			g.writeMatch(line[s:e])
			last, from = e, e
		}
		g.out.Write(line[last:])
	} else {
		g.out.Write(line)
	}
	g.out.WriteByte('\n')
}

func (g *grepper) writeMatch(b []byte) {
	if g.color {
		g.out.WriteString("\x1b[01;31m\x1b[K")
		g.out.Write(b)
		g.out.WriteString("\x1b[m\x1b[K")
		return
	}
	g.out.Write(b)
}
