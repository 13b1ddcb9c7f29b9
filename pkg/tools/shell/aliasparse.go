package shell

import (
	"context"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// A script that defines an alias opening or closing a compound command ('BEGIN={',
// 'END=}', 'a=case x in ') needs it expanded while the script is parsed, as ash's parser
// does; the interpreter's parser never sees aliases, and the shell's own expansion, when
// a simple command runs (alias.go), cannot make a word a keyword. Such a script is run
// one command at a time (runParsingAliases): after each command that changes the
// aliases, the words in command position in the rest of the script that name such an
// alias are replaced by its value, and the next command is parsed from there.

// definesAlias matches a script that runs 'alias' with a definition; compiled when a shell
// first runs a script, not at the start of every toolbox process.
var definesAlias = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|[\n;&|({] *)alias +[^ \n=]+=`) })

// structuralAliases returns the aliases whose value does not parse on its own.
func (t *aliasTable) structuralAliases() map[string]string {
	if !t.any.Load() {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]string{}
	for name, v := range t.m {
		if _, err := syntax.NewParser().Parse(strings.NewReader(v), ""); err != nil {
			out[name] = v
		}
	}
	return out
}

// runParsingAliases runs the script src one top-level command at a time, expanding the
// aliases that open or close compound commands as ash's parser does (see above).
func (s *Shell) runParsingAliases(ctx context.Context, src, name string) int {
	rest, _ := ashLexing(src)
	lines := 0 // the lines run already, before rest
	var aliases map[string]string
	status := 0
	for {
		// rest parsed after as many empty lines as ran: its commands keep their lines
		stmts, end, err := firstStmt(rest, lines, name)
		for _, st := range stmts {
			s.prepare(st)
			status = statusOf(s.runner.Run(ctx, st))
			if s.runner.Exited() {
				return status
			}
		}
		if err != nil {
			fmt.Fprintln(s.env.Stderr, s.syntaxError(err))
			s.runner.Run(ctx, &syntax.File{}) // the EXIT trap
			return 2
		}
		if len(stmts) == 0 {
			break
		}
		end = max(end-lines, 0)
		lines += strings.Count(rest[:end], "\n")
		rest = rest[end:]
		if now := s.aliases.structuralAliases(); !maps.Equal(now, aliases) {
			aliases = now
			rest = expandCommandAliases(rest, aliases)
		}
	}
	s.runner.Run(ctx, &syntax.File{}) // the EXIT trap
	return status
}

// newlines reads as n newlines.
type newlines int

func (n *newlines) Read(p []byte) (int, error) {
	if *n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), int(*n))
	for i := range k {
		p[i] = '\n'
	}
	*n -= newlines(k)
	return k, nil
}

// firstStmt parses the first command of rest, read after lines empty lines, and returns
// it with the offset where what follows it starts (after the bodies of its
// here-documents, counting the empty lines), or nothing at the end. next is the syntax
// error that follows the first command, if any. When the first two commands do not parse
// as they are, the rest is parsed as a whole script is (parseToEnd: repairs,
// here-documents closed by the end) and all its commands are returned.
func firstStmt(rest string, lines int, name string) (first []*syntax.Stmt, end int, next error) {
	nl := newlines(lines)
	var stmts []*syntax.Stmt
	err := syntax.NewParser().Stmts(io.MultiReader(&nl, strings.NewReader(rest)), func(st *syntax.Stmt) bool {
		stmts = append(stmts, st)
		return len(stmts) < 2
	})
	switch {
	case len(stmts) == 2:
		return stmts[:1], int(stmts[1].Pos().Offset()), nil
	case err == nil:
		return stmts, lines + len(rest), nil
	}
	if f, ferr := parseToEnd(strings.Repeat("\n", lines)+rest, name); ferr == nil {
		return f.Stmts, lines + len(rest), nil
	}
	return stmts, lines + len(rest), err
}

// expandCommandAliases replaces each word of text in command position (at the start of
// a line, after ; & | ( or a keyword such as "then" or "{") that names one of aliases by
// the alias's value, but a case pattern ("b)"). Quotes are followed within text; the
// bodies of here-documents are not told apart from commands.
func expandCommandAliases(text string, aliases map[string]string) string {
	if len(aliases) == 0 {
		return text
	}
	var b strings.Builder
	cmd := true // the next word is in command position
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			end := i + 1
			for end < len(text) && text[end] != c {
				if c == '"' && text[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end+1, len(text))
			b.WriteString(text[i:end])
			i, cmd = end, false
		case c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')':
			b.WriteByte(c)
			i, cmd = i+1, true
		case c == ' ' || c == '\t':
			b.WriteByte(c)
			i++
		case c == '#' && cmd:
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				end = len(text) - i
			}
			b.WriteString(text[i : i+end])
			i += end
		default:
			end := i + 1
			for end < len(text) && !strings.ContainsRune(" \t\n;&|()<>'\"", rune(text[end])) {
				if text[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end, len(text))
			word := text[i:end]
			pattern := end < len(text) && (text[end] == ')' || text[end] == '|' && !strings.HasPrefix(text[end:], "||"))
			if v, ok := aliases[word]; ok && cmd && !pattern {
				b.WriteString(v)
				i, cmd = end, strings.HasSuffix(v, " ") || strings.HasSuffix(v, "\t")
				continue
			}
			b.WriteString(word)
			i = end
			switch word {
			case "then", "else", "elif", "do", "if", "while", "until", "!", "{", "time":
			default:
				cmd = false
			}
		}
	}
	return b.String()
}
