package awk

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

type awkTokKind int

const (
	tEOF awkTokKind = iota
	tNewline
	tNumber
	tString
	tRegex
	tName
	tFuncName // a name directly followed by "("
	tBuiltin
	tKeyword
	tPunct
)

type awkTok struct {
	kind awkTokKind
	s    string
	n    float64
	pos  int
}

var awkKeywords = sync.OnceValue(func() map[string]bool {
	return map[string]bool{"BEGIN": true, "END": true, "if": true, "else": true, "while": true, "for": true,
		"do": true, "break": true, "continue": true, "next": true, "exit": true, "print": true, "printf": true,
		"delete": true, "in": true, "function": true, "return": true, "getline": true, "nextfile": true}
})

var awkBuiltins = sync.OnceValue(func() map[string]bool {
	return map[string]bool{"length": true, "substr": true, "index": true, "split": true, "sub": true,
		"gsub": true, "match": true, "sprintf": true, "tolower": true, "toupper": true, "int": true, "sqrt": true,
		"exp": true, "log": true, "sin": true, "cos": true, "atan2": true, "rand": true, "srand": true, "system": true,
		"close": true, "fflush": true, "and": true, "or": true, "xor": true, "lshift": true, "rshift": true,
		"compl": true}
})

func awkLex(src string) ([]awkTok, error) {
	var toks []awkTok
	i := 0
	regexOK := func() bool {
		if len(toks) == 0 {
			return true
		}
		t := toks[len(toks)-1]
		switch t.kind {
		case tNumber, tString, tName, tRegex:
			return false
		case tBuiltin:
			return false
		case tPunct:
			return t.s != ")" && t.s != "]" && t.s != "$" && t.s != "++" && t.s != "--"
		}
		return true
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 3
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\n':
			toks = append(toks, awkTok{kind: tNewline, pos: i})
			i++
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			if c == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') {
				j += 2
				for j < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[j]) >= 0 {
					j++
				}
			} else {
				for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
					j++
				}
				if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
					k := j + 1
					if k < len(src) && (src[k] == '+' || src[k] == '-') {
						k++
					}
					if k < len(src) && src[k] >= '0' && src[k] <= '9' {
						j = k
						for j < len(src) && src[j] >= '0' && src[j] <= '9' {
							j++
						}
					}
				}
			}
			n := awkStrToNum(src[i:j])
			if o, err := strconv.ParseUint(src[i:j], 8, 64); err == nil && c == '0' && j > i+1 {
				n = float64(o) // 0755 is octal in a program, as in gawk
			}
			toks = append(toks, awkTok{kind: tNumber, n: n, s: src[i:j], pos: i})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			w := src[i:j]
			if w == "func" { // gawk's and BusyBox's short form of function
				w = "function"
			}
			kind := tName
			switch {
			case awkKeywords()[w]:
				kind = tKeyword
			case awkBuiltins()[w]:
				kind = tBuiltin
			case j < len(src) && src[j] == '(':
				kind = tFuncName
			}
			toks = append(toks, awkTok{kind: kind, s: w, pos: i})
			i = j
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\n' {
					return nil, fmt.Errorf("newline in string")
				}
				if src[j] == '\\' && j+1 < len(src) {
					j++
					switch e := src[j]; e {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					case 'r':
						b.WriteByte('\r')
					case '\\':
						b.WriteByte('\\')
					case '"':
						b.WriteByte('"')
					case '/':
						b.WriteByte('/')
					case 'a':
						b.WriteByte(7)
					case 'b':
						b.WriteByte(8)
					case 'f':
						b.WriteByte(12)
					case 'v':
						b.WriteByte(11)
					case '\n':
					default:
						if e >= '0' && e <= '7' {
							n, k := 0, 0
							for k < 3 && j < len(src) && src[j] >= '0' && src[j] <= '7' {
								n = n*8 + int(src[j]-'0')
								j++
								k++
							}
							j--
							b.WriteByte(byte(n))
						} else {
							b.WriteByte('\\')
							b.WriteByte(e)
						}
					}
					continue
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, awkTok{kind: tString, s: b.String(), pos: i})
			i = j + 1
		case c == '/' && regexOK():
			var b strings.Builder
			j := i + 1
			inBr := false
			for ; j < len(src) && (src[j] != '/' || inBr); j++ {
				if src[j] == '\n' {
					return nil, fmt.Errorf("newline in regex")
				}
				if src[j] == '\\' && j+1 < len(src) {
					if src[j+1] == '/' {
						b.WriteByte('/')
					} else {
						b.WriteByte('\\')
						b.WriteByte(src[j+1])
					}
					j++
					continue
				}
				if src[j] == '[' {
					inBr = true
				} else if src[j] == ']' {
					inBr = false
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated regexp")
			}
			toks = append(toks, awkTok{kind: tRegex, s: b.String(), pos: i})
			i = j + 1
		default:
			ops := []string{"+=", "-=", "*=", "/=", "%=", "^=", "**=", "**", "==", "<=", ">=", "!=", "++", "--", "&&", "||", ">>", "!~"}
			matched := ""
			for _, op := range ops {
				if strings.HasPrefix(src[i:], op) && len(op) > len(matched) {
					matched = op
				}
			}
			if matched == "" {
				if strings.IndexByte("{}()[];,+-*/%^!<>|?:~$=", c) < 0 {
					return nil, fmt.Errorf("unexpected character '%c'", c)
				}
				matched = string(c)
			}
			adv := len(matched)
			if matched == "**" {
				matched = "^"
			} else if matched == "**=" {
				matched = "^="
			}
			toks = append(toks, awkTok{kind: tPunct, s: matched, pos: i})
			i += adv
		}
	}
	toks = append(toks, awkTok{kind: tEOF, pos: len(src)})
	return toks, nil
}
