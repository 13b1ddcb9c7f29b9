package posixre

import (
	"fmt"
	"regexp"
	"strings"
)

// BRE rewrites a POSIX basic regular expression into the extended syntax that Go's
// regexp understands: \( \) \{ \} \| \+ \? become operators, and the bare characters
// become literals. Backreferences are not supported by Go's engine.
func BRE(p string) (string, error) {
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

// ERE adapts GNU ERE details to Go: \< \> word anchors, a leading "*" as a literal,
// brackets starting with ']'.
func ERE(p string) (string, error) {
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

// Translate translates a grep/sed style pattern, ERE when ere, BRE otherwise, into Go's
// regular expression syntax.
func Translate(p string, ere bool) (string, error) {
	if ere {
		return ERE(p)
	}
	return BRE(p)
}

// Compile compiles a grep/sed style pattern: ERE when ere, BRE otherwise.
func Compile(p string, ere, fold bool) (*regexp.Regexp, string, error) {
	expr, err := Translate(p, ere)
	if err != nil {
		return nil, "", err
	}
	if fold {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, "", fmt.Errorf("invalid regular expression '%s': %v", p, ErrorText(err))
	}
	re.Longest()
	return re, expr, nil
}

// ErrorText is the text of a regexp error without Go's "error parsing regexp: " prefix,
// as grep, sed and awk word it.
func ErrorText(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
