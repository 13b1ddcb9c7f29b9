package text

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// breToERE rewrites a POSIX basic regular expression into the extended syntax that Go's
// regexp understands: \( \) \{ \} \| \+ \? become operators, and the bare characters
// become literals. Backreferences are not supported by Go's engine.
func breToERE(p string) (string, error) {
	var b strings.Builder
	inBracket := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if inBracket {
			b.WriteByte(c)
			if c == '[' && i+1 < len(p) && (p[i+1] == ':' || p[i+1] == '.' || p[i+1] == '=') {
				end := strings.Index(p[i+2:], string(p[i+1])+"]")
				if end >= 0 {
					b.WriteString(p[i+1 : i+2+end+2])
					i += end + 3
				}
				continue
			}
			if c == ']' {
				inBracket = false
			}
			continue
		}
		switch c {
		case '\\':
			if i+1 >= len(p) {
				return "", fmt.Errorf("trailing backslash (\\)")
			}
			i++
			n := p[i]
			switch {
			case strings.IndexByte("(){}|+?", n) >= 0:
				b.WriteByte(n)
			case n >= '1' && n <= '9':
				return "", fmt.Errorf("back-references are not supported")
			case n == '<' || n == '>':
				b.WriteString(`\b`)
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
		case '(', ')', '{', '}', '|', '+', '?':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '*':
			// A leading star (or one after an anchor or group start) is a literal.
			s := b.String()
			if s == "" || strings.HasSuffix(s, "^") || strings.HasSuffix(s, "(") || strings.HasSuffix(s, "|") {
				b.WriteString(`\*`)
			} else {
				b.WriteByte('*')
			}
		case '[':
			inBracket = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// ereFix adapts GNU ERE details to Go: \< \> word anchors, a leading "*" as a literal,
// brackets starting with ']'.
func ereFix(p string) (string, error) {
	var b strings.Builder
	inBracket := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if inBracket {
			if c == '[' && i+1 < len(p) && (p[i+1] == ':' || p[i+1] == '.' || p[i+1] == '=') {
				end := strings.Index(p[i+2:], string(p[i+1])+"]")
				if end >= 0 {
					b.WriteString(p[i : i+2+end+2])
					i += end + 3
					continue
				}
			}
			if c == '\\' {
				b.WriteString(`\\`)
				continue
			}
			b.WriteByte(c)
			if c == ']' {
				inBracket = false
			}
			continue
		}
		switch c {
		case '\\':
			if i+1 >= len(p) {
				return "", fmt.Errorf("trailing backslash (\\)")
			}
			i++
			switch n := p[i]; {
			case n == '<' || n == '>':
				b.WriteString(`\b`)
			case n >= '1' && n <= '9':
				return "", fmt.Errorf("back-references are not supported")
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
		case '[':
			inBracket = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
		case '*', '+', '?':
			s := b.String()
			if s == "" || strings.HasSuffix(s, "(") || strings.HasSuffix(s, "|") || strings.HasSuffix(s, "^") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '{':
			// "{" not starting a valid repetition is a literal in GNU ERE.
			j := i + 1
			for j < len(p) && (p[j] >= '0' && p[j] <= '9' || p[j] == ',') {
				j++
			}
			if j < len(p) && p[j] == '}' && j > i+1 && b.Len() > 0 {
				b.WriteByte(c)
			} else {
				b.WriteString(`\{`)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// requiredLiteral returns a byte string that every match of re must contain (case
// sensitive), or nil. grep searches buffers for it with bytes.Index before running the
// regexp on the lines that contain it.
func requiredLiteral(expr string) []byte {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	return literalOf(re)
}

func literalOf(re *syntax.Regexp) []byte {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []byte(string(re.Rune))
	case syntax.OpCapture:
		return literalOf(re.Sub[0])
	case syntax.OpPlus:
		return literalOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalOf(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []byte
		// Adjacent literal pieces join into one longer literal.
		var cur []byte
		for _, s := range re.Sub {
			if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
				cur = append(cur, string(s.Rune)...)
				continue
			}
			if len(cur) > len(best) {
				best = cur
			}
			cur = nil
			if l := literalOf(s); len(l) > len(best) {
				best = l
			}
		}
		if len(cur) > len(best) {
			best = cur
		}
		return best
	}
	return nil
}

// goSyntax translates a grep/sed style pattern, ERE when ere, BRE otherwise, into Go's
// regular expression syntax.
func goSyntax(p string, ere bool) (string, error) {
	if ere {
		return ereFix(p)
	}
	return breToERE(p)
}

// compile compiles a grep/sed style pattern: ERE when ere, BRE otherwise.
func compile(p string, ere, fold bool) (*regexp.Regexp, string, error) {
	expr, err := goSyntax(p, ere)
	if err != nil {
		return nil, "", err
	}
	if fold {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, "", fmt.Errorf("invalid regular expression '%s': %v", p, cleanRegexpErr(err))
	}
	re.Longest()
	return re, expr, nil
}

func cleanRegexpErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
