package shell

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ashLexing rewrites src where ash's lexer and mvdan.cc/sh's differ, before it is parsed:
//
//   - ash removes every backslash-newline outside single quotes, $'...', comments and the
//     bodies of here-documents with a quoted delimiter before it reads a token; mvdan's
//     lexer joins those between words only (syntax/lexer.go). Those it does not join are
//     removed: after "$" ("$\<newline>(cmd)", "$\<newline>{2}"), inside an operator
//     ("&\<newline>&", ";\<newline>;", "<\<newline><"), inside ${...}, in a
//     here-document's operator and delimiter, and in a line of its body that ends it
//     ("EO\<newline>F" ends <<EOF);
//   - a here-document's delimiter holding "$" or "`" (<<EO`true`F, <<- $a) is a plain word
//     to ash, an error to the parser ("expansions not allowed in heredoc words"), and one
//     with a backslash in double quotes ("\\EOF") ends at a line the parser does not
//     see as its end (\EOF): it and the line that ends the body become a delimiter the
//     source holds nowhere;
//   - a byte that is not UTF-8 is a character to ash, an error to the parser ("invalid
//     UTF-8 encoding"): in a word or in quotes it becomes the escape $'\xHH'.
//
// Lines keep their numbers: the newlines removed from a logical line come back as empty
// lines after it (after the bodies of the here-documents it starts), where an empty line
// changes nothing. continued reports a backslash-newline at the very end of src: the line
// goes on in input not read yet (it is dropped from the result).
func ashLexing(src string) (joined string, continued bool) {
	if !strings.Contains(src, "\\\n") && !strings.Contains(src, "<<") && utf8.ValidString(src) {
		return src, false
	}
	j := joiner{src: src, stack: []frame{{kind: frameCode}}}
	j.run()
	return string(j.out), j.continued
}

type frameKind int

const (
	frameCode        frameKind = iota // commands: the script, $(...), (( )) and $(( ))
	frameBackquote                    // `...`
	frameDouble                       // "..."
	frameSingle                       // '...'
	frameDollarQuote                  // $'...'
	frameParam                        // ${...}
)

// heredoc states of a code frame, from "<<" to the end of its delimiter word.
const (
	hdNone  = iota
	hdOp    // "<<" just read: "<" makes it "<<<", "-" makes it "<<-"
	hdBlank // blanks before the delimiter word
	hdWord  // inside the delimiter word (started at frame.wordStart of out)
)

type frame struct {
	kind      frameKind
	parens    int  // open parentheses of $( ... ) or $(( ... )), which end the frame at 0
	arith     bool // $(( )) or (( )): "<<" is a shift, "#" no comment
	inDouble  bool // a ${...} inside "...": single quotes are plain characters
	hd        int
	hdDash    bool
	wordStart int
}

type heredoc struct {
	delim  string
	quoted bool // the body is taken as it is: no backslash-newline is removed
	dash   bool // <<-: leading tabs are stripped before the delimiter is matched
	// replace is the delimiter the parser sees instead, for a word the parser refuses
	replace string
}

type joiner struct {
	src       string
	i         int
	out       []byte
	stack     []frame
	pending   []heredoc // here-documents whose bodies start after the next newline
	removed   int       // newlines removed since the last one written
	continued bool
}

func (j *joiner) top() *frame { return &j.stack[len(j.stack)-1] }

func (j *joiner) push(f frame) { j.stack = append(j.stack, f) }

func (j *joiner) pop() {
	if len(j.stack) > 1 {
		j.stack = j.stack[:len(j.stack)-1]
	}
}

// lastOut is the last byte written, or 0.
func (j *joiner) lastOut() byte {
	if len(j.out) == 0 {
		return 0
	}
	return j.out[len(j.out)-1]
}

func (j *joiner) run() {
	src := j.src
	for j.i < len(src) {
		c := src[j.i]
		f := j.top()
		if c == '\\' && f.kind != frameSingle {
			if j.i+1 < len(src) && src[j.i+1] == '\n' && f.kind != frameDollarQuote {
				if j.i+2 == len(src) {
					j.continued = true
					j.i += 2
					continue
				}
				if j.splitsToken(f) {
					j.removed++
					j.i += 2
					continue
				}
			}
			if f.kind == frameDollarQuote && j.i+1 < len(src) && invalidByte(src[j.i+1:]) {
				j.out = fmt.Appendf(j.out, `\\\x%02x`, src[j.i+1])
				j.i += 2
				continue
			}
			if f.hd != hdNone {
				j.heredocChar(f, c)
			}
			j.copy(2)
			continue
		}
		if c >= utf8.RuneSelf && invalidByte(src[j.i:]) && j.byteEscape(f, c) {
			j.i++
			continue
		}
		switch f.kind {
		case frameSingle:
			if c == '\'' {
				j.pop()
			}
			j.copy(1)
		case frameDollarQuote:
			if c == '\'' {
				j.pop()
			}
			j.copy(1)
		case frameDouble:
			switch {
			case c == '"':
				j.pop()
				j.copy(1)
			default:
				j.dollarOrBackquote(c)
			}
		case frameParam:
			switch {
			case c == '}':
				j.pop()
				j.copy(1)
			case c == '\'' && !f.inDouble:
				j.push(frame{kind: frameSingle})
				j.copy(1)
			case c == '"':
				j.push(frame{kind: frameDouble})
				j.copy(1)
			default:
				j.dollarOrBackquote(c)
			}
		default:
			j.code(f, c)
		}
	}
	if j.top().kind == frameCode && len(j.stack) == 1 {
		j.out = append(j.out, strings.Repeat("\n", j.removed)...)
	}
}

// splitsToken reports whether the backslash-newline at the current position, in frame f,
// is inside what the parser must read as one token: after "$", inside an operator
// ("&\<newline>&", "<\<newline><"), inside ${...}, or from a here-document's "<<" to the
// end of its delimiter. The parser joins the others itself, and keeps the line of each
// token after them (LINENO).
func (j *joiner) splitsToken(f *frame) bool {
	prev := j.lastOut()
	switch {
	case f.kind == frameParam || f.hd != hdNone || prev == '$':
		return true
	case strings.IndexByte("&|;<>()", prev) >= 0:
		next := j.peekJoined(0)
		return next != 0 && strings.IndexByte("&|;<>()-", next) >= 0
	}
	return false
}

// invalidByte reports whether s starts with a byte that is no UTF-8 encoding.
func invalidByte(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return r == utf8.RuneError && size == 1
}

// byteEscape writes the byte c, which is not UTF-8 (the parser refuses such bytes), as an
// escape in $'...' ($'\x81'), closing and opening again the quotes it is in; it reports
// false where it cannot (comments, ${...}, here-documents, delimiters).
func (j *joiner) byteEscape(f *frame, c byte) bool {
	esc := fmt.Sprintf(`$'\x%02x'`, c)
	switch f.kind {
	case frameDollarQuote:
		esc = fmt.Sprintf(`\x%02x`, c)
	case frameSingle:
		esc = "'" + esc + "'"
	case frameDouble:
		esc = `"` + esc + `"`
	case frameCode, frameBackquote:
		if f.hd != hdNone {
			return false
		}
	default:
		return false
	}
	j.out = append(j.out, esc...)
	return true
}

// copy writes the next n bytes of the source as they are.
func (j *joiner) copy(n int) {
	end := min(j.i+n, len(j.src))
	j.out = append(j.out, j.src[j.i:end]...)
	j.i = end
}

// dollarOrBackquote copies c, opening what "$(", "$((", "${" or "`" open.
func (j *joiner) dollarOrBackquote(c byte) {
	inDouble := j.top().kind == frameDouble || (j.top().kind == frameParam && j.top().inDouble)
	if c == '`' {
		if j.top().kind == frameBackquote {
			j.pop()
		} else {
			j.push(frame{kind: frameBackquote})
		}
		j.copy(1)
		return
	}
	if c != '$' {
		j.copy(1)
		return
	}
	switch next := j.peekJoined(1); next {
	case '(':
		j.copy(1)
		j.skipContinuations()
		j.copy(1)
		arith := j.peekJoined(0) == '('
		j.push(frame{kind: frameCode, parens: 1, arith: arith})
	case '{':
		j.copy(1)
		j.skipContinuations()
		j.copy(1)
		j.push(frame{kind: frameParam, inDouble: inDouble})
	case '\'':
		if inDouble {
			j.copy(1)
			return
		}
		j.copy(1)
		j.skipContinuations()
		j.copy(1)
		j.push(frame{kind: frameDollarQuote})
	default:
		j.copy(1)
	}
}

// peekJoined is the byte n bytes ahead of the current one once backslash-newlines are
// removed, or 0 at the end.
func (j *joiner) peekJoined(n int) byte {
	k := j.i
	for {
		for k+1 < len(j.src) && j.src[k] == '\\' && j.src[k+1] == '\n' {
			k += 2
		}
		if k >= len(j.src) {
			return 0
		}
		if n == 0 {
			return j.src[k]
		}
		n--
		k++
	}
}

// skipContinuations removes the backslash-newlines at the current position.
func (j *joiner) skipContinuations() {
	for j.i+1 < len(j.src) && j.src[j.i] == '\\' && j.src[j.i+1] == '\n' {
		if j.i+2 == len(j.src) {
			j.continued = true
		} else {
			j.removed++
		}
		j.i += 2
	}
}

func isMeta(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')':
		return true
	}
	return false
}

// heredocChar advances the here-document state of code frame f over the next byte c,
// before c is handled; it returns false when c is taken (a blank before the delimiter).
func (j *joiner) heredocChar(f *frame, c byte) bool {
	switch f.hd {
	case hdOp:
		switch c {
		case '<':
			f.hd = hdNone // <<<, a here-string
			return true
		case '-':
			f.hdDash = true
			f.hd = hdBlank
			j.copy(1)
			return false
		}
		f.hd = hdBlank
		fallthrough
	case hdBlank:
		switch {
		case c == ' ' || c == '\t':
			j.copy(1)
			return false
		case isMeta(c):
			f.hd = hdNone
		default:
			f.hd = hdWord
			f.wordStart = len(j.out)
		}
	case hdWord:
		if isMeta(c) {
			word := string(j.out[f.wordStart:])
			h := heredoc{dash: f.hdDash}
			h.delim, h.quoted = heredocDelim(word)
			if strings.ContainsAny(word, "$`") || strings.Contains(word, "\"") && strings.Contains(word, "\\") {
				// ash takes the word as it is; the parser refuses expansions in it, and
				// keeps a backslash in double quotes ("\\EOF" ends at \EOF, not \\EOF)
				h.replace = j.freshDelim()
				j.out = append(j.out[:f.wordStart], h.replace...)
				if h.quoted {
					j.out = append(j.out[:f.wordStart], "'"+h.replace+"'"...)
				}
			}
			j.pending = append(j.pending, h)
			f.hd = hdNone
		}
	}
	return true
}

// code copies the next byte c of a code frame f.
func (j *joiner) code(f *frame, c byte) {
	if f.hd != hdNone && !j.heredocChar(f, c) {
		return
	}
	switch c {
	case '\'':
		j.push(frame{kind: frameSingle})
		j.copy(1)
	case '"':
		j.push(frame{kind: frameDouble})
		j.copy(1)
	case '#':
		if f.arith || !wordStart(j.lastOut()) {
			j.copy(1)
			return
		}
		end := strings.IndexByte(j.src[j.i:], '\n')
		if end < 0 {
			end = len(j.src) - j.i
		}
		j.copy(end)
	case '(':
		if !f.arith && j.peekJoined(1) == '(' && wordStart(j.lastOut()) {
			j.copy(1)
			j.skipContinuations()
			j.copy(1)
			j.push(frame{kind: frameCode, parens: 2, arith: true})
			return
		}
		if f.parens > 0 {
			f.parens++
		}
		j.copy(1)
	case ')':
		j.copy(1)
		if f.parens > 0 {
			f.parens--
			if f.parens == 0 {
				j.pop()
			}
		}
	case '<':
		j.copy(1)
		if o := j.out; !f.arith && f.hd == hdNone && bytes.HasSuffix(o, []byte("<<")) && !bytes.HasSuffix(o, []byte("<<<")) {
			f.hd, f.hdDash = hdOp, false
		}
	case '\n':
		j.copy(1)
		j.heredocBodies()
		j.out = append(j.out, strings.Repeat("\n", j.removed)...)
		j.removed = 0
	default:
		j.dollarOrBackquote(c)
	}
}

// wordStart reports whether a byte after prev starts a word (where "#" starts a comment).
func wordStart(prev byte) bool {
	switch prev {
	case 0, ' ', '\t', '\n', ';', '&', '|', '(', ')':
		return true
	}
	return false
}

// heredocBodies copies the bodies of the pending here-documents, which start after the
// newline just written. A line continued by backslash-newlines in an unquoted body is
// joined when it or one of its parts is the delimiter: ash ends the body at the joined
// line only, where the parser would look at each part.
func (j *joiner) heredocBodies() {
	for _, h := range j.pending {
		j.heredocBody(h)
	}
	j.pending = j.pending[:0]
}

func (j *joiner) heredocBody(h heredoc) {
	for j.i < len(j.src) {
		raw, joined, parts := j.bodyLine(h.quoted)
		if h.replace != "" && h.isDelim(joined) {
			j.out = append(j.out, h.replace...)
			if strings.HasSuffix(raw, "\n") {
				j.out = append(j.out, '\n')
			}
			j.removed += len(parts) - 1
			return
		}
		if len(parts) > 1 && (h.isDelim(joined) || slices.ContainsFunc(parts, h.isDelim)) {
			j.out = append(j.out, joined...)
			if strings.HasSuffix(raw, "\n") {
				j.out = append(j.out, '\n')
			}
			j.removed += len(parts) - 1
		} else {
			j.out = append(j.out, raw...)
		}
		if h.isDelim(joined) {
			return
		}
	}
	if h.replace != "" {
		// the end of the script ends the body
		if len(j.out) > 0 && j.out[len(j.out)-1] != '\n' {
			j.out = append(j.out, '\n')
		}
		j.out = append(j.out, h.replace+"\n"...)
	}
}

// isDelim reports whether a line of a body (without its newline) ends the body.
func (h heredoc) isDelim(line string) bool {
	if h.dash {
		line = strings.TrimLeft(line, "\t")
	}
	return line == h.delim
}

// bodyLine reads one line of a here-document's body (raw, with its newline); in an
// unquoted one, a backslash-newline does not end the line: joined is the line without
// them and parts its physical lines.
func (j *joiner) bodyLine(quoted bool) (raw, joined string, parts []string) {
	start := j.i
	var b, part strings.Builder
	for j.i < len(j.src) {
		c := j.src[j.i]
		if c == '\\' && !quoted && j.i+1 < len(j.src) {
			if j.src[j.i+1] == '\n' {
				if j.i+2 == len(j.src) {
					j.continued = true
				}
				parts = append(parts, part.String())
				part.Reset()
				j.i += 2
				continue
			}
			b.WriteString(j.src[j.i : j.i+2])
			part.WriteString(j.src[j.i : j.i+2])
			j.i += 2
			continue
		}
		j.i++
		if c == '\n' {
			break
		}
		b.WriteByte(c)
		part.WriteByte(c)
	}
	parts = append(parts, part.String())
	raw = j.src[start:j.i]
	if j.continued {
		raw = strings.TrimSuffix(raw, "\\\n")
	}
	return raw, b.String(), parts
}

// freshDelim is a here-document delimiter that the source holds nowhere.
func (j *joiner) freshDelim() string {
	for n := 0; ; n++ {
		d := fmt.Sprintf("DDEBUG_EOF_%d", n)
		if !strings.Contains(j.src, d) && !bytes.Contains(j.out, []byte(d)) {
			return d
		}
	}
}

// heredocDelim is the delimiter a here-document's word stands for, and whether the word
// is quoted (its body is then not expanded): a quote, a backslash or, to ash, a "`".
func heredocDelim(word string) (string, bool) {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(word); i++ {
		switch c := word[i]; c {
		case '\\':
			quoted = true
			if i+1 < len(word) {
				i++
				b.WriteByte(word[i])
			}
		case '\'':
			quoted = true
			end := strings.IndexByte(word[i+1:], '\'')
			if end < 0 {
				end = len(word) - i - 1
			}
			b.WriteString(word[i+1 : i+1+end])
			i += end + 1
		case '"':
			quoted = true
			for i++; i < len(word) && word[i] != '"'; i++ {
				if word[i] == '\\' && i+1 < len(word) && strings.IndexByte("$`\"\\", word[i+1]) >= 0 {
					i++
				}
				b.WriteByte(word[i])
			}
		case '`':
			quoted = true // as in ash (parser.c's readtoken1 under CHKEOFMARK)
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), quoted
}
