package shell

import (
	"strings"

	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// ashQuoting rewrites the words of a parsed program so that the interpreter's expansion
// quotes as ash does. mvdan.cc/sh expands a word that is not a command's argument (the
// word of case, a redirection's target, a word of [[ ]], the pattern of ${x#P}) with
// expand.Literal (expand/expand.go, wordField), which keeps the backslash of an unquoted
// \c and drops the quoting of ${x#P}'s pattern; its own decoding of $'...' (expand.Format)
// stops at an escape it does not know. The rewrite gives each of these words the parts
// that make expand.Literal produce ash's string:
//   - an unquoted \c becomes the single-quoted 'c' (case \z in z matches);
//   - the pattern of ${x#P} ${x%P}: quoted parts become pattern text escaped with
//     backslashes, and a backslash inside a bracket expression stays a plain character
//     ([a\]] is the set of a and \, then ]), as ash reads a pattern;
//   - inside "${x-W}" "${x+W}", single quotes stay characters ("${x+'a'}" is 'a');
//   - $'...' is decoded as ash does: \NNN takes octal digits only, \xHH one or two hex
//     digits, an unknown escape keeps its backslash, NUL ends the string.
//
// Assignment values and the words of ${x-W} and ${x/P/W} get their backslashes resolved
// by unquoteValues (params.go); case patterns (expand.Pattern) need nothing. Of a
// here-document's body only the ${...} are rewritten (as inside "..."); arithmetic is
// left alone.
func ashQuoting(node syntax.Node) {
	done := map[*syntax.Word]bool{} // words already rewritten with their context's rules
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Redirect:
			if n.Hdoc != nil {
				// the body's text is expand.Document's; its ${...} read as in "..."
				done[n.Hdoc] = true
				quotedParamExps(n.Hdoc.Parts, done)
				if n.Op == syntax.DashHdoc {
					stripHdocTabs(n)
				}
			}
		case *syntax.Assign:
			if n.Value != nil && n.Array == nil && n.Index == nil {
				// unquoteValues (params.go) resolves a value's backslashes and tildes
				done[n.Value] = true
				nested(n.Value.Parts, done)
			}
		case *syntax.CaseItem:
			// expand.Pattern reads a pattern's backslashes as ash does already
			for _, w := range n.Patterns {
				done[w] = true
				nested(w.Parts, done)
			}
		case *syntax.SglQuoted:
			decodeDollarQuote(n)
		case *syntax.Word:
			if !done[n] {
				done[n] = true
				n.Parts = unquotedParts(n.Parts, done)
			}
		}
		return true
	})
}

// stripHdocTabs removes the leading tabs of a <<- here-document's lines from the parsed
// body and makes it a plain <<: the interpreter strips them while expanding, and loses the
// newline of a first line that expands to nothing (interp/runner.go, hdocString).
func stripHdocTabs(rd *syntax.Redirect) {
	lineStart := true
	for _, p := range rd.Hdoc.Parts {
		l, ok := p.(*syntax.Lit)
		if !ok {
			lineStart = false
			continue
		}
		lines := strings.Split(l.Value, "\n")
		for i := range lines {
			if i > 0 || lineStart {
				lines[i] = strings.TrimLeft(lines[i], "\t")
			}
		}
		l.Value = strings.Join(lines, "\n")
		lineStart = strings.HasSuffix(l.Value, "\n")
	}
	rd.Op = syntax.Hdoc
}

// unquotedParts rewrites the parts of a word read outside quotes.
func unquotedParts(parts []syntax.WordPart, done map[*syntax.Word]bool) []syntax.WordPart {
	var out []syntax.WordPart
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			out = append(out, unescapeLit(p)...)
			continue
		case *syntax.DblQuoted:
			quotedParamExps(p.Parts, done)
			out = append(out, splitQuotedLists(p)...)
			continue
		case *syntax.ParamExp:
			paramExpWords(p, false, done)
		}
		out = append(out, p)
	}
	return out
}

// splitQuotedLists splits "-$@-" into "-" "$@" "-": the interpreter makes one field per
// element only of a "..." that holds nothing but the list (expand/expand.go, wordFields),
// where ash joins the text before and after to the first and the last element.
func splitQuotedLists(q *syntax.DblQuoted) []syntax.WordPart {
	if len(q.Parts) < 2 || q.Dollar {
		return []syntax.WordPart{q}
	}
	var out []syntax.WordPart
	var cur []syntax.WordPart
	flush := func() {
		if len(cur) > 0 {
			out = append(out, &syntax.DblQuoted{Left: q.Left, Right: q.Right, Parts: cur})
			cur = nil
		}
	}
	for _, p := range q.Parts {
		if pe, ok := p.(*syntax.ParamExp); ok && isQuotedList(pe) {
			flush()
			out = append(out, &syntax.DblQuoted{Left: q.Left, Right: q.Right, Parts: []syntax.WordPart{pe}})
			continue
		}
		cur = append(cur, p)
	}
	flush()
	return out
}

// isQuotedList reports whether pe is $@ or ${name[@]}, one field per element in "...".
func isQuotedList(pe *syntax.ParamExp) bool {
	if pe.Param == nil || pe.Length || pe.Excl || pe.Width || pe.IsSet {
		return false
	}
	if pe.Param.Value == "@" && pe.Index == nil {
		return true
	}
	w, ok := pe.Index.(*syntax.Word)
	return ok && w.Lit() == "@"
}

// quotedParamExps rewrites the words of the ${...} among the parts of a "..." string.
func quotedParamExps(parts []syntax.WordPart, done map[*syntax.Word]bool) {
	for _, p := range parts {
		if pe, ok := p.(*syntax.ParamExp); ok {
			paramExpWords(pe, true, done)
		}
	}
}

// unescapeLit splits an unquoted literal at each \c into the literal text around it and a
// single-quoted c. A trailing backslash stays as it is.
func unescapeLit(l *syntax.Lit) []syntax.WordPart {
	s := l.Value
	if !strings.Contains(s, `\`) {
		return []syntax.WordPart{l}
	}
	var out []syntax.WordPart
	for {
		i := strings.IndexByte(s, '\\')
		if i < 0 || i == len(s)-1 {
			break
		}
		if i > 0 {
			out = append(out, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: s[:i]})
		}
		size := len(string([]rune(s[i+1:])[0]))
		out = append(out, &syntax.SglQuoted{Left: l.ValuePos, Right: l.ValueEnd, Value: s[i+1 : i+1+size]})
		s = s[i+1+size:]
	}
	if s != "" {
		out = append(out, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: s})
	}
	return out
}

// paramExpWords rewrites the words inside ${...}; quoted: the expansion is inside "...".
// The backslashes of a replacement and of the word of ${x-W} ${x+W} ${x=W} ${x?W} are
// unquoteValues' (params.go); here they only get the single quotes of a quoted ${x+'W'}.
func paramExpWords(pe *syntax.ParamExp, quoted bool, done map[*syntax.Word]bool) {
	if pe.Repl != nil {
		for _, w := range []*syntax.Word{pe.Repl.Orig, pe.Repl.With} {
			if w != nil {
				// expand.Pattern quotes the pattern's quoted parts already
				done[w] = true
				nested(w.Parts, done)
			}
		}
	}
	if pe.Exp == nil || pe.Exp.Word == nil {
		return
	}
	w := pe.Exp.Word
	switch pe.Exp.Op {
	case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
		done[w] = true
		w.Parts = patternParts(w.Parts, done)
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull, syntax.DefaultUnset, syntax.DefaultUnsetOrNull,
		syntax.AssignUnset, syntax.AssignUnsetOrNull, syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
		done[w] = true
		if quoted {
			w.Parts = sglQuotesAsChars(w.Parts, done)
		} else {
			nested(w.Parts, done)
		}
	}
}

// nested rewrites the ${...} among parts (and inside their "...") as read outside quotes.
func nested(parts []syntax.WordPart, done map[*syntax.Word]bool) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.ParamExp:
			paramExpWords(p, false, done)
		case *syntax.DblQuoted:
			quotedParamExps(p.Parts, done)
		}
	}
}

// sglQuotesAsChars rewrites the parts of a word read as inside double quotes: single
// quotes are characters there ("${x+'a'}" is 'a'), which expand.Literal would remove.
func sglQuotesAsChars(parts []syntax.WordPart, done map[*syntax.Word]bool) []syntax.WordPart {
	out := make([]syntax.WordPart, 0, len(parts))
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.SglQuoted:
			if !p.Dollar {
				out = append(out, &syntax.Lit{ValuePos: p.Left, ValueEnd: p.Right, Value: "'" + p.Value + "'"})
				continue
			}
		case *syntax.DblQuoted:
			quotedParamExps(p.Parts, done)
		case *syntax.ParamExp:
			paramExpWords(p, true, done)
		}
		out = append(out, p)
	}
	return out
}

// unescapeDquote resolves the backslashes of text inside double quotes (and, inside
// ${...}, of \}).
func unescapeDquote(s string, brace bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch c := s[i+1]; {
			case c == '\\' || c == '$' || c == '`' || c == '"' || (brace && c == '}'):
				i++
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// patternParts rewrites the pattern of ${x#P} (expanded by expand.Literal, then used as
// a pattern) so that its quoted parts match themselves.
func patternParts(parts []syntax.WordPart, done map[*syntax.Word]bool) []syntax.WordPart {
	out := make([]syntax.WordPart, 0, len(parts))
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			p.Value = plainBackslashInBrackets(p.Value)
		case *syntax.SglQuoted:
			if !p.Dollar {
				out = append(out, &syntax.Lit{ValuePos: p.Left, ValueEnd: p.Right, Value: pattern.QuoteMeta(p.Value, 0)})
				continue
			}
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				switch q := q.(type) {
				case *syntax.Lit:
					out = append(out, &syntax.Lit{ValuePos: q.ValuePos, ValueEnd: q.ValueEnd, Value: pattern.QuoteMeta(unescapeDquote(q.Value, false), 0)})
					continue
				case *syntax.ParamExp:
					paramExpWords(q, true, done)
				}
				out = append(out, q)
			}
			continue
		case *syntax.ParamExp:
			paramExpWords(p, false, done)
		}
		out = append(out, p)
	}
	return out
}

// plainBackslashInBrackets doubles each backslash inside a bracket expression of a
// pattern: ash reads [a\]] as the set of a and \ followed by ], where mvdan.cc/sh's
// pattern package would read an escaped ].
func plainBackslashInBrackets(s string) string {
	if !strings.Contains(s, `\`) || !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				b.WriteString(s[i : i+2])
				i++
				continue
			}
		case '[':
			if end := bracketEnd(s, i); end > 0 {
				b.WriteByte('[')
				b.WriteString(strings.ReplaceAll(s[i+1:end], `\`, `\\`))
				b.WriteByte(']')
				i = end
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// bracketEnd returns the index of the ] closing the bracket expression that opens at
// s[start], or -1.
func bracketEnd(s string, start int) int {
	j := start + 1
	if j < len(s) && (s[j] == '!' || s[j] == '^') {
		j++
	}
	if j < len(s) && s[j] == ']' {
		j++
	}
	for ; j < len(s); j++ {
		switch {
		case s[j] == ']':
			return j
		case s[j] == '[' && j+1 < len(s) && (s[j+1] == ':' || s[j+1] == '.' || s[j+1] == '='):
			end := strings.Index(s[j+2:], string(s[j+1])+"]")
			if end < 0 {
				return -1
			}
			j += 2 + end + 1
		}
	}
	return -1
}

// decodeDollarQuote decodes a $'...' string as ash does and makes it a plain '...'.
func decodeDollarQuote(q *syntax.SglQuoted) {
	if !q.Dollar {
		return
	}
	s := q.Value
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = s[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'e', 'E':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\', '\'', '"', '?':
			b.WriteByte(c)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n := 0
			for k := 0; k < 3 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
				n = n*8 + int(s[i]-'0')
				i++
			}
			i--
			b.WriteByte(byte(n))
		case 'x':
			n, k := 0, 0
			for ; k < 2 && i+1 < len(s) && isHex(s[i+1]); k++ {
				i++
				n = n*16 + hexVal(s[i])
			}
			if k == 0 {
				b.WriteString(`\x`)
				continue
			}
			b.WriteByte(byte(n))
		case 'c':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i] & 0x1f)
				continue
			}
			b.WriteString(`\c`)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	v, _, _ := strings.Cut(b.String(), "\x00")
	q.Value, q.Dollar = v, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}
