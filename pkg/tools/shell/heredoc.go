package shell

import (
	"errors"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// parseToEnd parses a whole script (parseScript) whose end also ends the here-documents
// still open there, as in ash: mvdan.cc/sh's parser calls those an error ("unclosed
// here-document", syntax/parser.go, doHeredocs), so the script is parsed again with their
// delimiters appended.
func parseToEnd(src, name string) (*syntax.File, error) {
	if joined, continued := ashLexing(src); continued {
		src = joined // a backslash-newline at the end of the script joins nothing
	}
	for range 16 { // one more here-document closed each round
		prog, err := parseScript(src, name)
		stop, ok := unclosedHeredoc(err)
		if !ok {
			return prog, err
		}
		if !strings.HasSuffix(src, "\n") {
			src += "\n"
		}
		src += stop + "\n"
	}
	return nil, errors.New("too many unclosed here-documents")
}

// unclosedHeredoc returns the delimiter of the here-document that err says is unclosed.
func unclosedHeredoc(err error) (string, bool) {
	var pe syntax.ParseError
	if !errors.As(err, &pe) {
		return "", false
	}
	quoted, ok := strings.CutPrefix(pe.Text, "unclosed here-document ")
	if !ok {
		return "", false
	}
	stop, uerr := strconv.Unquote(quoted)
	return stop, uerr == nil && stop != "" && !strings.Contains(stop, "\n")
}
